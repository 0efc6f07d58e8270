"""The ``Request.meta`` keys that archiver's components pass to one another.

One neutral home, so that a component reading a key (the run report, the capture wait
middleware, the failure ledger) need not import the one that writes it (the spider, the
capture extension). Scrapy's own keys (``redirect_urls``, ``depth``, ...) are Scrapy's.
"""

from __future__ import annotations

KIND_META_KEY = "archiver_kind"  # the page kind (urls.PageKind value) a request fetches
WALK_META_KEY = "archiver_walk"  # the first page of the category listing being paged
# The page kind a requisite request serves ("article", ...): archiver.spiders.requisites marks
# its requests with it, and the scope middleware lets them reach ARCHIVE_REQUISITE_HOSTS.
REQUISITE_META_KEY = "archiver_requisite"
# The response's items.Capture, left by capture.extension (an asyncio.Future of it while a
# worker encodes it; capture.middleware awaits that).
CAPTURE_META_KEY = "archiver_capture"
# The capture a re-check request re-asks for (a capture.revisit.RevisitOf, set by the
# re-check spider): an unchanged answer is written as a revisit record of it.
REVISIT_META_KEY = "archiver_revisit_of"
