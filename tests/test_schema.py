"""The record's JSON Schema (archiver/schema/article-v1.json) and validate_record."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from archiver.items import ArticleRecord, Capture, WarcPointer
from archiver.parsers import parse_article
from archiver.schema import RecordInvalid, load_schema, validate_record
from tests.fixtures.catalog import Fixture, fixtures

ARTICLES = [f for f in fixtures("articles") if not f.is_error()]
CAPTURE = Capture(
    warc=WarcPointer(
        filename="ARCHIVER-20261125015933123-00000-abcd1234.warc.gz",
        offset=1234,
        length=5678,
        record_id="<urn:uuid:0f3c6a4e-1b2d-4c5e-8f90-123456789abc>",
    ),
    payload_digest="sha1:2JQAMCWLSWRDLZKU5EOGBHXUMVJBGNR5",
    fetched_at="2026-11-25T01:59:33Z",
    target_uri="https://eng-archive.aawsat.com/theaawsat/news-middle-east/x",
)


def record_of(fixture: Fixture) -> dict[str, Any]:
    content = parse_article(fixture.html, fixture.url)
    return ArticleRecord.build(content, url=fixture.url, capture=CAPTURE).to_dict()


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return record_of(next(f for f in ARTICLES if f.name.startswith("seed-")))


def test_schema_is_valid_draft_2020_12() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_lists_exactly_the_record_fields() -> None:
    names = [f.name for f in dataclasses.fields(ArticleRecord)]
    schema = load_schema()
    assert list(schema["properties"]) == names
    assert schema["required"] == names
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("fixture", ARTICLES, ids=lambda f: f.name)
def test_every_fixture_record_validates(fixture: Fixture) -> None:
    validate_record(record_of(fixture))


def change(record: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(record)
    *parents, last = path.split("/")
    target: Any = broken
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return broken


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("title", DELETE, "'title' is a required property"),
        ("extra", 1, "Additional properties are not allowed"),
        ("schema_version", 2, "schema_version: 1 was expected"),
        ("language", "ar", "language: 'en' was expected"),
        ("byline", "", "byline:"),
        ("section", "", "section:"),
        ("title", " padded", "title:"),
        ("text", "", "text:"),
        ("post_id", "123", "post_id:"),
        ("post_id", 0, "post_id:"),
        ("published", "Jun 7, 2014", "published:"),
        ("published", "2014-02-30", "published:"),
        ("published", "", "published:"),
        ("authors", [""], "authors/0:"),
        ("categories", ["Opinion", "Opinion"], "categories:"),
        ("tags", None, "tags:"),
        ("dateline", {"place": "Beirut"}, "dateline:"),
        ("dateline", {"place": "", "source": None}, "dateline:"),
        ("dateline", {"place": "Beirut", "source": None, "x": 1}, "dateline:"),
        ("images", [{"url": "/relative.jpg", "caption": None, "media_id": None}], "images/0/url:"),
        ("images", [{"url": "https://x/a.jpg", "caption": "", "media_id": None}], "images/0/"),
        ("images", [{"url": "https://x/a.jpg", "caption": None, "media_id": "ID1"}], "images/0/"),
        ("images", [{"url": "https://x/a.jpg", "caption": None}], "images/0:"),
        ("word_count", 0, "word_count:"),
        ("word_count", 3, "word_count: 3 does not count the text"),
        ("section", "Business", "section: 'Business' is not the first category"),
        ("fetched_at", "2026-11-25 01:59:33", "fetched_at:"),
        ("fetched_at", "2026-11-25T01:59:33+00:00", "fetched_at:"),
        ("payload_digest", "sha1:abc", "payload_digest:"),
        ("payload_digest", "sha256:2JQAMCWLSWRDLZKU5EOGBHXUMVJBGNR5", "payload_digest:"),
        ("warc/filename", "warc/ARCHIVER.warc.gz", "warc/filename:"),
        ("warc/filename", "ARCHIVER.warc.gz.open", "warc/filename:"),
        ("warc/offset", -1, "warc/offset:"),
        ("warc/length", 0, "warc/length:"),
        ("warc/record_id", "urn:uuid:0f3c6a4e", "warc/record_id:"),
        ("warc/extra", 1, "warc:"),
        ("url", "", "url:"),
        ("url", "https://eng-archive.aawsat.com/a/b/c?share=facebook", "url:"),
        ("parser", "divi", "parser:"),
    ],
)
def test_broken_records_fail(good: dict[str, Any], path: str, value: Any, problem: str) -> None:
    with pytest.raises(RecordInvalid) as raised:
        validate_record(change(good, path, value))
    assert problem in str(raised.value)
    assert raised.value.problems


def test_missing_values_are_null_not_empty(good: dict[str, Any]) -> None:
    minimal = change(good, "byline", None)
    minimal.update(authors=[], section=None, categories=[], published=None, dateline=None)
    validate_record(minimal)
