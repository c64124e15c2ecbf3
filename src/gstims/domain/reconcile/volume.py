"""Volume work without the cycle collector (R-REC-21).

A lakh-document run builds millions of small acyclic objects; Python's cycle collector would
walk them again and again as they are made and halve the speed. `cycle_collector_paused`
pauses it for the run and turns it back on (if it was on) afterwards, whatever happens.

    with cycle_collector_paused():
        results = build_a_lakh_of_things()
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
