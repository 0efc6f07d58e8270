"""The export's columns, typed from the record's JSON Schema files (``archiver/schema/``).

Every ``article-v*.json`` there is read; the columns are the union of their properties, so a
new schema version that adds fields (schema 2's tag slugs, an image's ``capture`` pointer)
needs no code here: a record of an older version simply has nulls in the newer columns. Types
follow the schema:

| JSON Schema | Arrow / Parquet |
|---|---|
| ``string`` with ``format: date`` | ``date32`` |
| ``string`` with ``format: date-time`` | ``timestamp[ns, UTC]`` (9 fraction digits fit) |
| ``string`` | ``string`` |
| ``integer`` (or an integer ``const``) | ``int64`` |
| ``number`` / ``boolean`` | ``float64`` / ``bool`` |
| ``array`` | ``list<item>`` |
| ``object`` | ``struct<properties…>`` |
| ``oneOf``/``anyOf`` with ``null`` | the other branch, nullable |

A newer version that retypes a field (schema 2 made ``tags`` objects) gives that field its
newest type; records of the versions before it cannot fill that column, so the export reads
only the versions from the last retyping on (``Columns.readable``) and reports an older
record's line with the remedy: regenerate it with ``archiver reparse`` (docs/schema.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa

TIMESTAMP = pa.timestamp("ns", tz="UTC")
_SCHEMA_FILE = re.compile(r"article-v(\d+)\.json")


class SchemaConflict(ValueError):
    """Two schema versions type one field in ways no single column can hold."""


@dataclass(frozen=True, slots=True)
class Columns:
    """The typed columns of every known schema version, in schema order."""

    schema: pa.Schema  # the final types (dates and timestamps as such)
    raw: pa.Schema  # the same with dates and timestamps as strings, as JSON has them
    versions: frozenset[int]  # schema_version values a record may carry
    # Fields a version retyped, by that version: records older than it do not fit them.
    retyped: dict[int, tuple[str, ...]]

    @property
    def readable(self) -> frozenset[int]:
        """The versions whose records fit the columns: from the last retyping on."""
        since = max(self.retyped, default=0)
        return frozenset(version for version in self.versions if version >= since)

    def why_unreadable(self, version: int) -> str:
        """Why a record of a known ``version`` is not exported, and the remedy."""
        fields = sorted({f for v, names in self.retyped.items() if v > version for f in names})
        return (
            f"schema_version {version}: {', '.join(fields)} retyped since; regenerate the "
            "records with `archiver reparse` (docs/schema.md)"
        )

    @property
    def names(self) -> list[str]:
        return list(self.schema.names)


@cache
def load_columns() -> Columns:
    """The columns of the installed schema files."""
    return columns_of(schema_documents())


def schema_documents() -> dict[int, dict[str, Any]]:
    """Every ``article-v<N>.json`` of ``archiver.schema``, by version N."""
    found = {}
    for entry in resources.files("archiver.schema").iterdir():
        match = _SCHEMA_FILE.fullmatch(entry.name)
        if match:
            found[int(match[1])] = json.loads(entry.read_text(encoding="utf-8"))
    return dict(sorted(found.items()))


def columns_of(documents: dict[int, dict[str, Any]]) -> Columns:
    """The merged columns of these schema documents (version → JSON Schema)."""
    merged: pa.DataType | None = None
    retyped: dict[int, tuple[str, ...]] = {}
    for version, document in documents.items():
        typed = _arrow_type(document, document)
        changed: list[str] = []
        merged = typed if merged is None else merge(merged, typed, "", changed)
        if changed:
            retyped[version] = tuple(changed)
    if not isinstance(merged, pa.StructType):
        raise SchemaConflict("no article-v<N>.json schema of an object found")
    schema = pa.schema(list(merged))
    return Columns(
        schema=schema, raw=raw_schema(schema), versions=frozenset(documents), retyped=retyped
    )


def merge(old: pa.DataType, new: pa.DataType, path: str, retyped: list[str]) -> pa.DataType:
    """One type holding both: equal types, or objects whose fields are merged (old order
    first, then the new fields); a field typed otherwise takes the new type, its path noted
    in ``retyped``."""
    if old == new:
        return old
    if isinstance(old, pa.StructType) and isinstance(new, pa.StructType):
        fields = {field.name: field.type for field in old}
        for field in new:
            before = fields.get(field.name)
            at = f"{path}.{field.name}" if path else field.name
            fields[field.name] = (
                field.type if before is None else merge(before, field.type, at, retyped)
            )
        return pa.struct(list(fields.items()))
    if isinstance(old, pa.ListType) and isinstance(new, pa.ListType):
        return pa.list_(merge(old.value_type, new.value_type, f"{path}[]", retyped))
    retyped.append(path.split("[", 1)[0].split(".", 1)[0] or "(record)")
    return new


def _arrow_type(node: dict[str, Any], document: dict[str, Any]) -> pa.DataType:
    node = _resolve(node, document)
    for key in ("oneOf", "anyOf"):
        if key in node:
            branches = [b for b in node[key] if _resolve(b, document).get("type") != "null"]
            if len(branches) != 1:
                raise SchemaConflict(f"{key} of {len(branches)} non-null types: {node}")
            return _arrow_type(branches[0], document)
    if "const" in node:
        return _scalar_type(node["const"])
    kinds = node.get("type")
    kinds = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"]
    if len(kinds) != 1:
        raise SchemaConflict(f"not one JSON type: {node}")
    return _typed(kinds[0], node, document)


def _typed(kind: str, node: dict[str, Any], document: dict[str, Any]) -> pa.DataType:
    if kind == "object":
        props = node.get("properties", {})
        return pa.struct([(name, _arrow_type(sub, document)) for name, sub in props.items()])
    if kind == "array":
        return pa.list_(_arrow_type(node.get("items", {"type": "string"}), document))
    if kind == "string":
        formats = {"date": pa.date32(), "date-time": TIMESTAMP}
        return formats.get(str(node.get("format")), pa.string())
    simple = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    if kind not in simple:
        raise SchemaConflict(f"JSON type {kind!r} has no column type")
    return simple[kind]


def _scalar_type(value: object) -> pa.DataType:
    if isinstance(value, bool):
        return pa.bool_()
    if isinstance(value, int):
        return pa.int64()
    if isinstance(value, str):
        return pa.string()
    raise SchemaConflict(f"const {value!r} has no column type")


def _resolve(node: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref``s (``#/$defs/name``)."""
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def raw_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with every date and timestamp (nested ones too) as a string."""
    return pa.schema([(field.name, _raw(field.type)) for field in schema])


def _raw(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return pa.string()
    if isinstance(kind, pa.StructType):
        return pa.struct([(field.name, _raw(field.type)) for field in kind])
    if isinstance(kind, pa.ListType):
        return pa.list_(_raw(kind.value_type))
    return kind
