"""Durable file writes: a crash never leaves a half-written evidence file or report."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Iterable, Iterator


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write to a temporary sibling, fsync, then rename over ``path``.

    With ``exclusive`` the temporary file must not exist yet, so two writers of the same
    evidence file collide loudly instead of interleaving.
    """
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "xb" if exclusive else "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


# --- sets of files published together, interrupts deferred, read-only folders ---

#: the prefix of the temporary folder a set of files is written into before it is published
STAGING_PREFIX = ".partial-"


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the length of the block, then act on them.

    A few renames and a journal entry must happen all together or not at all: a Ctrl-C in
    between would leave files of two runs side by side. The signal is not lost: once the
    block is done, the handler that was in place runs (Ctrl-C then raises KeyboardInterrupt).
    Outside the main thread Python cannot change handlers, and the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {int(signum): signal.signal(signum, hold) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if received:
            first = received[0]
            handler = previous[first]
            if callable(handler):
                handler(first, None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), first)


def staging_folder(dest: Path) -> Path:
    """A new temporary folder inside ``dest`` where the next set of files is written whole.

    Inside ``dest`` so that publishing is a rename on one file system. Folders left by an
    interrupted run (killed before it could clean up) are removed first: nothing in them was
    ever published.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for stale in dest.glob(STAGING_PREFIX + "*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=dest))


def publish(staging: Path, dest: Path, members: Iterable[str]) -> dict[str, Path]:
    """Move every file of ``staging`` into ``dest`` and remove the ``members`` of the previous
    set that this one does not have (a report without PDF must not sit beside the PDF of an
    older one). Run it inside :func:`interrupts_deferred`: each rename is atomic, the set is
    only whole if no signal falls between them. Returns the published files by name."""
    published: dict[str, Path] = {}
    for path in sorted(staging.iterdir()):
        target = dest / path.name
        os.replace(path, target)
        published[path.name] = target
    for name in members:
        if name not in published:
            (dest / name).unlink(missing_ok=True)
    _fsync_folder(dest)
    staging.rmdir()
    return published


def _fsync_folder(folder: Path) -> None:
    """Make the renames durable (a power cut after the command returned keeps the new set)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_denied(*folders: Path) -> OSError | None:
    """Why files cannot be created in these folders, or ``None`` when they can.

    Tried for real — a file is created and removed — because permission bits do not tell:
    root writes through them, while a read-only mount (a received archive, a mounted copy)
    refuses everyone. Folders that do not exist are not tried.
    """
    for folder in folders:
        if not folder.is_dir():
            continue
        try:
            handle, name = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        except OSError as exc:
            return exc
        os.close(handle)
        os.unlink(name)
    return None
