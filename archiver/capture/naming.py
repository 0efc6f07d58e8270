"""WARC file names: ``PREFIX-TIMESTAMP17-SERIAL-TOKEN.warc.gz``, written as ``NAME.open``.

The warcprox/Heritrix convention: a prefix naming the crawl, the 17-digit UTC time the file was
begun (YYYYmmddHHMMSSfff), a serial counting the files of one writer, and a random token that
keeps two writers started in the same millisecond apart. No part comes from URL text.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from archiver.files import OPEN_SUFFIX

WARC_SUFFIX = ".warc.gz"
_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
NAME_PATTERN = re.compile(
    r"(?P<prefix>[A-Za-z0-9][A-Za-z0-9_.-]*)-(?P<timestamp>\d{17})-(?P<serial>\d{5,})"
    r"-(?P<token>[0-9a-f]{8})\.warc\.gz"
)


def check_prefix(prefix: str) -> str:
    """Return the prefix if it is safe in a file name; otherwise say what to change."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(
            f"WARC prefix {prefix!r} is not usable in a file name: use 1-64 letters, digits, "
            "'.', '_' or '-', starting with a letter or digit (setting ARCHIVE_WARC_PREFIX)"
        )
    return prefix


def timestamp17(moment: datetime) -> str:
    """YYYYmmddHHMMSSfff in UTC: the time to the millisecond, 17 digits."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y%m%d%H%M%S") + f"{utc.microsecond // 1000:03d}"


def random_token() -> str:
    """Eight lowercase hex digits, fresh for each writer."""
    return secrets.token_hex(4)


def warc_filename(prefix: str, moment: datetime, serial: int, token: str) -> str:
    """The final (closed) name of a WARC file."""
    return f"{check_prefix(prefix)}-{timestamp17(moment)}-{serial:05d}-{token}{WARC_SUFFIX}"


def final_path(open_file: Path) -> Path:
    """The name an ``.open`` file gets once it is closed (or repaired)."""
    if not open_file.name.endswith(WARC_SUFFIX + OPEN_SUFFIX):
        raise ValueError(f"{open_file} is not an open WARC file (*{WARC_SUFFIX}{OPEN_SUFFIX})")
    return open_file.with_name(open_file.name.removesuffix(OPEN_SUFFIX))
