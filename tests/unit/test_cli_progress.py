"""The progress bar of long CLI work: shown on a terminal, quiet with --quiet or off a TTY."""

import io

from rich.console import Console

from gstims.cli_progress import progress
from gstims.services.steps import no_steps


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=100), out


def test_on_a_terminal_each_step_is_shown_with_the_count_done():
    console, out = terminal()
    with progress(3, quiet=False, console=console) as steps:
        steps("reading register.csv")
        steps("checking 10 rows")
        steps("storing 9 documents")
    shown = out.getvalue()
    for name in ("reading register.csv", "checking 10 rows", "storing 9 documents"):
        assert name in shown
    assert "3/3" in shown


def test_quiet_writes_nothing_and_off_a_terminal_nothing_either(capsys):
    console, out = terminal()
    with progress(3, quiet=True, console=console) as steps:
        steps("reading register.csv")
    assert steps is no_steps and out.getvalue() == ""
    with progress(3, quiet=False) as steps:  # pytest's stderr is not a terminal
        steps("reading register.csv")
    assert steps is no_steps and capsys.readouterr().err == ""
