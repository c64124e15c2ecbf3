"""gstims.domain imports only the standard library and itself."""

import ast
import sys
from pathlib import Path

import gstims.domain

DOMAIN = Path(gstims.domain.__file__).parent


def imported_roots(source: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_domain_imports_nothing_outside_the_standard_library_and_itself():
    offenders = {}
    for path in sorted(DOMAIN.rglob("*.py")):
        outside = {
            root
            for root in imported_roots(path.read_text())
            if root not in sys.stdlib_module_names and root not in {"gstims", "__future__"}
        }
        if outside:
            offenders[path.name] = outside
    assert offenders == {}


def test_the_purity_check_catches_a_foreign_import():
    assert imported_roots("import sqlalchemy\nfrom fastapi import X\nimport os") >= {
        "sqlalchemy",
        "fastapi",
    }


def test_the_domain_does_not_import_other_gstims_layers():
    for path in DOMAIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("gstims.")
            ):
                assert node.module.startswith("gstims.domain"), (path.name, node.module)
