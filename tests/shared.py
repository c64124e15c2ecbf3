"""Where the shared spec and GSTN samples are (read in place, never copied into the repo).

$GSTIMS_SHARED if set, else the repository's sibling `shared/`, else `/work/shared`. Missing
everywhere is an error, not a skip: the conformance tests must run.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _find() -> Path:
    candidates = [os.environ.get("GSTIMS_SHARED"), REPO.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "spec" / "rules.md").exists():
            return Path(candidate)
    raise FileNotFoundError(
        f"the shared spec and samples are not at any of {candidates[1:]}: set GSTIMS_SHARED"
    )


SHARED = _find()
SAMPLES = SHARED / "samples"
RULES = SHARED / "spec" / "rules.md"
