"""Finding a capture written after a known point: how a resumed run recognises the
requisites a killed run had captured but not yet recorded."""

from __future__ import annotations

from pathlib import Path

from archiver.capture import WarcFileWriter
from archiver.capture.find import captured_body, find_response
from tests.test_capture_replay import SITE, exchange


def test_a_capture_is_found_after_the_point_it_was_claimed_at(tmp_path: Path) -> None:
    css = exchange("/style.css", 200, (), b"a{background:url(x.png)}")
    with WarcFileWriter(tmp_path, max_size=10_000_000) as writer:
        first = writer.write_exchange(exchange("/a", 200, (), b"<p>a</p>"))
        name = first.warc.filename
        after_first = first.warc.offset + first.warc.length
        second = writer.write_exchange(css)
    found = find_response(tmp_path, SITE + "/style.css", name, after_first)
    assert found is not None
    assert (found["offset"], found["length"]) == (second.warc.offset, second.warc.length)
    assert found["record_id"] == second.warc.record_id
    assert found["payload_digest"] == second.payload_digest
    assert captured_body(tmp_path, found)[1] == b"a{background:url(x.png)}"
    # Written before the claimed point: another fetch's capture, not this one's.
    assert find_response(tmp_path, SITE + "/a", name, after_first) is None
    assert find_response(tmp_path, SITE + "/nowhere", "", 0) is None


def test_only_200_responses_count(tmp_path: Path) -> None:
    with WarcFileWriter(tmp_path, max_size=10_000_000) as writer:
        writer.write_exchange(exchange("/old", 301, (("Location", SITE + "/a"),), b""))
    assert find_response(tmp_path, SITE + "/old", "", 0) is None
