"""The article record (JSONL schema version 1): one dataclass, one comment per field.

The parser (archiver.parsers) produces the content fields as an ``ArticleContent``; the
crawl (or a re-parse of the WARCs) adds where and when the page was captured and so builds
the ``ArticleRecord`` that pipelines validate and write. The JSON Schema of the written
record is ``archiver/schema/article-v1.json``; keep the two in step.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Dateline:
    """The dateline that opened the body ("Beirut, Asharq Al-Awsat – ")."""

    place: str  # as displayed: "Beirut", "QALACHWALAN", "RAS LANUF, Libya"
    source: str | None  # outlet as displayed ("Asharq Al-Awsat", "Reuters"); None if absent


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """An image of the article: the featured image or one in the body."""

    url: str  # absolute URL of the image file
    caption: str | None  # caption text, whitespace collapsed; None when there is none
    media_id: str | None  # "Media ID: N" from imported aawsat.net posts; None when absent


@dataclass(frozen=True, slots=True, kw_only=True)
class WarcPointer:
    """Where the article's HTTP response record sits in the WARC output."""

    filename: str  # final (closed) file name under warc/, e.g. "ARCHIVER-2026...-00000.warc.gz"
    offset: int  # byte offset of the record's gzip member in that file (CDX "offset")
    length: int  # length in bytes of that gzip member (CDX "length")
    record_id: str  # the record's WARC-Record-ID, "<urn:uuid:...>"


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    """What the capture step knows about one HTTP response it wrote to WARC."""

    warc: WarcPointer
    payload_digest: str  # "sha1:BASE32", the record's WARC-Payload-Digest
    fetched_at: str  # ISO 8601 UTC ("2026-11-25T01:59:33Z"), the record's WARC-Date
    target_uri: str  # the record's WARC-Target-URI (the URL actually fetched)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleContent:
    """What a parser extracts from one article page: the record's content fields."""

    post_id: int | None  # WordPress post id, from article id="post-NNN"
    title: str  # headline as displayed, whitespace collapsed, typography kept
    byline: str | None  # author name as displayed in the meta line
    authors: list[str] = field(default_factory=list)  # people only; [] for the house byline
    published: str | None  # ISO date YYYY-MM-DD
    section: str | None  # first category as displayed ("Middle East")
    categories: list[str] = field(default_factory=list)  # all categories as displayed
    tags: list[str] = field(default_factory=list)  # tag names as displayed
    dateline: Dateline | None  # from the lead of the body, removed from the text
    text: str  # body paragraphs joined by one blank line ("\n\n")
    images: list[Image] = field(default_factory=list)  # featured image first, then the body's
    word_count: int  # len(text.split())
    language: str = "en"  # the English edition: always "en"
    parser: str  # name and version of the parser, e.g. "divi-article/1.1"


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleRecord:
    """One line of the JSONL dataset (schema version 1)."""

    schema_version: int = SCHEMA_VERSION  # bumped only on an incompatible change
    url: str  # canonical URL: final URL after redirects, query and fragment removed
    post_id: int | None  # WordPress post id (article id="post-NNN")
    title: str  # headline as displayed
    byline: str | None  # author name as displayed in the meta line
    authors: list[str]  # people; [] when the byline is only the newspaper
    published: str | None  # ISO date YYYY-MM-DD
    section: str | None  # first category as displayed
    categories: list[str]  # all categories as displayed
    tags: list[str]  # tag names as displayed
    dateline: Dateline | None  # {"place", "source"} from the lead of the body
    text: str  # the body, paragraphs joined by one blank line
    images: list[Image]  # {"url", "caption", "media_id"}
    word_count: int  # words in text
    language: str  # "en"
    fetched_at: str  # ISO 8601 UTC time of the capture
    warc: WarcPointer  # the article's response record in warc/
    payload_digest: str  # "sha1:BASE32", equal to that record's WARC-Payload-Digest
    parser: str  # name and version of the parser that produced the record
    # Versions (issue 16: a re-check that finds the page changed): 1 for the first capture
    # of an article, then 2, 3, ... for each changed re-capture; ``supersedes`` is the
    # ``warc.record_id`` of the record this one replaces (None for version 1). The newest
    # version of a URL is the current one; none is ever deleted.
    version: int = 1
    supersedes: str | None = None

    @classmethod
    def build(
        cls,
        content: ArticleContent,
        *,
        url: str,
        capture: Capture,
        version: int = 1,
        supersedes: str | None = None,
    ) -> ArticleRecord:
        """Join what the parser extracted with where and when it was captured."""
        fields = {f.name: getattr(content, f.name) for f in dataclasses.fields(content)}
        return cls(
            url=url,
            fetched_at=capture.fetched_at,
            warc=capture.warc,
            payload_digest=capture.payload_digest,
            version=version,
            supersedes=supersedes,
            **fields,
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON data, fields in schema order: dicts, lists, str, int, None.

        What ``dataclasses.asdict`` gives, in a quarter of the time (it deep-copies every
        leaf), except that a sequence is always a list: the validator relies on it.
        """
        return _plain_dataclass(self)


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if type(value) in _FIELD_NAMES or dataclasses.is_dataclass(value):
        return _plain_dataclass(value)
    return value  # str, int, None: immutable, shared rather than copied


def _plain_dataclass(value: Any) -> dict[str, Any]:
    names = _FIELD_NAMES.get(type(value))
    if names is None:
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    return {name: _plain(getattr(value, name)) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
