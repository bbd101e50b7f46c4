"""Hashing local files: streamed, in worker processes, results kept in walk order.

SHA-256 of one file is sequential, so the parallelism is over files: the walk is cut
into chunks (a few hundred small files, or one big file) hashed by a process pool while
the main process keeps walking and writing. At most a fixed number of chunks is in
flight, so memory stays flat whatever the size of the tree; results are taken back in
submission order, so the output stays sorted without a sort.

Each file is opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked with ``fstat`` on the
open descriptor: a path replaced by a symbolic link or a FIFO between the walk and the
read is reported, never followed, and a FIFO never blocks the seal. A file whose size or
modification time moves while it is read is reported as changed, not sealed.
"""

from __future__ import annotations

import errno
import hashlib
import multiprocessing
import os
import stat
from collections import deque
from typing import Iterable, Iterator

from ..i18n import msg
from .names import TYPES as TYPES_NAMED, named
from .model import (
    CHANGED_WHILE_READING,
    FILE,
    UNREADABLE,
    VANISHED,
    Entry,
    PendingFile,
    PathProblem,
    type_of_mode,
)

CHUNK = 1 << 20
BATCH_FILES = 256
BATCH_BYTES = 8 << 20
WINDOW_PER_JOB = 4


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def hash_local_file(root: bytes, rel: bytes, buffer: bytearray | None = None) -> Entry | PathProblem:
    path = os.path.join(root, rel)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return PathProblem(rel, VANISHED, msg("seal.problem.vanished_before_read"))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return PathProblem(
                rel, CHANGED_WHILE_READING, msg("seal.problem.replaced", type=TYPES_NAMED["symlink"])
            )
        return PathProblem(rel, UNREADABLE, msg("seal.problem.cannot_open", reason=str(exc.strerror)))
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            return PathProblem(
                rel,
                CHANGED_WHILE_READING,
                msg("seal.problem.replaced", type=named(TYPES_NAMED, type_of_mode(before.st_mode))),
            )
        buf = buffer if buffer is not None else bytearray(CHUNK)
        view = memoryview(buf)
        digest = hashlib.sha256()
        total = 0
        while count := os.readv(fd, (buf,)):
            digest.update(view[:count])
            total += count
        after = os.fstat(fd)
    except OSError as exc:
        return PathProblem(rel, UNREADABLE, msg("seal.problem.read_error", reason=str(exc.strerror)))
    finally:
        os.close(fd)
    if total != before.st_size or after.st_size != before.st_size or after.st_mtime_ns != before.st_mtime_ns:
        return PathProblem(
            rel,
            CHANGED_WHILE_READING,
            msg("seal.problem.changed", before=before.st_size, after=after.st_size, read=total),
        )
    return Entry(rel, FILE, stat.S_IMODE(before.st_mode), total, digest.hexdigest())


Packed = tuple[bytes, int, int, str] | PathProblem


def _hash_batch(root: bytes, rels: list[bytes]) -> list[Packed]:
    """In a worker: plain tuples travel back faster than dataclasses."""
    buffer = bytearray(CHUNK)
    out: list[Packed] = []
    for rel in rels:
        item = hash_local_file(root, rel, buffer)
        out.append(
            item
            if isinstance(item, PathProblem)
            else (item.path, item.mode or 0, item.size or 0, item.sha256 or "")
        )
    return out


def _unpack(item: Packed) -> Entry | PathProblem:
    if isinstance(item, PathProblem):
        return item
    return Entry(item[0], FILE, item[1], item[2], item[3])


Item = Entry | PathProblem | PendingFile


class Hasher:
    """Hashes the pending files of walk streams; a process pool is started only for real work."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or available_cpus())
        self._pool: multiprocessing.pool.Pool | None = None

    def __enter__(self) -> "Hasher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _get_pool(self) -> multiprocessing.pool.Pool:
        if self._pool is None:
            # forkserver, not fork: the caller may run threads (a progress bar, an SSH
            # transport, a demo server), and forking a threaded process is unsafe.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            self._pool = context.Pool(self.jobs)
        return self._pool

    def run(self, root: bytes, items: Iterable[Item]) -> Iterator[Entry | PathProblem]:
        """Entries and problems in the order of ``items``, every PendingFile hashed."""
        if self.jobs == 1:
            buffer = bytearray(CHUNK)
            for item in items:
                yield hash_local_file(root, item.path, buffer) if isinstance(item, PendingFile) else item
            return
        window: deque[tuple[list[Item], object | None]] = deque()
        limit = self.jobs * WINDOW_PER_JOB
        chunk: list[Item] = []
        pending: list[bytes] = []
        chunk_bytes = 0
        first_chunk = True

        def submit() -> None:
            nonlocal chunk, pending, chunk_bytes, first_chunk
            if pending and first_chunk:
                # hash the first chunk here: small trees never pay for starting a pool
                window.append((chunk, _hash_batch(root, pending)))
            elif pending:
                window.append((chunk, self._get_pool().apply_async(_hash_batch, (root, pending))))
            else:
                window.append((chunk, None))
            first_chunk = first_chunk and not pending
            chunk, pending, chunk_bytes = [], [], 0

        def drain(keep: int) -> Iterator[Entry | PathProblem]:
            """Yield finished chunks from the head; wait while more than ``keep`` are in flight."""
            while window:
                items_, result = window[0]
                if isinstance(result, list) or result is None:
                    hashed = iter(result or [])
                else:
                    if len(window) <= keep and not result.ready():  # type: ignore[attr-defined]
                        return
                    hashed = iter(result.get())  # type: ignore[attr-defined]
                window.popleft()
                for item in items_:
                    yield _unpack(next(hashed)) if isinstance(item, PendingFile) else item  # type: ignore[misc]

        for item in items:
            if isinstance(item, PendingFile):
                if pending and (len(pending) >= BATCH_FILES or chunk_bytes + item.size_hint > BATCH_BYTES):
                    submit()
                    yield from drain(keep=limit - 1)
                pending.append(item.path)
                chunk_bytes += item.size_hint
            chunk.append(item)
        if chunk:
            submit()
        yield from drain(keep=0)
