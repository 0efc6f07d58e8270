"""Dates from JSON-LD blocks that SEO plugins add to a page (SITE.md, LOW: probe, fall back)."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from typing import Any

from archiver.parsers.dom import Element, xpath

_SCRIPTS = xpath("//script[@type='application/ld+json']")
# Bounds on what one page's JSON-LD may cost: a hostile block is skipped, not followed.
_MAX_CHARS = 200_000
_MAX_NODES = 2_000


def scripts(root: Element) -> list[Element]:
    """The page's JSON-LD script elements."""
    return list(_SCRIPTS(root))


def dates_published(root: Element) -> Iterator[str]:
    """Every string ``datePublished`` in the page's JSON-LD, breadth first, block by block."""
    for script in scripts(root):
        data = _load(script.text or "")
        if data is not None:
            yield from _values(data, "datePublished")


def _load(text: str) -> Any:
    if len(text) > _MAX_CHARS:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _values(data: Any, key: str) -> Iterator[str]:
    queue, seen = deque([data]), 0
    while queue and seen < _MAX_NODES:
        node, seen = queue.popleft(), seen + 1
        if isinstance(node, dict):
            if isinstance(value := node.get(key), str):
                yield value
            queue.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, dict | list))


def keywords(root: Element) -> list[str]:
    """The first ``keywords`` of the page's JSON-LD (Yoast's tag names): a list of strings,
    or one string of comma-separated names; cleaned, duplicates removed."""
    for script in scripts(root):
        data = _load(script.text or "")
        for value in [] if data is None else _any_values(data, "keywords"):
            names = value.split(",") if isinstance(value, str) else value
            found = [" ".join(n.split()) for n in names if isinstance(n, str)]
            if found := list(dict.fromkeys(n for n in found if n)):
                return found
    return []


def _any_values(data: Any, key: str) -> Iterator[Any]:
    """Every value (string or list) of ``key``, breadth first, bounded like ``_values``."""
    queue, seen = deque([data]), 0
    while queue and seen < _MAX_NODES:
        node, seen = queue.popleft(), seen + 1
        if isinstance(node, dict):
            if isinstance(value := node.get(key), str | list):
                yield value
            queue.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, dict | list))
