"""Write a replica as static files, for serving with nginx (or any file server) in benchmarks.

Layout: every page at ``PATH/index.html`` (``/`` is ``index.html``), files with an extension
(``robots.txt``, sitemaps) at their own path, the feed at ``feed/index.html``, and the 404
page as ``404.html``. What a static server cannot reproduce is left out: the trailing-slash
and ``/page/1`` redirects, ``/?p=ID`` shortlinks, search and gzip/chunked choices. The page
requisites (theme files, images) are written at their paths, queries dropped, as a file
server serves ``style.css?ver=2.7.10``.
A matching nginx location: ``try_files $uri $uri/index.html =404; error_page 404 /404.html;``
(with ``absolute_redirect off`` if directory redirects are not wanted).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from replica.requisite_truth import page_requisites, with_css_references
from replica.router import Router
from replica.site import Site


def export_site(site: Site, directory: Path, base_url: str) -> int:
    """Render every page for ``base_url`` under ``directory``; returns the file count."""
    router = Router(site, base_url)
    paths = router.paths()
    for path in paths:
        response = router(path)
        _write(_file_for(directory, path), response.body)
    _write(directory / "404.html", router.not_found().body)
    files = _requisite_files(site, paths, base_url)
    for path in files:
        response = router(path)
        if response.status == 200:
            _write(_file_for(directory, path), response.body)
    return len(paths) + 1 + len(files)


def _requisite_files(site: Site, paths: list[str], base_url: str) -> set[str]:
    """The site paths of every requisite the pages name (the ground truth's list)."""
    urls: set[str] = set()
    for path in paths:
        urls |= page_requisites(site, path, base_url)
    urls = with_css_references(urls, base_url, None)
    return {urlsplit(url).path for url in urls if url.startswith(base_url)}


def _file_for(directory: Path, path: str) -> Path:
    relative = PurePosixPath(path.lstrip("/"))
    if "." in relative.name:
        return directory.joinpath(*relative.parts)
    return directory.joinpath(*relative.parts, "index.html")


def _write(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
