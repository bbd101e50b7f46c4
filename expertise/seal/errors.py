"""Errors of the seal domain.

A broken seal (bad signature, malformed file) is not a usage mistake but it ends the
command the same way: exit 2, one message naming the file and the field, because a seal
that cannot be trusted must never be compared, let alone reported as matching.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ExpertiseError, UsageError
from ..i18n import Message, msg


class SealBroken(ExpertiseError):
    """The seal folder is incomplete, malformed, or its signatures do not verify."""

    exit_code = 2


class SourceError(UsageError):
    """A source cannot be read at all (missing folder, unknown revision, SSH refused)."""


class HostKeyRefused(SourceError):
    """The SSH host key is unknown or differs from the expected one: never accepted."""


def located(exc: ExpertiseError) -> Message:
    """The error with the file and field it names, as one message (for a result or a report)."""
    if exc.path and exc.field:
        return msg("seal.error.at_field", path=exc.path, field=exc.field, error=exc.message)
    if exc.path or exc.field:
        return msg("seal.error.at", where=exc.path or exc.field, error=exc.message)
    return exc.message


def existing_file(path: Path, *, field: str, where: str | None = None, shown: str | None = None) -> Path:
    """``path`` when it is a file, else the usage error naming it: the one "this file exists" check
    of the seal's commands and of the case's ``[seal]`` section (``where``: the case file)."""
    if not path.is_file():
        raise UsageError(msg("seal.error.no_such_file", file=shown or str(path), resolved=str(path)),
                         path=where, field=field)
    return path


def existing_key(path: Path, *, field: str, where: str | None = None, shown: str | None = None) -> Path:
    """The expert's private key file, or the usage error that says how to make one."""
    if not path.is_file():
        raise UsageError(msg("seal.error.no_such_key", file=shown or str(path), resolved=str(path)),
                         path=where, field=field)
    return path


__all__ = ["HostKeyRefused", "SealBroken", "SourceError", "UsageError", "existing_file", "existing_key", "located"]
