"""A progress bar for long command-line work (`gstims books import`, `gstims reconcile`, ...).

`progress(total, quiet)` yields the `steps` callable a use case names its steps to
(`services/steps.py`); each new step advances a Rich bar on stderr and shows its name, with
the time elapsed. The bar is quiet — the callable does nothing — when `--quiet` is given or
stderr is not a terminal (a pipe, a file, a test), so scripts read only the results on
stdout. `transient`: the bar is gone once the work ends, leaving the results.

    with progress(reconcile.RUN_STEPS, quiet) as steps:
        reconcile.run_reconciliation(uow, gstin, periods, steps=steps)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from gstims.services.steps import Steps, no_steps


@contextmanager
def progress(total: int, quiet: bool, console: Console | None = None) -> Iterator[Steps]:
    """A bar of `total` steps on stderr (or `console`), or nothing when quiet or not a TTY."""
    if quiet or (console is None and not sys.stderr.isatty()):
        yield no_steps
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console or Console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=total)
        started = False

        def step(what: str) -> None:
            nonlocal started
            bar.update(task, description=what, advance=1 if started else 0)
            bar.refresh()  # a step is long and steps are few: show each one as it starts
            started = True

        yield step
        bar.update(task, completed=total)
