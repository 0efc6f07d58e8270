"""Worker processes for CPU work (``ARCHIVE_WORKERS``): a generic pool driven by the event
loop (``pool``), its wire format (``protocol``), the worker process (``worker``) and the
crawl's one pool (``crawler``, the only module here that imports Scrapy: load it yourself)."""

from __future__ import annotations

from archiver.pool.pool import MAX_RESTARTS, WorkerCrashed, WorkerError, WorkerPool

__all__ = ["MAX_RESTARTS", "WorkerCrashed", "WorkerError", "WorkerPool"]
