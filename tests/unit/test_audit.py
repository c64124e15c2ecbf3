"""`make audit` passes only when a vulnerability service checked every dependency."""

from scripts.audit import Outcome, outcome, verdict

JINJA = {"name": "jinja2", "version": "3.1.3"}
SQLALCHEMY = {"name": "sqlalchemy", "version": "2.0.30"}
NOT_FOUND = "Dependency not found on PyPI and could not be audited: alembic (1.20.1)"


def report(*dependencies):
    return {"dependencies": list(dependencies), "fixes": []}


def test_every_dependency_checked_and_clean_is_a_pass():
    checked = outcome("pypi", report({**JINJA, "vulns": []}, {**SQLALCHEMY, "vulns": []}))
    assert verdict([checked], require_service=True) == (
        0,
        "pip-audit: 2 dependencies checked against pypi, no known vulnerabilities",
    )


def test_a_known_vulnerability_fails_and_names_the_fix():
    vuln = {"id": "GHSA-h75v-3vvj-5mfj", "fix_versions": ["3.1.4"], "aliases": []}
    found = outcome("pypi", report({**JINJA, "vulns": [vuln]}, {**SQLALCHEMY, "vulns": []}))
    status, line = verdict([found], require_service=False)
    assert status == 1
    assert (
        line == "pip-audit: 1 known vulnerabilities: jinja2 3.1.3 GHSA-h75v-3vvj-5mfj (fix: 3.1.4)"
    )


def test_skipped_dependencies_are_not_a_pass_even_when_pip_audit_says_so():
    skipped = outcome("pypi", report({"name": "alembic", "skip_reason": NOT_FOUND}))
    status, line = verdict([skipped], require_service=False)
    assert status == 0
    assert line.startswith("pip-audit: NOT AUDITED: no vulnerability service answered (pypi: 1 of")
    assert NOT_FOUND in line and line.endswith("not a pass")


def test_not_audited_fails_where_a_service_is_required():
    skipped = outcome("pypi", report({"name": "alembic", "skip_reason": NOT_FOUND}))
    assert verdict([skipped], require_service=True)[0] == 1


def test_the_first_service_that_checks_everything_decides():
    unreachable = Outcome(False, (), "pypi: 81 of 81 dependencies skipped")
    clean = outcome("osv", report({**JINJA, "vulns": []}))
    assert verdict([unreachable, clean], require_service=True) == (
        0,
        "pip-audit: 1 dependencies checked against osv, no known vulnerabilities",
    )


def test_an_empty_report_checked_nothing():
    assert not outcome("osv", report()).audited
