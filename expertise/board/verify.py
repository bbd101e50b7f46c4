"""The one service behind `board verify` and the audit's board collector: check the inputs, replay the board.

Both build a :class:`VerifyOptions` — from the command line, or from the case's ``[board]`` and
``[election]`` (:func:`case_options`) — and call :func:`verify_board`, which checks the inputs
once, the same way for both, naming them as their origin declared them (``--snapshot`` or
``board.snapshots``). Only Belenios boards are known today; the dispatch on the format is here
so that Helios and ElectionGuard records can join without touching the command line. The
vendor's code is never called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ..errors import UsageError
from ..i18n import Message, msg
from .account import Verification
from .belenios.replay import ReplayOptions
from .parallel import Runner, make_runner

if TYPE_CHECKING:
    from ..case import Case

FORMATS = ("auto", "belenios")


@dataclass(frozen=True)
class Origin:
    """Where the inputs were declared, to name them in an error: the command line or case.toml."""

    file: str | None  # the case.toml, or None on the command line
    board: str | None  # the board's field ("board.path"); on the command line, the path itself says it
    snapshots: str
    fingerprint: str
    format: str


COMMAND_LINE = Origin(None, None, "--snapshot", "--credentials-fingerprint", "--format")


@dataclass
class VerifyOptions(ReplayOptions):
    """What to verify the board against (ReplayOptions), the format, where the work runs, who asked."""

    format: str = "auto"
    workers: int = 0
    scheduler: str | None = None
    runner: Runner | None = field(default=None, repr=False)
    origin: Origin = COMMAND_LINE
    declared: Sequence[str] = ()  # the board and snapshot paths as declared, when they were resolved


_FINGERPRINT = re.compile(r"[A-Za-z0-9+/]{43}=?|[0-9a-fA-F]{64}")


def fingerprint_problem(value: str) -> Message | None:
    """Why a credential authority's fingerprint is malformed, or None.

    A mistyped fingerprint must be refused as such: compared with the board's, it would read
    as ballot stuffing.
    """
    if _FINGERPRINT.fullmatch(value.strip()):
        return None
    return msg("board.input.fingerprint", value=repr(value[:80]))


def check_inputs(path: Path, options: VerifyOptions) -> None:
    """The board and the snapshots exist and are files, the fingerprint is one: else a usage error."""
    origin = options.origin
    declared = list(options.declared) or [str(path), *map(str, options.snapshots)]
    if options.format not in FORMATS:
        raise UsageError(msg("board.input.format", value=repr(options.format), formats=list(FORMATS)),
                         path=origin.file, field=origin.format)
    if path.is_dir():
        raise UsageError(msg("board.input.folder"), path=origin.file or str(path), field=origin.board)
    if not path.is_file():
        if origin.file is None:
            raise UsageError(msg("board.input.no_such_file"), path=str(path))
        raise UsageError(msg("board.input.no_board", declared=declared[0], resolved=str(path)), path=origin.file,
                         field=origin.board)
    for snapshot, name in zip(options.snapshots, declared[1:]):
        if not Path(snapshot).is_file():
            raise UsageError(msg("board.input.no_snapshot", declared=name, resolved=str(snapshot)),
                             path=origin.file, field=origin.snapshots)
    if options.credentials_fingerprint:
        problem = fingerprint_problem(options.credentials_fingerprint)
        if problem:
            raise UsageError(problem, path=origin.file, field=origin.fingerprint)


def detect_format(path: Path) -> str:
    """'belenios' for a tar whose first record is BELENIOS (or a .bel file), else a usage error."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(512)
    except IsADirectoryError:
        raise UsageError(msg("board.input.folder"), path=str(path)) from None
    except OSError as exc:
        raise UsageError(msg("board.common.cannot_read", error=str(exc.strerror)), path=str(path)) from None
    if head[:9] == b"BELENIOS\0" or path.suffix == ".bel":
        return "belenios"
    raise UsageError(msg("board.input.unknown_format"), path=str(path))


def case_options(case: "Case", **more: object) -> tuple[Path, VerifyOptions]:
    """The board of a case and how to verify it, from its ``[board]`` and ``[election]``; checked."""
    config = case.data.board
    assert config is not None
    election = case.data.election
    path = case.resolve(config.path)
    options = VerifyOptions(
        format=config.format, snapshots=[case.resolve(s) for s in config.snapshots],
        credentials_fingerprint=config.credentials_fingerprint or None,
        electorate=config.credentials_count or election.electorate, opens=election.opens, closes=election.closes,
        workers=config.workers, scheduler=config.scheduler or None,
        origin=Origin(str(case.file), "board.path", "board.snapshots", "board.credentials_fingerprint", "board.format"),
        declared=[config.path, *config.snapshots], **more)  # type: ignore[arg-type]
    check_inputs(path, options)
    return path, options


def verify_board(path: Path, options: VerifyOptions | None = None) -> Verification:
    options = options or VerifyOptions()
    path = Path(path)
    check_inputs(path, options)
    board_format = detect_format(path) if options.format == "auto" else options.format
    runner = options.runner or make_runner(options.workers, options.scheduler)
    try:
        if board_format == "belenios":
            from .belenios.replay import replay

            return replay(path, runner, options)
        raise UsageError(msg("board.input.unsupported", format=board_format),  # pragma: no cover
                         field=options.origin.format)
    finally:
        if options.runner is None:
            runner.close()
