"""Threads released at once, for the race tests on PostgreSQL (each thread commits on its own connection)."""

from __future__ import annotations

import threading

from django.db import connections

TIMEOUT = 60  # seconds a thread may wait at the barrier or run; a hang fails the test instead of the suite


def run_together(count: int, work) -> list:
    """Run ``work(index)`` in ``count`` threads released at once; return each one's result or exception."""
    barrier = threading.Barrier(count, timeout=TIMEOUT)
    results: list = [None] * count

    def thread(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=thread, args=(index,)) for index in range(count)]
    for item in threads:
        item.start()
    for item in threads:
        item.join(TIMEOUT)
    assert not any(item.is_alive() for item in threads), "a thread hung"
    return results
