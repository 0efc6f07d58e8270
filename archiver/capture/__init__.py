"""Capture of every HTTP exchange of the crawl to WARC/1.1, faithfully and durably.

Modules, one concept each: ``exchange`` (the writer's input), ``serialize`` (records as
gzip members), ``naming`` (file names), ``writer`` (rolling ``.open`` files), ``members``
(walking gzip members), ``recovery`` (repairing files of a killed run), ``reader`` (reading
records back), ``records`` (an Exchange from Scrapy objects), ``extension`` (the Scrapy
extension) and ``middleware`` (holding a response until a worker's encoding of its capture
is written). Only the last three import Scrapy; their names load lazily from here, so
``archiver.capture.writer`` and friends can be used without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from archiver.capture.exchange import Exchange
from archiver.capture.reader import iter_records, iter_responses, open_record
from archiver.capture.recovery import RepairResult, repair_directory, repair_open_file
from archiver.capture.writer import WarcFileWriter
from archiver.meta import CAPTURE_META_KEY

if TYPE_CHECKING:
    from archiver.capture.extension import WarcCaptureExtension, capture_for, get_writer
    from archiver.capture.records import exchange_from_scrapy

_LAZY = {
    "WarcCaptureExtension": "archiver.capture.extension",
    "capture_for": "archiver.capture.extension",
    "get_writer": "archiver.capture.extension",
    "exchange_from_scrapy": "archiver.capture.records",
}


def __getattr__(name: str) -> Any:
    # PEP 562: the Scrapy-facing names import Scrapy only when first asked for.
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CAPTURE_META_KEY",
    "Exchange",
    "RepairResult",
    "WarcCaptureExtension",
    "WarcFileWriter",
    "capture_for",
    "exchange_from_scrapy",
    "get_writer",
    "iter_records",
    "iter_responses",
    "open_record",
    "repair_directory",
    "repair_open_file",
]
