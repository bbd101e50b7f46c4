"""Bounded work: every collector ends, with a result or a reason, within its deadline.

A hostile or broken server (one that drips a byte every few seconds, never answers, or
floods headers) must give "could not test" in bounded time, never a hang. Subprocesses
get a ``timeout`` and are killed; in-process network code runs in a daemon thread with a
deadline, and its socket is closed from outside when the deadline passes, which makes
the blocked read fail at once.
"""

from __future__ import annotations

import socket
import threading
from concurrent.futures import Future
from typing import Callable, TypeVar

T = TypeVar("T")


class DeadlineExceeded(TimeoutError):
    pass


def start(function: Callable[[], T], name: str = "probe-job") -> "Future[T]":
    """Run ``function`` in a daemon thread (a stuck job never keeps the process alive)."""
    future: Future[T] = Future()

    def runner() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(function())
        except BaseException as exc:  # handed to the waiting side, which decides
            future.set_exception(exc)

    threading.Thread(target=runner, name=name, daemon=True).start()
    return future


class SocketWatchdog:
    """Close a socket when a deadline passes, so that a blocked read or write returns."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            if self.fired:
                _close(sock)
            self._sockets.append(sock)
        return sock

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _close(sock)

    def __enter__(self) -> "SocketWatchdog":
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
