"""The shape of the code, checked: small modules, no import cycle between archiver's parts,
pure parsers. A newcomer should be able to trust the README's map of the tree."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archiver", "replica")
MAX_LINES = 400


def modules(package: str = "archiver") -> Iterator[tuple[str, Path]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield ".".join(parts).removesuffix(".__init__"), path


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, wherever in the file (lazy imports count too), except
    under ``if TYPE_CHECKING:`` (annotations only: no import at run time)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for child in ast.walk(node)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from archiver import config`` imports archiver.config: count the names too.
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


def part(module: str) -> str:
    """The part of archiver a module belongs to: its subpackage, or itself if top-level."""
    pieces = module.split(".")
    return ".".join(pieces[:2])


def test_no_module_is_over_the_size_limit() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for package in PACKAGES
        for _, path in modules(package)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by job): {long}"


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module, path in modules():
        source = part(module)
        targets = {part(name) for name in imported(path) if name.startswith("archiver.")}
        edges.setdefault(source, set()).update(targets - {source})
    return edges


def test_no_import_cycle_between_archivers_parts() -> None:
    edges = graph()
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycle = [*trail[trail.index(target) :], target]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert "archiver.capture" in edges and "archiver.pool" in edges  # the graph was built


def test_imports_are_read_as_python_runs_them(tmp_path: Path) -> None:
    """The checker itself: lazy imports count, TYPE_CHECKING ones do not."""
    (tmp_path / "a.py").write_text("from archiver.b import x\n", encoding="utf-8")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from archiver.a import y\n"
        "def f():\n    from archiver.c import z\n",
        encoding="utf-8",
    )
    assert imported(tmp_path / "a.py") == {"archiver.b", "archiver.b.x"}
    assert imported(tmp_path / "b.py") == {
        "typing",
        "typing.TYPE_CHECKING",
        "archiver.c",
        "archiver.c.z",
    }


@pytest.mark.parametrize("package", ["archiver.parsers", "archiver.pool", "archiver.capture"])
def test_pure_parts_import_no_scrapy(package: str) -> None:
    """The parsers (pure HTML to record), the pool and the capture's writing modules are
    usable without Scrapy; only the modules that are Scrapy components may import it."""
    components = {"archiver.pool.crawler", "archiver.capture.extension"}
    components |= {"archiver.capture.middleware", "archiver.capture.records"}
    offenders = {
        module
        for module, path in modules()
        if module.startswith(package) and module not in components
        for name in imported(path)
        if name.split(".")[0] in {"scrapy", "twisted"}
    }
    assert not offenders, f"import Scrapy though they are meant to be pure: {offenders}"


def readme_map() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Layout of the code")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else None]


def test_the_readme_map_matches_the_tree() -> None:
    """Every path the README's code map names exists, and every module and subpackage at
    the top of archiver/ is on the map: a newcomer can find any piece by its name."""
    section = readme_map()
    named = set(re.findall(r"`((?:archiver|replica|tests|bench)/[^`\s]*)`", section))
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists())
    assert not missing, f"the README's map names paths that do not exist: {missing}"
    entries = {
        f"archiver/{path.name}" + ("/" if path.is_dir() else "")
        for path in (ROOT / "archiver").iterdir()
        if path.name not in {"__init__.py", "__pycache__"} and not path.name.endswith(".pyc")
    }
    unmapped = sorted(entry for entry in entries if f"`{entry}" not in section)
    assert not unmapped, f"on the tree but not on the README's map: {unmapped}"
