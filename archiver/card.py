"""``archiver card OUTPUT``: the dataset card, ``OUTPUT/DATASET.md``, in the Hugging Face
card format (YAML front matter, then Markdown): counts, schema, coverage summary, known
limitations, how each field is extracted and how to trace a record to its capture.

The licence is the publisher's: the articles are Asharq Al-Awsat's, under its terms; the
card says so (``license: other``) and grants nothing itself.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from archiver.coverage.counts import MEASURES, UNKNOWN_MONTH, measure
from archiver.coverage.report import summary
from archiver.export.columns import load_columns
from archiver.export.csv import leaf_paths
from archiver.files import write_atomically
from archiver.layout import OutputLayout
from archiver.state import StateReader

RULES = "docs/extraction-rules.md"  # in the archiver source tree
_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (10**6, "100K<n<1M"))

LIMITATIONS = """\
- Only what the crawl reached: articles linked from no category listing and no sitemap are
  missing; the coverage section above counts what was seen but not archived.
- Dates are calendar dates as the site displays them ("Jun 27, 2014"), with no time of day.
- `section` and `categories` are display names, not slugs; `tags` are display names where
  the page shows them (often the page only has tag classes, so `tags` may be `[]`).
- `authors` splits the byline on ",", "&" and "and" and drops house and wire names: a name
  with "and" inside it would be split.
- A page declared UTF-8 whose bytes are in another legacy charset is read as Windows-1252.
- Text is the article body only: no captions (they are in `images`), comments or related
  posts; editorial square-bracket insertions are kept as text.
"""

TRACE = """\
Every record's `warc` field points at the HTTP response it was extracted from: `filename`
(under `warc/`), `offset` and `length` of that record's gzip member, and its
`record_id`; `payload_digest` equals the record's `WARC-Payload-Digest`. With `warcio`:

```python
import io
from warcio.archiveiterator import ArchiveIterator

ptr = record["warc"]
with open(f"warc/{ptr['filename']}", "rb") as f:
    f.seek(ptr["offset"])
    capture = next(ArchiveIterator(io.BytesIO(f.read(ptr["length"]))))
assert capture.rec_headers.get_header("WARC-Payload-Digest") == record["payload_digest"]
html = capture.content_stream().read()  # the page exactly as the site sent it
```

`parser` names the parser version that made the record; `archiver reparse` re-extracts
every record from the WARC files with the current one.
"""


def size_category(count: int) -> str:
    """The Hugging Face ``size_categories`` bucket of ``count`` rows."""
    return next((name for bound, name in _SIZES if count < bound), "n>1M")


def front_matter(layout: OutputLayout, records: int) -> str:
    configs = ["  - config_name: default", "    data_files:", "      - split: train"]
    configs.append("        path: jsonl/*.jsonl")
    if any(layout.export_dir("parquet").glob("*/*.parquet")):
        configs += ["  - config_name: parquet", "    data_files:", "      - split: train"]
        configs.append("        path: exports/parquet/*/*.parquet")
    return "\n".join(
        [
            "---",
            "language:",
            "  - en",
            "license: other",
            "license_name: asharq-al-awsat-terms",
            "pretty_name: ASHARQ AL-AWSAT English Archive 2005-2017 (archived articles)",
            "size_categories:",
            f"  - {size_category(records)}",
            "tags:",
            "  - news",
            "  - web-archive",
            "  - warc",
            "configs:",
            *configs,
            "---",
        ]
    )


def schema_table() -> list[str]:
    """One row per column: its Parquet type, its CSV column(s), where its rule is."""
    columns = load_columns()
    csv_names: dict[str, list[str]] = {}
    for path in leaf_paths(columns.schema):
        csv_names.setdefault(path[0], []).append(".".join(path))
    rows = ["| field | Parquet type | CSV column(s) |", "|---|---|---|"]
    for field in columns.schema:
        csv = ", ".join(f"`{name}`" for name in csv_names[field.name])
        rows.append(f"| `{field.name}` | `{field.type}` | {csv} |")
    return rows


def body(
    data: dict[str, Any], sections: Counter[str], years: Counter[str], checks: dict[str, int]
) -> list[str]:
    totals = data["totals"]
    rechecks = (
        f"Re-checked on the live site since: {checks['rechecked']}; found changed (a later "
        f"`version` in the data): {checks['changed']}; withdrawn from the site (404, 410 or "
        f"redirected away at their last check; their records are kept): {totals['withdrawn']}."
    )
    lines = [
        "# ASHARQ AL-AWSAT English Archive 2005-2017: archived articles",
        "",
        "Articles of the English edition's archive (https://eng-archive.aawsat.com), one",
        "record per article, extracted from WARC captures made by `archiver`. An article a",
        "re-check found changed has later records (`version` 2, 3, ...; `supersedes` names the",
        "record before): the newest version of a `url` is its current record.",
        "",
        "## Licence",
        "",
        "The articles are the publisher's (Asharq Al-Awsat) and are under its terms of use;",
        "this card grants no licence to them. Check the publisher's terms before any use",
        "beyond research. The `archiver` code that made the dataset is MIT-licensed.",
        "",
        "## Counts",
        "",
        f"{totals['archived']} articles archived. {rechecks}",
        "",
        "By section:",
        "",
        "| section | articles |",
        "|---|---|",
        *(f"| {name} | {count} |" for name, count in sorted(sections.items())),
        "",
        "By year: " + ", ".join(f"{year} {count}" for year, count in sorted(years.items())),
        "",
        "## Coverage",
        "",
        ", ".join(f"{name.replace('_', ' ')} {totals[name]}" for name in MEASURES) + ".",
        "Seen in: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in data["discovery"].items())
        + ".",
        f"Months {data['months']['first']} to {data['months']['last']}; months with no",
        "article at all: " + (", ".join(data["gaps"]) or "none") + ".",
        "Per month and section: `reports/coverage.md` (`archiver coverage`).",
        "",
        "## Schema",
        "",
        f"JSON Schema: `archiver/schema/article-v*.json`. How each field is extracted: `{RULES}`",
        "in the archiver source. In CSV, objects are dotted columns and lists JSON text.",
        "",
        *schema_table(),
        "",
        "## Known limitations",
        "",
        LIMITATIONS,
        "## Tracing a record to its capture",
        "",
        TRACE,
    ]
    return lines


def write_card(output: Path) -> Path:
    """Write ``OUTPUT/DATASET.md``; its path."""
    layout = OutputLayout(output)
    coverage = measure(output)
    data = summary(coverage)
    sections: Counter[str] = Counter()
    years: Counter[str] = Counter()
    for (month, section), counts in coverage.cells.items():
        sections[section] += counts["archived"]
        years[month[:4] if month != UNKNOWN_MONTH else month] += counts["archived"]
    sections, years = +sections, +years  # drop zeros
    text = front_matter(layout, data["totals"]["archived"]) + "\n\n"
    reader = StateReader(layout.state_db)
    try:
        checks = reader.recheck_counts()
    finally:
        reader.close()
    text += "\n".join(body(data, sections, years, checks))
    return write_atomically(layout.card, text)


def run_card(output: Path) -> int:
    """The body of ``archiver card``: exit 2 if ``output`` has no dataset."""
    if not OutputLayout(output).jsonl.is_dir():
        print(f"archiver card: {output}/jsonl does not exist: name an output root of a crawl")
        return 2
    print(f"written: {write_card(output)}")
    return 0
