"""The password-hashing pool of the dashboard's sign-in (issue 14 item 3)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from gstims.web.hashing import HashingBusy, HashingPool


def test_the_hashing_pool_answers_busy_instead_of_queueing_without_bound():
    """Issue 14 item 3: beyond its workers and queue a sign-in is refused at once."""
    pool = HashingPool(workers=1, waiting=0)
    release = threading.Event()

    async def two_at_once() -> bool:
        first = asyncio.ensure_future(pool.run(release.wait))
        await asyncio.sleep(0)
        with pytest.raises(HashingBusy):
            await pool.run(lambda: True)
        release.set()
        return await first

    # a thread of its own: a browser test may hold an event loop on this one
    with ThreadPoolExecutor(1) as aside:
        assert aside.submit(asyncio.run, two_at_once()).result(timeout=30) is True
    pool.shutdown()
