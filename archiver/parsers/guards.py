"""Checks a page must pass before it is parsed into a record: it is whole, not cut off.

A server that dies mid-page (PHP out of memory, a proxy timeout) may still close the
connection in good order and send a Content-Length that matches what it sent, so HTTP sees
nothing wrong. libxml2 then closes whatever is still open and the parsers would read half an
article as a whole one: a junk record pointing at a broken capture. Every page of the site is
Divi output, whose footer template ends each page with ``</body></html>`` after the article
(MED, from the theme's templates; the replica does the same), so a page is whole only if a
``</body>`` or ``</html>`` comes after its last ``</article>``, and that ``</article>`` comes
after the line where the article's ``div.entry-content`` starts. Otherwise it is refused
(LayoutError) and reported like any page that gives no record. Pure: no Scrapy; the article
parser runs both checks, so the crawl and ``archiver reparse`` get them alike.
"""

from __future__ import annotations

from archiver.parsers.dom import Element
from archiver.parsers.errors import LayoutError

_ENDS = ("</body", "</html")


def check_complete(html: str) -> None:
    """LayoutError unless ``html`` is a whole page: not empty, and a ``</body>`` or
    ``</html>`` after its last ``</article>`` (case-insensitive; trailing comments or
    scripts after ``</html>`` are fine)."""
    if not html or html.isspace():
        raise LayoutError("empty document: the response has no HTML to parse")
    lower = html.lower()
    end = max(lower.rfind(tag) for tag in _ENDS)
    if end < 0 or end < lower.rfind("</article"):
        raise LayoutError(
            "truncated page: the HTML stops before its closing </body></html> (cut off by the "
            "server); no record from a partial page"
        )


def check_article_closed(html: str, content: Element) -> None:
    """LayoutError unless the last ``</article>`` comes after the line where ``content``
    (the article's div.entry-content) starts: libxml2 closes whatever is still open at the
    end, so only the source shows a page cut off inside the article."""
    end = max(html.rfind("</article"), html.rfind("</ARTICLE"))
    if end < 0 or html.count("\n", 0, end) + 1 < (content.sourceline or 0):
        raise LayoutError("truncated page: no </article> after div.entry-content")
