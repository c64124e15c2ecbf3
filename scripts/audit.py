"""`make audit`: pip-audit over the project's environment, never a pass it did not earn.

pip-audit asks a vulnerability service (the PyPI JSON API, else OSV) about every installed
distribution. Where it cannot reach one, pip-audit itself still prints "No known
vulnerabilities found" and exits 0, having skipped every package ("Dependency not found on
PyPI"). This script reads its JSON report instead and says one of three things:

    pip-audit: 74 dependencies checked against pypi, no known vulnerabilities
    pip-audit: 2 known vulnerabilities: jinja2 3.1.3 GHSA-h75v-3vvj-5mfj (fix: 3.1.4); ...
    pip-audit: NOT AUDITED: no vulnerability service answered (pypi: 74 of 74 dependencies
    skipped, e.g. 'Dependency not found on PyPI ...'; osv: ConnectionError ...); not a pass

A vulnerability fails (exit 1). NOT AUDITED exits 0 so that a machine that reaches only the
package index can still run `make test`, unless `--require-service` (`make check
AUDIT_REQUIRED=1`) makes it fail too. See docs/adr/0009-make-check.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SERVICES = ("pypi", "osv")  # tried in this order; the first that checks everything decides
TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Outcome:
    audited: bool  # every dependency was checked against the service
    vulnerabilities: tuple[str, ...]  # "name version ID (fix: ...)"
    message: str


def outcome(service: str, report: Mapping[str, Any]) -> Outcome:
    """What one pip-audit JSON report says."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    found = tuple(
        f"{d['name']} {d['version']} {v['id']} (fix: {', '.join(v.get('fix_versions') or ['none'])})"
        for d in dependencies
        for v in d.get("vulns") or []
    )
    if found:
        return Outcome(True, found, f"{len(found)} known vulnerabilities: {'; '.join(found)}")
    if skipped or not dependencies:
        example = skipped[0]["skip_reason"] if skipped else "no dependency listed"
        message = f"{service}: {len(skipped)} of {len(dependencies)} dependencies skipped, "
        return Outcome(False, (), message + f"e.g. {example!r}")
    return Outcome(
        True,
        (),
        f"{len(dependencies)} dependencies checked against {service}, no known vulnerabilities",
    )


def run_pip_audit(service: str) -> Outcome:
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--skip-editable"]
    command += ["--progress-spinner", "off", "--vulnerability-service", service]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return Outcome(False, (), f"{service}: no answer in {TIMEOUT_SECONDS} s")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return Outcome(False, (), f"{service}: {shortened(last)}")
    return outcome(service, report)


def shortened(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def verdict(outcomes: Sequence[Outcome], *, require_service: bool) -> tuple[int, str]:
    """The exit status and the one line to print, from each service's outcome in turn."""
    for each in outcomes:
        if each.audited:
            return (1 if each.vulnerabilities else 0), f"pip-audit: {each.message}"
    reasons = "; ".join(each.message for each in outcomes)
    line = f"pip-audit: NOT AUDITED: no vulnerability service answered ({reasons}); not a pass"
    return (1 if require_service else 0), line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--require-service",
        action="store_true",
        help="fail when no vulnerability service could check every dependency",
    )
    args = parser.parse_args(argv)
    outcomes: list[Outcome] = []
    for service in SERVICES:
        outcomes.append(run_pip_audit(service))
        if outcomes[-1].audited:
            break
    status, line = verdict(outcomes, require_service=args.require_service)
    print(line, file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
