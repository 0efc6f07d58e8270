"""The record's JSON Schema (archiver/schema/article-v2.json, v1 kept for old data) and
validate_record; the README's field table and the replica's truth keys agree with both."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from archiver.items import (
    CONTENT_FIELDS,
    RECORD_FIELDS,
    SCHEMA_VERSION,
    ArticleRecord,
    Capture,
    WarcPointer,
)
from archiver.parsers import parse_article
from archiver.parsers.article import DiviArticleParser
from archiver.schema import RecordInvalid, load_schema, validate_record
from replica.truth import TRUTH_KEYS
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
    names = list(RECORD_FIELDS)
    assert set(names) == {f.name for f in dataclasses.fields(ArticleRecord)}
    schema = load_schema()
    assert list(schema["properties"]) == names
    assert schema["required"] == names
    assert schema["additionalProperties"] is False
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def test_readme_field_table_schema_and_truth_keys_agree() -> None:
    """One list of fields: the record, its schema, the README's table, the replica's truth
    (which knows everything but the parser's name and the capture)."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"## The record (schema version {SCHEMA_VERSION})", 1)[1]
    table = re.findall(r"^\| ([a-z_]+) \| ", section.split("\n## ", 1)[0], re.MULTILINE)
    assert table[0] == "field"  # the header
    assert table[1:] == list(RECORD_FIELDS)
    # what the capture and its re-checks add (the parser's name too): no truth of the replica
    captured = {"schema_version", "parser", "fetched_at", "warc", "payload_digest"}
    captured |= {"version", "supersedes"}
    assert list(TRUTH_KEYS) == [name for name in RECORD_FIELDS if name not in captured]
    assert set(CONTENT_FIELDS) - {"parser"} == set(TRUTH_KEYS) - {"url"}


def test_every_content_field_has_its_parser_method() -> None:
    for version in DiviArticleParser.VERSIONS:
        assert all(callable(getattr(version, name, None)) for name in CONTENT_FIELDS)


def as_version_1(record: dict[str, Any]) -> dict[str, Any]:
    """A version-2 record as version 1 wrote it (docs/schema.md, in reverse)."""
    new_in_2 = {"category_slugs", "version", "supersedes"}
    old = {key: value for key, value in record.items() if key not in new_in_2}
    old["schema_version"] = 1
    old["tags"] = [tag["name"] for tag in record["tags"] if tag["name"]]
    old["images"] = [{k: v for k, v in i.items() if k != "capture"} for i in record["images"]]
    return old


def test_version_1_records_are_still_read_by_their_own_schema(good: dict[str, Any]) -> None:
    old = as_version_1(good)
    validate_record(old)
    with pytest.raises(RecordInvalid, match=r"article-v1\.json"):
        validate_record({**old, "tags": [{"slug": "syria", "name": "Syria"}]})
    with pytest.raises(RecordInvalid, match=r"article-v2\.json"):
        validate_record({**old, "schema_version": 2})


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
IMAGE = {"url": "https://x/a.jpg", "caption": None, "media_id": None, "capture": None}
IMAGE_CAPTURE = {
    "filename": "ARCHIVER-20261125015933123-00000-abcd1234.warc.gz",
    "offset": 0,
    "length": 10,
    "record_id": "<urn:uuid:0f3c6a4e-1b2d-4c5e-8f90-123456789abc>",
    "payload_digest": "sha1:2JQAMCWLSWRDLZKU5EOGBHXUMVJBGNR5",
}


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("title", DELETE, "'title' is a required property"),
        ("extra", 1, "Additional properties are not allowed"),
        ("schema_version", 3, "schema_version: 2 was expected"),
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
        ("tags", ["Syria"], "tags/0:"),
        ("tags", [{"slug": "syria"}], "tags/0:"),
        ("tags", [{"slug": "", "name": None}], "tags/0/slug:"),
        ("tags", [{"slug": "a b", "name": None}], "tags/0/slug:"),
        ("tags", [{"slug": "syria", "name": ""}], "tags/0/name:"),
        ("tags", [{"slug": "x", "name": None}, {"slug": "x", "name": None}], "tags:"),
        ("category_slugs", DELETE, "'category_slugs' is a required property"),
        ("category_slugs", ["opinion", "opinion"], "category_slugs:"),
        ("category_slugs", [""], "category_slugs/0:"),
        ("dateline", {"place": "Beirut"}, "dateline:"),
        ("dateline", {"place": "", "source": None}, "dateline:"),
        ("dateline", {"place": "Beirut", "source": None, "x": 1}, "dateline:"),
        ("images", [{"url": "/relative.jpg", "caption": None, "media_id": None}], "images/0/url:"),
        ("images", [{"url": "https://x/a.jpg", "caption": "", "media_id": None}], "images/0/"),
        ("images", [{"url": "https://x/a.jpg", "caption": None, "media_id": "ID1"}], "images/0/"),
        ("images", [{"url": "https://x/a.jpg", "caption": None, "media_id": None}], "images/0:"),
        ("images", [{**IMAGE, "capture": {**IMAGE_CAPTURE, "offset": -1}}], "images/0/capture:"),
        ("images", [{**IMAGE, "capture": {**IMAGE_CAPTURE, "x": 1}}], "images/0/capture:"),
        ("images", [{**IMAGE, "capture": {"filename": "a.warc.gz"}}], "images/0/capture:"),
        ("images", [{**IMAGE, "capture": {**IMAGE_CAPTURE, "payload_digest": "x"}}], "images/0/"),
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


def test_an_image_capture_validates(good: dict[str, Any]) -> None:
    validate_record({**good, "images": [IMAGE, {**IMAGE, "url": "https://x/b.jpg",
                                                "capture": IMAGE_CAPTURE}]})  # fmt: skip


def test_missing_values_are_null_not_empty(good: dict[str, Any]) -> None:
    minimal = change(good, "byline", None)
    minimal.update(authors=[], section=None, categories=[], published=None, dateline=None)
    minimal.update(category_slugs=[], tags=[{"slug": "syria", "name": None}])
    validate_record(minimal)
