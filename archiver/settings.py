"""Project settings: polite defaults for the real site, component order, ARCHIVE_* settings.

Anything here can be overridden on the command line with ``-s NAME=VALUE`` (Scrapy gives the
command line priority over project settings).
"""

from __future__ import annotations

from archiver import __version__

BOT_NAME = "archiver"
SPIDER_MODULES = ["archiver.spiders"]
NEWSPIDER_MODULE = "archiver.spiders"

# --- Output -------------------------------------------------------------------------------
ARCHIVE_OUTPUT_DIR = "output"  # root: warc/, jsonl/, state.sqlite3, reports/
ARCHIVE_WARC_ENABLED = True
ARCHIVE_WARC_PREFIX = "ARCHIVER"
ARCHIVE_WARC_MAX_SIZE = 1_000_000_000  # bytes; a WARC file rolls over past this
ARCHIVE_WARC_GZIP_LEVEL = 6
ARCHIVE_COMMIT_ITEMS = 50  # records per durable commit (WARC sync, JSONL fsync, state)
ARCHIVE_COMMIT_SECONDS = 10.0  # ... or at least this often
ARCHIVE_FULL_WALK = False  # True: page every listing to its end even when nothing is new
ARCHIVE_REPORT_ENABLED = True  # reports/<run id>.json at the end of every run
ARCHIVE_PROGRESS_INTERVAL = 60.0  # seconds between progress lines; 0: none
ARCHIVE_CDXJ_ENABLED = True  # indexes/NAME.cdxj for each closed WARC, indexes/index.cdxj merged
ARCHIVE_WACZ_AT_END = False  # True: packages/archive.wacz rewritten after each finished run

# --- Quality monitor (archiver.extensions.quality): fill rates judged in every run ----------
ARCHIVE_QUALITY_ENABLED = True
# The least share of a run's records that must have each field; below: WARNING, exit code 6.
# Floors for a broken layout, not targets: opinion columns have no dateline, many posts no
# image, so those two are barely checked here; the archive's history raises each floor.
ARCHIVE_QUALITY_THRESHOLDS = {
    "published": 0.9,
    "byline": 0.9,
    "tags": 0.3,
    "dateline": 0.05,
    "images": 0.0,
    "text": 0.9,  # a text of at least ARCHIVE_QUALITY_MIN_WORDS words
}
ARCHIVE_QUALITY_MIN_WORDS = 50
ARCHIVE_QUALITY_MIN_RECORDS = 50  # a run with fewer new records is reported, not judged
ARCHIVE_QUALITY_HISTORY_RUNS = 10  # earlier judged runs (reports/) whose median counts
ARCHIVE_QUALITY_HISTORY_DROP = 0.5  # a field below half its median share fires

# Page requisites (archiver.spiders.requisites): the images, stylesheets, fonts and scripts
# of every archived page, each captured once per archive. Off: an HTML-only run.
ARCHIVE_REQUISITES_ENABLED = True
# Other origins requisites may come from ("https://fonts.gstatic.com", "i0.wp.com": a bare
# host means http and https on their default ports); pages are never fetched from them.
ARCHIVE_REQUISITE_HOSTS: list[str] = []
ARCHIVE_REQUISITE_DEPTH = 5  # stylesheet @import/url() hops followed (wpull's bound)

# Re-checks (archiver crawl --recheck, archiver.recheck): per run at most this many archived
# pages (0: no cap), oldest check first, each last checked more than MIN_AGE ago (seconds,
# or 30m, 20h, 30d): a nightly run does not ask again for what the last night answered.
ARCHIVE_RECHECK_MAX_PAGES = 1000
# ... and at most this many captured requisites (images above all), by the same rule;
# none while ARCHIVE_REQUISITES_ENABLED is False.
ARCHIVE_RECHECK_MAX_REQUISITES = 1000
ARCHIVE_RECHECK_MIN_AGE = "20h"

# --- Politeness: a slow, honest crawler of one public site -----------------------------------
USER_AGENT = (
    f"archiver/{__version__} (archival crawler for research on the ASHARQ AL-AWSAT English "
    "Archive; Scrapy)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay drawn from 0.5x to 1.5x DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60  # seconds for a whole download (connect to last byte); then retried
RETRY_ENABLED = True
RETRY_TIMES = 3
# Each retry waits (archiver.downloadermiddlewares.retry): BASE * 2**(n-1) seconds, at most
# MAX, times 1-1.5 (jitter); a 429/503 Retry-After at least as long, up to RETRY_AFTER_MAX.
RETRY_BACKOFF_BASE = 5.0
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 600.0  # a Retry-After longer than this: not retried this run, reported
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"  # a page given up on is reported, not a crawl error
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False  # a public archive needs none; fewer variants of each capture
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    # Not Scrapy's "gzip, deflate, br, zstd": warcio 1.8.1 (so pywb and `warcio check`) cannot
    # read a br payload (webrecorder/warcio#73), and the captures must replay in standard
    # tools. A server sending br unasked is still decoded (brotli is installed) and capped.
    "Accept-Encoding": "gzip, deflate",
}

# --- Work per page -------------------------------------------------------------------------
# Scrapy (>= 2.13, asyncio reactor) runs each callback's output through CONCURRENT_ITEMS
# asyncio tasks (default 100; scrapy.utils.asyncio._parallel_asyncio), started per response
# even for the one record or none an article yields. The pipelines are synchronous, so one
# task does the same work in the same order.
CONCURRENT_ITEMS = 1
# Processes that parse article and listing pages and encode their WARC records
# (archiver.pool) while the reactor fetches, appends and stores; 0: all in the crawl
# process. At the real site's pace (about a page a second) there is nothing to gain; a
# loopback mirror crawl, CPU-bound, uses 1 (archiver.demo.MIRROR_SETTINGS).
ARCHIVE_WORKERS = 0
# Young-generation garbage collections every this many allocations (Python: 700), and what
# start-up allocated frozen out of the full collections (archiver.extensions.garbage);
# 0: Python's own.
ARCHIVE_GC_THRESHOLD = 50_000

# --- Safety: turn off what a crawler of one public site does not need ------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# A response past DOWNLOAD_MAXSIZE bytes is cancelled (at once if its Content-Length says so,
# else as the bytes arrive) and reported; the cap also bounds the decompressed body (gzip,
# deflate and brotli bombs) and a .xml.gz sitemap. Pages are ~50 KB; WARNSIZE logs oddities.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024

# --- Scope and traps: one site, bounded walks (archiver.spiders.walks) ----------------------
URLLENGTH_LIMIT = 2083  # Scrapy's default; longer links and redirects are refused, counted
# Link hops from the root, pagination excepted (bounded per walk below): root 0, listing or
# sitemap 1, nested sitemaps 2-3, articles under them. Deeper is a trap (sitemap chains).
DEPTH_LIMIT = 10
# Pages of one category listing per walk. The largest known (opinion) runs past 830 pages;
# the whole archive, tens of thousands of articles at 6 a page, fits in one walk of this.
ARCHIVE_MAX_LISTING_PAGES = 10_000

# --- Components ----------------------------------------------------------------------------
DUPEFILTER_CLASS = "archiver.dupefilter.DiskDupeFilter"  # the seen-set on disk, not in RAM
DOWNLOADER_MIDDLEWARES = {
    # Before RobotsTxtMiddleware (100): an out-of-scope URL is refused before anything else.
    "archiver.downloadermiddlewares.scope.ScopeMiddleware": 50,
    # Scrapy's own, subclassed at their places: a 5xx or unreachable robots.txt refuses the
    # site this run; retries back off and honour Retry-After; redirect loops are reported.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "archiver.downloadermiddlewares.robots.SiteRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.downloadermiddlewares.retry.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "archiver.downloadermiddlewares.redirect_limits.BoundedRedirectMiddleware": 600,
    # A <meta http-equiv=refresh> is a redirect too: never followed off the site.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "archiver.downloadermiddlewares.redirect.MetaRefreshMiddleware": 580,
    # Nearest the downloader: a response waits here for its capture when a worker encodes it
    # (ARCHIVE_WORKERS), so no other middleware or callback sees it before it is archived.
    "archiver.capture.middleware.WarcCaptureWaitMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    # Scrapy's DepthMiddleware, with a WARNING (not DEBUG) when DEPTH_LIMIT drops a link.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "archiver.spidermiddlewares.depth.DepthMiddleware": 900,
}
EXTENSIONS = {
    # First of all: a second run on the same output stops here, before anything is repaired,
    # opened or fetched (Scrapy builds extensions before the engine and the pipelines).
    "archiver.extensions.lock.OutputLockExtension": -100,
    # Before the WARC writer and the report: at the close it notes the last re-check
    # answers while the WARC file is open to be synced, and the report then lists them.
    "archiver.extensions.recheck.RecheckLedger": -10,
    "archiver.capture.extension.WarcCaptureExtension": 0,
    # After the WARC extension: its handlers (repair, close) run before these (connect order).
    "archiver.extensions.indexing.CdxjIndexExtension": 5,
    "archiver.extensions.packaging.WaczPackageExtension": 6,
    # Before the report: its spider_closed handler puts the fill rates in the stats first.
    "archiver.extensions.quality.QualityMonitorExtension": 7,
    "archiver.extensions.report.RunReportExtension": 10,
    "archiver.extensions.progress.ProgressExtension": 20,
    "archiver.extensions.garbage.GarbageCollectionExtension": 30,
}
ITEM_PIPELINES = {
    "archiver.pipelines.ValidatePipeline": 100,
    "archiver.pipelines.DeduplicatePipeline": 200,
    "archiver.pipelines.JsonlStorePipeline": 300,
}

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
