"""Where the per-ballot work runs: in this process, a local process pool, or a Dask cluster.

The replay submits pure functions over picklable inputs (a chunk of raw ballots and a small
context) and reads their results in submission order; all three runners offer the same
``submit(fn, *args) -> future`` so the replay does not know which one it uses. The number
of chunks in flight is bounded by the caller, which keeps memory flat whatever the board's size.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Protocol

from ..errors import UsageError
from ..i18n import Message, msg


class Runner(Protocol):
    workers: int
    description: Message  # how the ballots were verified, shown in the report

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def close(self) -> None: ...


def _noop() -> int:
    return os.getpid()


class InlineRunner:
    """Runs each task at once in the calling process (``--workers 1``)."""

    workers = 1
    description = msg("board.runner.inline")

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # delivered through .result(), as a pool would
            future.set_exception(exc)
        return future

    def close(self) -> None:
        pass


class ProcessRunner:
    """A pool of worker processes on this machine.

    Workers are forked once, up front, before any progress-bar thread exists, so that a
    fork never copies a lock held by another thread.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.description = msg("board.runner.processes", count=workers)
        context = multiprocessing.get_context("fork")
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        for future in [self.pool.submit(_noop) for _ in range(workers)]:
            future.result()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self.pool.submit(fn, *args)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """Tasks on a Dask distributed cluster (workers need the same `expertise` installed)."""

    def __init__(self, address: str, timeout: float = 15.0) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - dask[distributed] is a dependency
            raise UsageError(msg("board.runner.no_dask"), field="--scheduler") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UsageError(msg("board.runner.unreachable", error=str(exc)), field="--scheduler") from None
        info = self.client.scheduler_info()
        workers = info.get("workers", {})
        self.workers = max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
        self.description = msg("board.runner.dask", address=address, workers=len(workers), threads=self.workers)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def close(self) -> None:
        self.client.close()


def make_runner(workers: int = 0, scheduler: str | None = None) -> Runner:
    """``scheduler`` wins; else ``workers`` processes (0 = one per CPU, 1 = in this process)."""
    if scheduler:
        return DaskRunner(scheduler)
    if workers < 0:
        raise UsageError(msg("board.runner.workers"), field="--workers")
    count = workers or (os.cpu_count() or 1)
    if count == 1:
        return InlineRunner()
    return ProcessRunner(count)
