"""Errors of the seal domain.

A broken seal (bad signature, malformed file) is not a usage mistake but it ends the
command the same way: exit 2, one message naming the file and the field, because a seal
that cannot be trusted must never be compared, let alone reported as matching.
"""

from __future__ import annotations

from ..errors import ExpertiseError, UsageError


class SealBroken(ExpertiseError):
    """The seal folder is incomplete, malformed, or its signatures do not verify."""

    exit_code = 2


class SourceError(UsageError):
    """A source cannot be read at all (missing folder, unknown revision, SSH refused)."""


class HostKeyRefused(SourceError):
    """The SSH host key is unknown or differs from the expected one: never accepted."""


__all__ = ["HostKeyRefused", "SealBroken", "SourceError", "UsageError"]
