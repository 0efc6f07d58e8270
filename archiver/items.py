"""The article record (JSONL schema version 2): dataclasses, one comment per field.

The parser (archiver.parsers) produces the content fields as an ``ArticleContent``, one
parser method per field; the crawl (or a re-parse of the WARCs) adds where and when the page
was captured and so builds the ``ArticleRecord`` (a subclass: the content fields are declared
once) that pipelines validate and write. The JSON Schema of the written record is
``archiver/schema/article-v2.json``; ``tests/test_schema.py`` keeps the two, the README's
field table and the replica's truth keys in step. docs/schema.md says how to bump a version.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Dateline:
    """The dateline that opened the body ("Beirut, Asharq Al-Awsat – ")."""

    place: str  # as displayed: "Beirut", "QALACHWALAN", "RAS LANUF, Libya"
    source: str | None  # outlet as displayed ("Asharq Al-Awsat", "Reuters"); None if absent


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageCapture:
    """Where an image's own HTTP response record sits in the WARC output (page requisites)."""

    filename: str  # final (closed) file name under warc/
    offset: int  # byte offset of the record's gzip member in that file (CDX "offset")
    length: int  # length in bytes of that gzip member (CDX "length")
    record_id: str  # the record's WARC-Record-ID, "<urn:uuid:...>"
    payload_digest: str  # "sha1:BASE32", the record's WARC-Payload-Digest


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """An image of the article: the featured image or one in the body."""

    url: str  # absolute URL of the image file
    caption: str | None  # caption text, whitespace collapsed; None when there is none
    media_id: str | None  # "Media ID: N" from imported aawsat.net posts; None when absent
    capture: ImageCapture | None = None  # its WARC record once fetched; the parser: None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """A post tag: its slug from the article's ``tag-{slug}`` class, its name if shown."""

    slug: str  # exact WordPress slug, as in /tag/{slug} ("arab-spring")
    name: str | None  # display name where the page gives one ("Arab Spring"); else None


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
    """What a parser extracts from one article page: the record's content fields, each
    declared here once (the parser has one method per field, named after it)."""

    post_id: int | None  # WordPress post id, from article id="post-NNN"
    title: str  # headline as displayed, whitespace collapsed, typography kept
    byline: str | None  # author name as displayed in the meta line
    authors: list[str] = field(default_factory=list)  # people only; [] for the house byline
    published: str | None  # ISO date YYYY-MM-DD
    section: str | None  # first category as displayed ("Middle East")
    categories: list[str] = field(default_factory=list)  # all categories as displayed
    category_slugs: list[str] = field(default_factory=list)  # from category-{slug} classes
    tags: list[Tag] = field(default_factory=list)  # {slug, name} from tag-{slug} classes
    dateline: Dateline | None  # from the lead of the body, removed from the text
    text: str  # body paragraphs joined by one blank line ("\n\n")
    images: list[Image] = field(default_factory=list)  # featured image first, then the body's
    word_count: int  # len(text.split())
    language: str = "en"  # the English edition: always "en"
    parser: str  # name and version of the parser, e.g. "divi-article/1.1"


CONTENT_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ArticleContent))


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleRecord(ArticleContent):
    """One line of the JSONL dataset: the content fields plus where and when it was captured.

    The JSON line lists ``schema_version`` and ``url`` first, then the content fields, then
    the capture's (``RECORD_FIELDS``), as ``archiver/schema/article-v2.json`` does.
    """

    schema_version: int = SCHEMA_VERSION  # bumped only on an incompatible change
    url: str  # canonical URL: final URL after redirects, query and fragment removed
    fetched_at: str  # ISO 8601 UTC time of the capture
    warc: WarcPointer  # the article's response record in warc/
    payload_digest: str  # "sha1:BASE32", equal to that record's WARC-Payload-Digest
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
        fields = {name: getattr(content, name) for name in CONTENT_FIELDS}
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
        leaf), except that a sequence is always a list (the validator relies on it) and the
        keys come in ``RECORD_FIELDS`` order.
        """
        return {name: _plain(getattr(self, name)) for name in RECORD_FIELDS}


_HEAD = ("schema_version", "url")
RECORD_FIELDS: tuple[str, ...] = _HEAD + tuple(
    f.name for f in dataclasses.fields(ArticleRecord) if f.name not in _HEAD
)


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
