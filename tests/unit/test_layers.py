"""The layers import one way (docs/ARCHITECTURE.md): entrypoints → services → domain + store;
formats translate the wire and know neither services nor store; store knows no services."""

from __future__ import annotations

import ast
from pathlib import Path

import gstims

SRC = Path(gstims.__file__).parent
ENTRYPOINTS = (
    "api",
    "web",
    "cli.py",
    "cli_files.py",
    "cli_books.py",
    "cli_rules.py",
    "cli_teams.py",
)
# what an entrypoint may take from the store: the database and its unit of work, nothing inside
STORE_FACADE = {"gstims.store.db"}
# service modules whose queries have not yet moved into the store (issue 11): this list only
# shrinks — the test fails when a module listed here no longer imports sqlalchemy
NOT_YET_MOVED: set[str] = set()  # every service module's SQL is in the store now


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _modules(*parts: str) -> list[Path]:
    paths: list[Path] = []
    for part in parts:
        where = SRC / part
        paths += sorted(where.rglob("*.py")) if where.is_dir() else [where]
    return paths


def _offenders(paths: list[Path], refused: tuple[str, ...], allowed=frozenset()) -> dict:
    out = {}
    for path in paths:
        bad = {
            m
            for m in imported_modules(path)
            if m.startswith(refused) and not any(m == a or m.startswith(f"{a}.") for a in allowed)
        }
        if bad:
            out[str(path.relative_to(SRC))] = sorted(bad)
    return out


def test_services_import_no_sqlalchemy() -> None:
    services = [p for p in _modules("services") if p.name not in NOT_YET_MOVED]
    assert _offenders(services, ("sqlalchemy",)) == {}


def test_the_list_of_services_not_yet_moved_only_names_modules_that_still_need_it() -> None:
    still = {p.name for p in _modules("services") if _offenders([p], ("sqlalchemy",))}
    assert still >= NOT_YET_MOVED, f"moved already, take off the list: {NOT_YET_MOVED - still}"


def test_formats_import_neither_services_nor_store() -> None:
    assert _offenders(_modules("formats"), ("gstims.services", "gstims.store")) == {}


def test_the_store_imports_no_services() -> None:
    assert _offenders(_modules("store"), ("gstims.services",)) == {}


def test_the_entrypoints_import_no_store_internals() -> None:
    refused = ("gstims.store", "sqlalchemy.sql", "sqlalchemy.schema")
    assert _offenders(_modules(*ENTRYPOINTS), refused, STORE_FACADE) == {}


def test_the_layer_check_catches_a_refused_import(tmp_path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from gstims.store.tables import records\nimport sqlalchemy\n")
    assert imported_modules(sneaky) >= {"gstims.store.tables", "sqlalchemy"}


# A use case module reads in one sitting: none is longer than this (issue 11). The modules
# still over it are listed; the list only shrinks.
MAX_SERVICE_LINES = 400
STILL_LONG: set[str] = set()


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def test_no_service_module_is_longer_than_the_limit() -> None:
    long = {p.name: _lines(p) for p in _modules("services") if _lines(p) > MAX_SERVICE_LINES}
    assert set(long) <= STILL_LONG, f"split these modules: {sorted(set(long) - STILL_LONG)}"


def test_the_long_modules_listed_are_still_long() -> None:
    """A module listed as still long that has been split comes off the list."""
    lengths = {p.name: _lines(p) for p in _modules("services")}
    shorter = {name for name in STILL_LONG if lengths.get(name, 0) <= MAX_SERVICE_LINES}
    assert not shorter, f"no longer over {MAX_SERVICE_LINES} lines, take off the list: {shorter}"
