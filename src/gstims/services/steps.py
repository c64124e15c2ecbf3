"""A long use case names its steps as it starts each one, for a progress display.

`steps` is a callable the caller passes (the CLI's progress bar, `cli_progress.py`); a use
case calls it with a short description at the start of each of its `STEPS` steps. The
default does nothing, so the API and the pages pay nothing for it.

    run_reconciliation(uow, gstin, periods, steps=bar)   # "reading the books", "matching", ...
"""

from __future__ import annotations

from collections.abc import Callable

Steps = Callable[[str], None]


def no_steps(_: str) -> None:
    """Steps nobody watches."""
