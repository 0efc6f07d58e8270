"""The errors a page parser raises: the crawl logs and counts them, and goes on."""

from __future__ import annotations


class ParseError(Exception):
    """A page could not be turned into a record."""


class LayoutError(ParseError):
    """The page does not match the known layout; the message names what was missing."""
