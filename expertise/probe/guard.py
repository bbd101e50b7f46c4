"""A last line of defence: no connection from this process to an address outside the scope.

The scope decision (:mod:`expertise.probe.scope`) is taken before a collector starts, and
collectors only receive pinned addresses. This guard enforces the same decision inside
the process with a PEP 578 audit hook on ``socket.connect`` and ``socket.getaddrinfo``: a
library that would connect somewhere else (a redirect followed behind our back, a name
resolved again) raises :class:`ScopeViolation` before the SYN leaves. Subprocesses
(nmap, openssl, ssh-audit) are outside its reach; they only ever get pinned addresses, and
the sslyze worker installs its own guard.

Audit hooks cannot be removed, so the hook is installed once and does nothing while no
probe is running.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from ..i18n import Message, msg

_lock = threading.Lock()
_installed = False
_active: list[tuple[frozenset[str], frozenset[str]]] = []  # (addresses, names), innermost last
_extra: set[str] = set()
_extra_names: set[str] = set()


class ScopeViolation(ConnectionRefusedError):
    """Raised inside a guarded probe for an address outside the scope (never sent).

    ``message`` says what was refused; ``str()`` is its English text, for logs and tracebacks."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(str(message))


def _address_allowed(host: str, addresses: frozenset[str]) -> bool:
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False  # a name handed to connect() would be resolved again: refuse
    return str(ip) in addresses or str(ip) in _extra


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active or event not in ("socket.connect", "socket.getaddrinfo"):
        return
    addresses, names = _active[-1]
    if event == "socket.connect":
        sock, address = args
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return
        host = str(address[0])
        if not _address_allowed(host, addresses):
            raise ScopeViolation(msg("probe.guard.connection_refused", address=host))
    else:
        host = args[0]
        if host is None:
            return
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        host = str(host).strip("[]").rstrip(".").lower()
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
            return  # numeric: no query leaves; connect() is checked separately
        except ValueError:
            pass
        if host not in names and host not in _extra_names:
            raise ScopeViolation(msg("probe.guard.resolution_refused", name=host))


def _install() -> None:
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


@contextmanager
def guarded(addresses: Iterable[str], names: Iterable[str] = ()) -> Iterator[None]:
    """Only the given addresses (and resolution of the given names) inside the block."""
    _install()
    entry = (frozenset(str(ipaddress.ip_address(a)) for a in addresses), frozenset(n.lower() for n in names))
    with _lock:
        _active.append(entry)
    try:
        yield
    finally:
        with _lock:
            _active.remove(entry)
            if not _active:
                _extra.clear()
                _extra_names.clear()


def allow(address: str) -> None:
    """Add an address authorised during the run (an in-scope redirect to another host)."""
    with _lock:
        _extra.add(str(ipaddress.ip_address(address)))


def allow_name(name: str) -> None:
    """Let a name be resolved during the run (it was found in scope by the caller)."""
    with _lock:
        _extra_names.add(name.strip("[]").rstrip(".").lower())


def active() -> bool:
    return bool(_active)
