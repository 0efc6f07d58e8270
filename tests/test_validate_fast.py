"""The compiled (fastjsonschema) validator never accepts what jsonschema refuses.

``archiver.schema.validate_record`` takes the compiled validator's "valid" as final and
hands everything it refuses to jsonschema, so its verdicts equal jsonschema's exactly when
the compiled one is never laxer. These tests mutate a good record field by field, with JSON
values of every type and the edge cases of each keyword the schema uses (type, const,
minLength, pattern, format, minimum, oneOf, uniqueItems, required, additionalProperties),
and check that rule on each mutant and on seeded random combinations of them.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest

from archiver.items import RECORD_FIELDS, ArticleRecord
from archiver.parsers import parse_article
from archiver.schema import RecordInvalid, _validator, fast_accepts, validate_record
from tests.test_schema import ARTICLES, CAPTURE, record_of

DELETE = object()
GOOD_TEXT = "Beirut"
# JSON values of every type, and strings at the edges of the schema's patterns and formats.
VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2,
    1.0,
    0.0,
    1.5,
    "",
    " ",
    "x",
    "x\n",
    "\nx",
    " x",
    "x ",
    "x y",
    "\u00a0x",
    "x\u2028",
    "1",
    "12a",
    "en",
    "EN",
    "0000-01-01",
    "2016-02-29",
    "2014-02-29",
    "2014-13-01",
    "2014-1-01",
    "2014-01-01\n",
    "2014-01-01T00:00:00Z",
    "2026-11-25T01:59:60Z",
    "2026-11-25T24:00:00Z",
    "2026-11-25T01:59:33.5Z",
    "2026-11-25T01:59:33z",
    "2026-11-25T01:59:33Z\n",
    "https://a",
    "https://a/b c",
    "https://a/b\n",
    "http://a/b?q",
    "ftp://a/b",
    "//a/b",
    "https:/a",
    "<urn:uuid:0f3c6a4e-1b2d-4c5e-8f90-123456789abc>",
    "<urn:uuid:0f3c6a4e-1b2d-4c5e-8f90-123456789abc>\n",
    "sha1:2JQAMCWLSWRDLZKU5EOGBHXUMVJBGNR5",
    "sha1:2jqamcwlswrdlzku5eogbhxumvjbgnr5",
    "a.warc.gz",
    "a.warc",
    "a/b.warc.gz",
    "a\\b.warc.gz",
    "a.warc.gz\n",
    "divi-article/1.1",
    "Divi/1",
    "divi/1.",
    "divi/1\n",
    [],
    [""],
    ["x"],
    ["x", "x"],
    ["x", "y"],
    [1],
    [None],
    ["x\n"],
    {},
    {"place": "Beirut", "source": None},
    {"place": "Beirut", "source": "Reuters"},
    {"place": "Beirut", "source": ""},
    {"place": "Beirut"},
    {"place": "Beirut", "source": None, "x": 1},
    {"url": "https://a/b.jpg", "caption": None, "media_id": None},
    {"url": "https://a/b.jpg", "caption": "x", "media_id": "12"},
    {"url": "https://a/b.jpg", "caption": None, "media_id": "12\n"},
    [{"url": "https://a/b.jpg", "caption": None, "media_id": None}],
    [{"url": "https://a/b.jpg", "caption": " ", "media_id": None}],
    [{"url": "a/b.jpg", "caption": None, "media_id": None}],
    {"slug": "syria", "name": None},
    {"slug": "syria", "name": " "},
    [{"slug": "syria", "name": "Syria"}, {"slug": "syria", "name": "Syria"}],
    ["opinion", "opinion"],
    DELETE,
]


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    record = record_of(next(f for f in ARTICLES if f.name.startswith("seed-")))
    # Every nested place the schema describes, filled, so each can be mutated.
    record["dateline"] = {"place": GOOD_TEXT, "source": "Asharq Al-Awsat"}
    record["images"] = [
        {
            "url": "https://a/b.jpg",
            "caption": "A caption",
            "media_id": "12",
            "capture": {
                "filename": record["warc"]["filename"],
                "offset": 10,
                "length": 20,
                "record_id": record["warc"]["record_id"],
                "payload_digest": record["payload_digest"],
            },
        }
    ]
    record["authors"] = ["Nadia Ahmed"]
    record["categories"] = [record["section"] or "Middle East"]
    record["section"] = record["categories"][0]
    record["tags"] = [{"slug": "syria", "name": "Syria"}, {"slug": "lebanon", "name": None}]
    record["category_slugs"] = ["news-middle-east"]
    assert fast_accepts(record) and _validator().is_valid(record)
    return record


def paths(record: Any, prefix: str = "") -> Iterator[str]:
    """Every key path in the record, nested ones too ("warc/offset", "images/0/url")."""
    items = record.items() if isinstance(record, dict) else enumerate(record)
    for key, value in items:
        path = f"{prefix}{key}"
        yield path
        if isinstance(value, dict | list) and value:
            yield from paths(value, path + "/")


def mutate(record: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    mutant = copy.deepcopy(record)
    *parents, last = path.split("/")
    target: Any = mutant
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    index: Any = int(last) if isinstance(target, list) else last
    if value is DELETE:
        del target[index]
    else:
        target[index] = copy.deepcopy(value)
    return mutant


def mutants(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path in paths(record):
        for value in VALUES:
            yield mutate(record, path, value)
    for container in ("", "warc/", "dateline/", "images/0/"):
        yield mutate(record, container + "extra", 1)


def check(mutant: dict[str, Any]) -> bool:
    """The rule; returns jsonschema's verdict."""
    valid = _validator().is_valid(mutant)
    if fast_accepts(mutant):
        assert valid, f"compiled validator accepted what jsonschema refuses: {mutant}"
    return valid


def test_compiled_validator_is_never_laxer_on_single_mutations(good: dict[str, Any]) -> None:
    verdicts = [check(mutant) for mutant in mutants(good)]
    assert len(verdicts) > 2000
    assert 0 < sum(verdicts) < len(verdicts)  # both verdicts were exercised


def test_compiled_validator_is_never_laxer_on_random_combinations(good: dict[str, Any]) -> None:
    rng = random.Random(20261125)
    all_paths = list(paths(good))
    for _ in range(3000):
        mutant = good
        for _ in range(rng.randint(2, 4)):
            path = rng.choice(all_paths)
            try:
                mutant = mutate(mutant, path, rng.choice(VALUES))
            except (KeyError, IndexError, TypeError, ValueError):
                continue  # an earlier mutation removed or replaced the path's parent
        check(mutant)


def test_compiled_validator_accepts_what_the_crawl_writes() -> None:
    for fixture in ARTICLES:
        record = record_of(fixture)
        assert fast_accepts(record), fixture.name
        assert _validator().is_valid(record)


def test_a_refusal_is_explained_by_jsonschema(good: dict[str, Any]) -> None:
    with pytest.raises(RecordInvalid) as raised:
        validate_record(mutate(good, "warc/offset", -1))
    assert raised.value.problems == ["warc/offset: -1 is less than the minimum of 0"]


def test_what_only_the_compiled_one_refuses_still_passes(good: dict[str, Any]) -> None:
    # Python's "$" matches before a final newline; jsonschema accepts, so the record passes.
    mutant = mutate(good, "title", "Title\n")
    assert not fast_accepts(mutant)
    assert _validator().is_valid(mutant)
    validate_record(mutant)


def test_to_dict_is_asdict_with_lists() -> None:
    for fixture in ARTICLES:
        record = ArticleRecord.build(
            parse_article(fixture.html, fixture.url), url=fixture.url, capture=CAPTURE
        )
        plain = record.to_dict()
        expected = dataclasses.asdict(record)
        assert plain == expected
        assert list(plain) == list(RECORD_FIELDS)
        assert json.loads(json.dumps(plain)) == plain  # JSON values only: no tuple survives
