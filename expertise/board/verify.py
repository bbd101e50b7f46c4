"""`board verify`: recognise the board's format and replay it with our own implementation.

Only Belenios boards are known today; the dispatch is here so that Helios and ElectionGuard
records can join without touching the command line. The vendor's code is never called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .belenios.replay import ReplayOptions
from .parallel import Runner, make_runner
from .report import VerificationReport

FORMATS = ("auto", "belenios")


@dataclass
class VerifyOptions(ReplayOptions):
    """What to verify the board against (ReplayOptions), the format, and where the work runs."""

    format: str = "auto"
    workers: int = 0
    scheduler: str | None = None
    runner: Runner | None = field(default=None, repr=False)


_FINGERPRINT = re.compile(r"[A-Za-z0-9+/]{43}=?|[0-9a-fA-F]{64}")


def fingerprint_problem(value: str) -> str | None:
    """Why a credential authority's fingerprint is malformed, or None.

    A mistyped fingerprint must be refused as such: compared with the board's, it would read
    as ballot stuffing.
    """
    if _FINGERPRINT.fullmatch(value.strip()):
        return None
    return (f"{value[:80]!r} is not a SHA-256 fingerprint (43 base64 characters as `belenios-tool sha256-b64` "
            "prints them, or 64 hexadecimal digits)")


def detect_format(path: Path) -> str:
    """'belenios' for a tar whose first record is BELENIOS (or a .bel file), else a usage error."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(512)
    except IsADirectoryError:
        raise UsageError("is a folder; give the board file (<uuid>.bel)", path=str(path)) from None
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", path=str(path)) from None
    if head[:9] == b"BELENIOS\0" or path.suffix == ".bel":
        return "belenios"
    raise UsageError("not a recognised board format (a Belenios board is a <uuid>.bel tar whose first record is "
                     "BELENIOS); use --format to force one", path=str(path))


def verify_board(path: Path, options: VerifyOptions | None = None) -> VerificationReport:
    options = options or VerifyOptions()
    path = Path(path)
    if not path.exists():
        raise UsageError("no such file", path=str(path))
    if options.format not in FORMATS:
        raise UsageError(f"unknown format {options.format!r} (one of {', '.join(FORMATS)})", field="--format")
    board_format = detect_format(path) if options.format == "auto" else options.format
    if path.is_dir():
        raise UsageError("is a folder; give the board file (<uuid>.bel)", path=str(path))
    if options.credentials_fingerprint:
        problem = fingerprint_problem(options.credentials_fingerprint)
        if problem:
            raise UsageError(problem, field="--credentials-fingerprint")
    for snapshot in options.snapshots:
        if not Path(snapshot).is_file():
            raise UsageError("snapshot is not a readable file", path=str(snapshot), field="--snapshot")
    runner = options.runner or make_runner(options.workers, options.scheduler)
    try:
        if board_format == "belenios":
            from .belenios.replay import BeleniosReplay

            return BeleniosReplay(path, runner, options).run()
        raise UsageError(f"format {board_format} is not supported", field="--format")  # pragma: no cover
    finally:
        if options.runner is None:
            runner.close()
