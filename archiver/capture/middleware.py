"""Hold each response until its WARC capture is in the file, when a worker encodes it.

``WarcCaptureExtension`` hands an exchange to a worker process at ``response_downloaded`` and
leaves an ``asyncio.Future`` of its ``Capture`` in ``request.meta``. This middleware, nearest
the downloader, awaits it before any other middleware or the callback sees the response, and
puts the ``Capture`` (or nothing, if the write failed) in its place. The request stays in
the downloader's ``active`` set meanwhile, so the engine cannot close with a capture in
flight, and every record still points into a capture already written.
"""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.http import Response

from archiver.meta import CAPTURE_META_KEY


class WarcCaptureWaitMiddleware:
    """Downloader middleware (order 950: its ``process_response`` runs first)."""

    async def process_response(self, request: Request, response: Response) -> Response:
        pending = request.meta.get(CAPTURE_META_KEY)
        if isinstance(pending, asyncio.Future):
            capture = await pending
            if capture is None:  # not written: logged and counted by the extension
                del request.meta[CAPTURE_META_KEY]
            else:
                request.meta[CAPTURE_META_KEY] = capture
        return response
