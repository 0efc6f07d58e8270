"""Typed reads of the ARCHIVE_* settings, whose defaults have one home: archiver/settings.py.

A crawl started with the project's settings has every ARCHIVE_* name set already. A crawler
built without them (a test, an embedding program) falls back to the same module's values
here, so no default is written twice.
"""

from __future__ import annotations

from typing import Any

from archiver import settings as project_settings


def default(name: str) -> Any:
    """The project's default of setting ``name`` (AttributeError if there is none)."""
    return getattr(project_settings, name)


def get(settings: Any, name: str) -> Any:
    value = settings.get(name)
    return default(name) if value is None else value


def getint(settings: Any, name: str) -> int:
    return int(settings.getint(name, default(name)))


def getfloat(settings: Any, name: str) -> float:
    return float(settings.getfloat(name, default(name)))


def getbool(settings: Any, name: str) -> bool:
    return bool(settings.getbool(name, default(name)))
