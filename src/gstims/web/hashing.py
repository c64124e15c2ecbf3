"""Password hashing on a few threads of its own, with a bounded queue (issue 14 item 3).

scrypt takes ~50 ms of CPU by design. Run on the shared thread pool, 32 parallel guessers
held every other request's thread: the API's GETCNT went from 3 ms to 424 ms. Here at most
`workers` checks hash at once and at most `waiting` more queue; beyond that a sign-in is
answered "busy" at once (`HashingBusy`), without hashing anything.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
WORKERS = 2
WAITING = 16


class HashingBusy(Exception):
    """Too many sign-ins are being checked: try again in a moment."""


class HashingPool:
    def __init__(self, workers: int = WORKERS, waiting: int = WAITING) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="gstims-hash")
        self._slots = threading.BoundedSemaphore(workers + waiting)

    async def run(self, work: Callable[[], T]) -> T:
        if not self._slots.acquire(blocking=False):
            raise HashingBusy
        try:
            return await asyncio.wrap_future(self._pool.submit(work))
        finally:
            self._slots.release()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
