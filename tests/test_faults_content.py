"""Issue #5, cases 9-13 (content): oversize bodies, compression bombs, wrong charsets, broken
and hostile HTML, hostile sitemaps, each against the real crawl (``archiver crawl`` in a
subprocess, tests/fault_runs.py, which also checks every WARC and JSONL line it left).

Cases and what each test shows:
 9. a body past DOWNLOAD_MAXSIZE, with or without Content-Length: cancelled, not retried,
    reported; the crawl's peak memory stays near a normal crawl's.
10. gzip, deflate and brotli bombs: never expanded past the cap, the raw (small) bytes
    archived exactly as sent, no record, reported.
11. wrong, missing or conflicting charsets, invalid UTF-8: the WARC payload is the served
    bytes, the record's text is what a reader of the page sees.
12. an empty 200, a page without the article layout, truncated pages, hostile HTML: no crash,
    no partial record, reported; the crawl ends well within the harness's timeout.
13. sitemaps with XXE, entity expansion or a gzip bomb: refused unexpanded, nothing fetched,
    nothing leaked, a WARNING, ``archiver/sitemaps/refused``, reported; the rest archived.
"""

from __future__ import annotations

import http.client
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import brotli
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader

from archiver import exitcodes
from archiver.parsers import LayoutError, parse_article
from archiver.parsers.guards import check_complete
from archiver.reparse import reparse
from replica import ReplicaServer, build_site
from replica import faults as F
from replica.site import Site
from tests.fault_runs import FaultRun, crawl

pytestmark = pytest.mark.e2e  # crawls the replica in a subprocess

ARTICLES = 10
CAP = 32 * 1024 * 1024  # DOWNLOAD_MAXSIZE in archiver/settings.py
MEMORY_MARGIN_MB = 80  # above a normal crawl's peak; a 300 MB body held whole would pass it
ENTRY = '<div class="entry-content">'


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(0, ARTICLES)


@pytest.fixture(scope="module")
def paths(site: Site) -> list[str]:
    found = sorted(site.listing_reachable_urls())
    assert len(found) == ARTICLES
    return found


@pytest.fixture(scope="module")
def baseline(site: Site, tmp_path_factory: pytest.TempPathFactory) -> FaultRun:
    """A crawl with no fault: every article archived; the reference for memory and text."""
    with ReplicaServer(site) as server:
        run = crawl(server, tmp_path_factory.mktemp("baseline") / "out")
    assert run.code == exitcodes.OK, run.log[-3000:]
    assert len(run.records) == ARTICLES
    return run


@pytest.fixture(scope="module")
def pages(site: Site, paths: list[str]) -> dict[str, str]:
    """Each article page as the replica serves it, decoded."""
    with ReplicaServer(site) as server:
        return {path: fetch(server, path).decode("utf-8") for path in paths}


def fetch(server: ReplicaServer, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        return connection.getresponse().read()
    finally:
        connection.close()


def record_for(run: FaultRun, path: str) -> dict[str, Any] | None:
    found = [r for r in run.records if r["url"].endswith(path)]
    assert len(found) <= 1
    return found[0] if found else None


def payloads(run: FaultRun, path: str) -> list[bytes]:
    """The raw HTTP payloads (as received: still content-encoded) of the responses at path."""
    found = []
    for file in run.warcs.files:
        with file.open("rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and uri.endswith(path):
                    found.append(record.raw_stream.read())
    return found


def assert_failed(run: FaultRun, path: str, kind: str, reason: str) -> dict[str, Any]:
    entries = [e for url, e in run.failed_urls().items() if url.endswith(path)]
    assert len(entries) == 1, run.report.get("failed")
    entry = entries[0]
    assert entry["kind"] == kind, entry
    assert re.search(reason, entry["reason"]), entry
    return entry


def stat(run: FaultRun, key: str) -> int:
    """A stat from the dump at the end of the log (0 if absent)."""
    match = re.search(rf"'{re.escape(key)}': (\d+)", run.log)
    return int(match[1]) if match else 0


# --- 9. oversize responses ---------------------------------------------------------------


@dataclass(frozen=True)
class Oversize:
    declare_length: bool  # False: no Content-Length, the body ends when the server closes
    size: int
    reason: str  # what the run report says
    cap: int | None = None  # DOWNLOAD_MAXSIZE; None: the project's 32 MiB


OVERSIZE = {
    "content-length": Oversize(True, 300_000_000, "Expected to receive 300000000 bytes"),
    "streamed": Oversize(False, 300_000_000, "DownloadCancelledError"),
    "smaller-cap": Oversize(False, 5_000_000, "DownloadCancelledError", cap=2_000_000),
}


@pytest.mark.parametrize("case", OVERSIZE.values(), ids=OVERSIZE.keys())
def test_oversize_response_is_cancelled_and_reported(
    site: Site, paths: list[str], baseline: FaultRun, tmp_path: Path, case: Oversize
) -> None:
    big = paths[0]
    faults = {big: F.huge(case.size, declare_length=case.declare_length)}
    settings = {"DOWNLOAD_MAXSIZE": str(case.cap)} if case.cap else {}
    with ReplicaServer(site, faults=faults) as server:
        run = crawl(server, tmp_path / "out", **settings)
    assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
    assert_failed(run, big, "article", re.escape(case.reason))
    assert run.fetched(big) == 1  # a page past the cap is not retried in the run
    assert payloads(run, big) == []  # nothing of it archived
    assert record_for(run, big) is None
    assert len(run.records) == ARTICLES - 1
    assert re.search(r"WARNING: .*larger than download max size", run.log)
    assert stat(run, "archiver/failed/article") == 1
    assert run.peak_rss_mb < baseline.peak_rss_mb + MEMORY_MARGIN_MB


# --- 10. compression bombs -----------------------------------------------------------------

BOMB_SIZE = 100_000_000  # expanded; past the crawl's cap and past reparse's 64 MiB


@pytest.fixture
def warcio_reads_brotli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """warcio 1.8.1 cannot read br payloads with Google's ``brotli`` (it sets an attribute
    on the C decompressor: webrecorder/warcio#73; see test_stock_warcio_reads_brotli), so the
    harness's ``warcio check`` would crash on a br capture. Give warcio a working br
    decompressor, in this process and in the ``warcio check`` subprocesses (sitecustomize)."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(_BROTLI_SHIM, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(shim))
    monkeypatch.setitem(BufferedReader.DECOMPRESSORS, "br", _WarcioBrotli)


_BROTLI_SHIM = """
import brotli
from warcio.bufferedreaders import BufferedReader

class _WarcioBrotli:
    unused_data = None
    def __init__(self):
        self._decompressor = brotli.Decompressor()
    def decompress(self, data):
        return self._decompressor.process(data)
    def flush(self):
        return b""

BufferedReader.DECOMPRESSORS["br"] = _WarcioBrotli
"""


class _WarcioBrotli:
    unused_data = None

    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def decompress(self, data: bytes) -> bytes:
        return bytes(self._decompressor.process(data))

    def flush(self) -> bytes:
        return b""


@pytest.mark.usefixtures("warcio_reads_brotli")
@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compression_bomb_is_archived_raw_and_reported(
    site: Site, paths: list[str], baseline: FaultRun, tmp_path: Path, encoding: str
) -> None:
    target = paths[1]
    body = F.compress(encoding, BOMB_SIZE)
    assert len(body) < 1_000_000
    faults = {target: F.replace(body, headers=(("Content-Encoding", encoding),))}
    with ReplicaServer(site, faults=faults) as server:
        run = crawl(server, tmp_path / "out")
    assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
    assert_failed(run, target, "article", rf"exceeded DOWNLOAD_MAXSIZE \({CAP} B\)")
    assert payloads(run, target) == [body]  # the bytes as sent, compressed, far below the cap
    assert record_for(run, target) is None
    assert len(run.records) == ARTICLES - 1
    assert "during decompression" in run.log
    assert run.peak_rss_mb < baseline.peak_rss_mb + MEMORY_MARGIN_MB


@pytest.mark.usefixtures("warcio_reads_brotli")
@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_reparse_skips_a_bomb_capture(
    site: Site, paths: list[str], tmp_path: Path, encoding: str
) -> None:
    """Re-parsing an output holding a bomb capture expands it no further than its cap,
    lists it as undecodable and goes on with the other articles."""
    body = F.compress(encoding, BOMB_SIZE)
    faults = {paths[1]: F.replace(body, headers=(("Content-Encoding", encoding),))}
    with ReplicaServer(site, faults=faults) as server:
        run = crawl(server, tmp_path / "out")
        bomb_url = server.base_url + paths[1]
    assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
    report = reparse(run.output, tmp_path / "reparsed")
    assert report.records == ARTICLES - 1  # every other article, the bomb skipped
    assert [url for url, _ in report.undecodable] == [bomb_url]
    assert "exceeded" in report.undecodable[0][1] or "larger" in report.undecodable[0][1]
    assert not list((tmp_path / "reparsed").glob("*.open"))


@pytest.mark.xfail(
    strict=True,
    raises=AttributeError,
    reason="warcio 1.8.1 + brotli>=1.1: 'brotli.Decompressor' has no attribute 'unused_data' "
    "(webrecorder/warcio#73): warcio, pywb and warcio check cannot read br captures",
)
def test_stock_warcio_reads_brotli() -> None:
    """Fails while the bug stands (strict xfail); passes, and so alerts, once it is fixed.
    ``content_stream()`` of a br response reads through this very reader."""
    reader = BufferedReader(io.BytesIO(brotli.compress(b"<html>page</html>")), decomp_type="br")
    assert reader.read() == b"<html>page</html>"


# --- 11. charsets -------------------------------------------------------------------------

PHRASE = "Charset check: café, naïve “Beyoğlu” … 30 € it’s"
LEGACY_PHRASE = "Charset check: café, naïve “quoted” … 30 € it’s"  # all in Windows-1252


def with_paragraph(page: str, text: str) -> str:
    """The page with one more paragraph opening its body (a builder layout's first block)."""
    start = page.index(ENTRY) + len(ENTRY)
    inner = page.find('<div class="et_pb_text_inner">', start)
    start = inner + len('<div class="et_pb_text_inner">') if inner >= 0 else start
    return page[:start] + f"<p>{text}</p>" + page[start:]


def charset_variants(pages: dict[str, str], paths: list[str]) -> dict[str, tuple[bytes, str]]:
    """path → (served bytes, Content-Type) for each charset case."""
    utf8 = {p: with_paragraph(pages[p], PHRASE) for p in paths[:4]}
    undeclared = re.sub(r"<meta charset=[^>]*>", "", utf8[paths[1]], flags=re.IGNORECASE)
    assert "charset=" not in undeclared.lower()
    legacy = with_paragraph(pages[paths[2]], LEGACY_PHRASE)
    legacy = re.sub(r'<meta charset="UTF-8"\s*/?>', '<meta charset="windows-1252">', legacy)
    assert 'charset="windows-1252"' in legacy
    return {
        # a single-byte charset declared on UTF-8 bytes: the old servers' misconfiguration
        paths[0]: (utf8[paths[0]].encode(), "text/html; charset=ISO-8859-1"),
        # no charset anywhere: no header parameter, no <meta>
        paths[1]: (undeclared.encode(), "text/html"),
        # header and <meta> disagree; the bytes are Windows-1252, as the <meta> says
        paths[2]: (legacy.encode("cp1252", "xmlcharrefreplace"), "text/html; charset=UTF-8"),
        # UTF-8 with invalid bytes: a Windows-1252 apostrophe pasted in, and a lone \xff
        paths[3]: (
            utf8[paths[3]].encode().replace("it’s".encode(), b"it\x92s \xff"),
            "text/html; charset=UTF-8",
        ),
    }


def test_charsets_wrong_missing_conflicting_invalid(
    site: Site,
    paths: list[str],
    pages: dict[str, str],
    baseline: FaultRun,
    tmp_path: Path,
) -> None:
    # pages whose lead holds no dateline, so that a paragraph put before it changes nothing else
    undated = [p for p in paths if (r := record_for(baseline, p)) and r["dateline"] is None]
    assert len(undated) >= 4
    variants = charset_variants(pages, undated[:4])
    paths = undated[:4]
    faults = {p: F.replace(body, content_type=ct) for p, (body, ct) in variants.items()}
    with ReplicaServer(site, faults=faults) as server:
        run = crawl(server, tmp_path / "out")
    assert run.code == exitcodes.OK, run.log[-3000:]
    assert len(run.records) == ARTICLES
    expected = {paths[0]: PHRASE, paths[1]: PHRASE, paths[2]: LEGACY_PHRASE}
    expected[paths[3]] = PHRASE.replace("it’s", "it’s ÿ")  # each bad byte read as Windows-1252
    for path, (body, _) in variants.items():
        assert payloads(run, path) == [body], path  # the WARC keeps the served bytes untouched
        record, reference = record_for(run, path), record_for(baseline, path)
        assert record is not None and reference is not None
        assert record["text"] == expected[path] + "\n\n" + reference["text"], path
        for field in ("title", "byline", "section", "tags", "published", "dateline"):
            assert record[field] == reference[field], (path, field)
        assert "\ufffd" not in record["text"] and "Ã" not in record["text"]


# --- 12. broken and hostile HTML ---------------------------------------------------------


def cut(page: str, at: str) -> str:
    """The page up to the end of the last occurrence of ``at``: a whole-looking prefix."""
    return page[: page.rindex(at) + len(at)]


def broken_pages(pages: dict[str, str], paths: list[str]) -> dict[str, tuple[bytes, str]]:
    """path → (served body, the reason the run report must give)."""
    whole = pages[paths[4]]
    entry = whole.index(ENTRY) + len(ENTRY)
    nested = whole[:entry] + "<div>" * 100_000 + "<p>Deep.</p>" + "</div>" * 100_000
    siblings = "<div><p>Item.</p></div>\n" * 50_000
    return {
        paths[0]: (b"", "empty document"),
        paths[1]: (b"<html><body><h1>Hello</h1><p>No article.</p></body></html>", "not an art"),
        # cut in the middle of the body, Content-Length honest (the replace fault sends it)
        paths[2]: (pages[paths[2]][: len(pages[paths[2]]) // 2].encode(), "truncated page"),
        # cut after </article>: the article parses whole, but the capture is not the page
        paths[3]: (cut(pages[paths[3]], "</article>").encode(), "truncated page"),
        # 100,000 nested <div>s inside the article body, the rest of the page whole
        paths[4]: ((nested + whole[entry:]).encode(), "could not be parsed to its end"),
        # 50,000 siblings and no article layout
        paths[5]: (f"<html><body>{siblings}</body></html>".encode(), "not an article page"),
    }


def test_broken_and_hostile_pages_give_no_record(
    site: Site, paths: list[str], pages: dict[str, str], baseline: FaultRun, tmp_path: Path
) -> None:
    broken = broken_pages(pages, paths)
    faults = {p: F.replace(body) for p, (body, _) in broken.items()}
    whole = pages[paths[6]]
    entry = whole.index(ENTRY) + len(ENTRY)
    attribute = f'<p title="{"a" * 5_000_000}">'  # a 5 MB attribute on a body paragraph
    hostile_but_whole = (whole[:entry] + attribute + whole[entry:].replace("<p>", "", 1)).encode()
    faults[paths[6]] = F.replace(hostile_but_whole)
    with ReplicaServer(site, faults=faults) as server:
        run = crawl(server, tmp_path / "out")
    assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
    for path, (body, reason) in broken.items():
        assert_failed(run, path, "parse", re.escape(reason))
        assert record_for(run, path) is None, path
        assert payloads(run, path) == [body], path
    assert stat(run, "archiver/skipped/article") == len(broken)
    assert len(re.findall(r"WARNING: No record from article", run.log)) == len(broken)
    assert "Traceback" not in run.log and "Spider error" not in run.log
    # the page with the 5 MB attribute is whole: its record is the usual one
    record, reference = record_for(run, paths[6]), record_for(baseline, paths[6])
    assert record is not None and reference is not None
    assert record["text"] == reference["text"]
    assert len(run.records) == ARTICLES - len(broken)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "  \n",
        "<html><body><article><p>Cut",
        "<html><body><article><p>Whole</p></article></body></html>",
        "<html><body><article><p>A</p></article><footer>cut",
        "<HTML><BODY><ARTICLE><P>Upper</P></ARTICLE></BODY></HTML><!-- cache 0.1 s -->",
        "<html><body><script>var s = '</body>';</script><article><p>A</p></article><p>Cut",
    ],
)
def test_check_complete(html: str) -> None:
    whole = "Whole" in html or "Upper" in html
    if whole:
        check_complete(html)
    else:
        with pytest.raises(LayoutError, match=r"empty document|truncated page"):
            check_complete(html)


# --- 13. hostile sitemaps ------------------------------------------------------------------

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def xxe_sitemap(base_url: str, secret_url: str) -> bytes:
    doctype = (
        '<!DOCTYPE urlset [<!ENTITY file SYSTEM "file:///etc/passwd">'
        f'<!ENTITY web SYSTEM "{secret_url}">]>'
    )
    locs = f"<url><loc>{base_url}/&file;</loc></url><url><loc>&web;</loc></url>"
    return f'<?xml version="1.0"?>\n{doctype}\n<urlset {NS}>{locs}</urlset>'.encode()


def laughs_sitemap(base_url: str) -> bytes:
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    body = f"<urlset {NS}><url><loc>{base_url}/&l9;</loc></url></urlset>"
    return f'<?xml version="1.0"?>\n<!DOCTYPE urlset [{entities}]>\n{body}'.encode()


@pytest.fixture
def secret_server() -> Iterator[ReplicaServer]:
    """Another loopback server: what an XXE would make the crawler fetch."""
    with ReplicaServer(build_site(0, 1)) as server:
        yield server


def test_hostile_sitemaps_are_refused_and_the_crawl_goes_on(
    site: Site, paths: list[str], baseline: FaultRun, tmp_path: Path, secret_server: ReplicaServer
) -> None:
    gzip_bomb = F.compress("gzip", BOMB_SIZE)  # a .xml.gz body, served as is (no encoding)
    hostile = {
        "/wp-sitemap.xml": ("xxe", "declares a DTD"),
        "/sitemap.xml": ("laughs", "declares a DTD"),
        "/sitemap_index.xml": ("bomb", f"expands past {CAP} bytes"),
    }
    with ReplicaServer(site) as server:
        bodies = {
            "xxe": xxe_sitemap(server.base_url, secret_server.base_url + "/secret"),
            "laughs": laughs_sitemap(server.base_url),
            "bomb": gzip_bomb,
        }
        for path, (name, _) in hostile.items():
            content_type = "application/x-gzip" if name == "bomb" else "application/xml"
            server.faults[path] = F.replace(bodies[name], content_type=content_type)
        run = crawl(server, tmp_path / "out")
    assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
    for path, (name, reason) in hostile.items():
        entry = assert_failed(run, path, "parse", re.escape(reason))
        assert entry["status"] == 200
        assert payloads(run, path) == [bodies[name]]
    assert stat(run, "archiver/sitemaps/refused") == len(hostile)
    assert stat(run, "archiver/skipped/sitemap") == len(hostile)
    assert len(re.findall(r"WARNING: No record from sitemap", run.log)) == len(hostile)
    assert secret_server.requests == []  # the XXE target was never asked
    assert article_paths(run) == article_paths(baseline) == set(paths)
    assert run.peak_rss_mb < baseline.peak_rss_mb + MEMORY_MARGIN_MB
    assert_nothing_leaked(run)


def article_paths(run: FaultRun) -> set[str]:
    return {urlsplit(r["url"]).path for r in run.records}


def assert_nothing_leaked(run: FaultRun) -> None:
    """No line of /etc/passwd in the log, the records or the WARCs (decompressed)."""
    secrets = [line for line in Path("/etc/passwd").read_text().splitlines() if line][:3]
    jsonl = "".join(p.read_text() for p in (run.output / "jsonl").glob("*.jsonl"))
    warcs = b"".join(_gunzip_members(p.read_bytes()) for p in run.warcs.files)
    for secret in secrets:
        assert secret not in run.log and secret not in jsonl
        assert secret.encode() not in warcs


def _gunzip_members(data: bytes) -> bytes:
    out = []
    for _ in range(100_000):  # bounded: one pass per gzip member
        if not data:
            break
        decompressor = zlib.decompressobj(31)
        out.append(decompressor.decompress(data))
        data = decompressor.unused_data
    return b"".join(out)


def test_an_article_closed_before_its_content_is_refused() -> None:
    """The page ends whole (``</body></html>``) but no ``</article>`` follows the content:
    libxml2 would close the article itself, so only the source shows the cut."""
    html = (
        "<html><body><article class='et_pb_post' id='post-1'><h1 class='entry-title'>T</h1>"
        "\n<div class='entry-content'>\n<p>Half of the body</p></body></html>"
    )
    with pytest.raises(LayoutError, match=r"no </article> after div.entry-content"):
        parse_article(html, "http://127.0.0.1:1/a/news/t")
