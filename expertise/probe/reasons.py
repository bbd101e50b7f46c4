"""Reasons of "could not test" that several collectors share, classified into message codes.

What the operating system or a tool says is data: when it is one of the few causes a reader
must understand (connection refused, host unreachable, name unknown…), it becomes a code
with its text in the catalogues; anything else is kept verbatim as an argument.
"""

from __future__ import annotations

import errno
import socket

from ..i18n import Message, msg

# errno -> the cause, for the network errors a probe meets
_ERRNO = {
    errno.ECONNREFUSED: msg("probe.os.connection_refused"),
    errno.ECONNRESET: msg("probe.os.connection_reset"),
    errno.ETIMEDOUT: msg("probe.os.connection_timed_out"),
    errno.EHOSTUNREACH: msg("probe.os.host_unreachable"),
    errno.ENETUNREACH: msg("probe.os.network_unreachable"),
    errno.EPIPE: msg("probe.os.broken_pipe"),
}

# getaddrinfo's error codes -> the cause
_GAI = {
    socket.EAI_NONAME: msg("probe.os.name_unknown"),
    socket.EAI_AGAIN: msg("probe.os.name_temporary_failure"),
}
if hasattr(socket, "EAI_NODATA"):
    _GAI[socket.EAI_NODATA] = msg("probe.os.name_no_address")  # type: ignore[attr-defined]


def os_cause(exc: OSError) -> Message | str:
    """The cause of an operating-system error: a code when known, its own text otherwise."""
    if isinstance(exc, socket.gaierror):
        return _GAI.get(exc.errno, exc.strerror or str(exc))  # type: ignore[arg-type]
    if exc.errno in _ERRNO:
        return _ERRNO[exc.errno]
    return exc.strerror or str(exc) or type(exc).__name__


def network_error(exc: OSError) -> Message:
    return msg("probe.reason.network", cause=os_cause(exc))


def exception(exc: BaseException) -> Message:
    """An unexpected exception, named by its type and its own text (both data)."""
    return msg("probe.reason.exception", error=type(exc).__name__, detail=str(exc)[:200])


# sslyze's connectivity errors (sslyze/connection_helpers): the text it writes -> the cause
_SSLYZE = {
    "Server rejected the connection": msg("probe.sslyze.rejected"),
    "Connection to the server timed out": msg("probe.sslyze.timed_out"),
    "Connection to the server failed": msg("probe.sslyze.failed"),
    "Connection to server timed out during the TLS handshake": msg("probe.sslyze.handshake_timed_out"),
    "Server interrupted the TLS handshake": msg("probe.sslyze.interrupted"),
    "DH key too small": msg("probe.sslyze.dh_too_small"),
    "TLS probing failed: could not find a TLS version and cipher suite supported by the server":
        msg("probe.sslyze.no_common_suite"),
    "WARNING: Server only supports SSL 2.0 and is therefore affected by critical vulnerabilities.":
        msg("probe.sslyze.ssl2_only"),
    "Could not connect to the server": msg("probe.sslyze.could_not_connect"),
}


def sslyze_cause(text: str) -> Message | str:
    """sslyze's connectivity error: a code for the ones it is known to write, its text otherwise."""
    return _SSLYZE.get(text.strip(), text)
