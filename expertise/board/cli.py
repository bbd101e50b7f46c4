"""`expertise board`: replay a public bulletin board, or watch it during the vote."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from rich.markup import escape

from ..console import emit_json, out, progress, text
from ..console import say as console_say
from ..errors import UsageError
from ..i18n import Message, msg
from .account import StepStatus, Verification

STATUS_MARK: dict[StepStatus, tuple[Message, str]] = {
    StepStatus.PASS: (msg("board.cli.status.pass"), "green"),
    StepStatus.FAIL: (msg("board.cli.status.fail"), "red bold"),
    StepStatus.NOT_VERIFIABLE: (msg("board.cli.status.not_verifiable"), "yellow"),
    StepStatus.NOT_APPLICABLE: (msg("board.cli.status.not_applicable"), "dim"),
}
VERDICTS = {"invalid": (msg("board.cli.verdict.invalid"), "red bold"),
            "valid": (msg("board.cli.verdict.valid"), "green bold"),
            "no-failure": (msg("board.cli.verdict.no_failure"), "green bold")}


def parse_time(value: str | None, option: str) -> datetime | None:
    from .clock import parse_moment

    return None if value is None else parse_moment(value, option)


@click.group(name="board")
def command() -> None:
    """Replay a public bulletin board with our own implementation of its specification.

    \b
    The vendor's code is never used: every proof, the tally, the shuffles, the partial
    decryptions and the result are recomputed from the published records. Also checks what
    belenios-tool 2.0 does not: replayed ballots, the published encrypted tally, the
    credential authority's fingerprint, and that the board extends earlier snapshots.
    """


@command.command(name="verify")
@click.argument("record", type=click.Path(path_type=Path))
@click.option("--format", "board_format", type=click.Choice(["auto", "belenios"]), default="auto", show_default=True,
              help="Board format (auto: recognised from the file).")
@click.option("--workers", type=int, default=0, show_default=True,
              help="Processes verifying ballots in parallel (0: one per CPU; 1: no pool).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the per-ballot work on a Dask distributed cluster (e.g. tcp://10.0.0.5:8786).")
@click.option("--snapshot", "snapshots", multiple=True, type=click.Path(path_type=Path), metavar="EARLIER.bel",
              help="An earlier copy of the board (repeatable); RECORD must extend it byte for byte, which "
                   "catches ballots removed or reordered since.")
@click.option("--credentials-fingerprint", metavar="FP", default=None,
              help="The public-credential fingerprint published by the credential authority (base64 SHA-256 "
                   "as belenios-tool prints it, or 64 hexadecimal digits); catches stuffed credentials.")
@click.option("--electorate", type=click.IntRange(min=1), default=None, metavar="N",
              help="Number of registered voters (= credentials expected).")
@click.option("--opens", metavar="T", default=None, help="Opening time of the vote (ISO 8601 with offset).")
@click.option("--closes", metavar="T", default=None, help="Closing time of the vote (ISO 8601 with offset).")
@click.option("--json", "json_out", metavar="OUT", type=click.Path(path_type=Path), default=None,
              help="Write the step report and the verified result as JSON to OUT ('-' for stdout).")
@click.option("--quiet", is_flag=True, help="Print only the verdict line.")
@click.option("--no-batch", "no_batch", is_flag=True,
              help="Test the group membership of ballots and credentials one element at a time instead of in "
                   "batches (slower; the same verdicts).")
def verify_command(record: Path, board_format: str, workers: int, scheduler: str | None, snapshots: tuple[Path, ...],
                   credentials_fingerprint: str | None, electorate: int | None, opens: str | None,
                   closes: str | None, json_out: Path | None, quiet: bool, no_batch: bool) -> None:
    """Verify the board RECORD (a Belenios <uuid>.bel), step by step.

    \b
    Steps: archive and hash chain; election fingerprint; group; trustee keys (proofs,
    Pedersen certificates, combined key); public credentials (and the authority's
    fingerprint); every ballot (form, election, credential, weight, signature, proofs);
    revotes; replayed ballots; encrypted tally recomputed and compared with the published
    one; shuffles; partial decryptions (threshold, Lagrange); result; extension of earlier
    snapshots; group membership of every element; timing.

    \b
    Exit status: 0 when no step failed (steps may be "not verifiable", e.g. before the
    tally), 1 when a step failed, 2 on a usage error or an unreadable path.
    """
    from .parallel import make_runner

    from .clock import now as clock_now
    from .verify import VerifyOptions, check_inputs, verify_board

    opens_at = parse_time(opens, "--opens")
    closes_at = parse_time(closes, "--closes")
    if opens_at and closes_at and closes_at <= opens_at:
        raise UsageError(msg("board.cli.closes_before_opens"))
    moment, simulated = clock_now()
    options = VerifyOptions(format=board_format, snapshots=snapshots, credentials_fingerprint=credentials_fingerprint,
                            electorate=electorate, opens=opens_at, closes=closes_at, now=moment,
                            clock_simulated=simulated, workers=workers, scheduler=scheduler, batch=not no_batch)
    check_inputs(record, options)  # refused now, not after a long replay
    if json_out is not None and str(json_out) != "-":
        if json_out.is_dir():
            raise UsageError(msg("board.cli.json_is_folder"), path=str(json_out), field="--json")
        if not (json_out.parent if str(json_out.parent) else Path(".")).is_dir():
            raise UsageError(msg("board.cli.json_no_folder"), path=str(json_out), field="--json")
    options.runner = make_runner(workers, scheduler)  # before any progress-bar thread
    try:
        with progress(text(msg("board.cli.progress.verify")), None, enabled=not quiet) as bar:
            def advance(done: int, total: int | None) -> None:
                bar.update(completed=done)

            options.progress = advance
            verification = verify_board(record, options)
    finally:
        options.runner.close()
    if json_out is not None:
        data = verification.to_dict()
        if str(json_out) == "-":
            emit_json(data)
        else:
            try:
                json_out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            except OSError as exc:
                raise UsageError(msg("board.common.cannot_write", error=str(exc.strerror)),
                                 path=str(json_out)) from None
    if not (json_out is not None and str(json_out) == "-"):
        print_report(verification, quiet=quiet)
    sys.exit(1 if verification.failed else 0)


def _line(message: Message, style: str = "", indent: str = "") -> None:
    shown = escape(text(message))
    out.print(indent + (f"[{style}]{shown}[/]" if style else shown), highlight=False, soft_wrap=True)


def print_report(verification: Verification, quiet: bool = False) -> None:
    """The step accounts on the console, in its language (``--lang``)."""
    election = verification.election
    if not quiet:
        if election:
            out.print(f"[bold]{escape(str(election.get('name', '')))}[/] — " + escape(text(msg(
                "board.cli.election", uuid=str(election.get("uuid", "?")), group=str(election.get("group", "?")),
                fingerprint=str(election.get("fingerprint", "?"))))))
        for step in verification.steps.values():
            label, style = STATUS_MARK[step.status]
            out.print(f"[{style}]{escape(text(label)):<15}[/] {escape(text(step.title))}")
            if step.summary is not None:
                _line(step.summary, indent="        ")
            for finding in step.failures[:5]:
                out.print("        [red]✗[/] " + escape(text(finding.as_message())))
            if step.failures_total > 5:
                _line(msg("board.cli.more_findings", count=step.failures_total - 5), indent="        ")
            for note in step.notes[:3]:
                out.print("        [dim]" + escape(text(msg("board.cli.note_label"))) + "[/] " + escape(text(note)))
        if verification.result is not None and election.get("questions"):
            _line(msg("board.cli.verified_result"), style="bold")
            for question, counts in zip(election["questions"], verification.result["result"]):
                out.print(f"  {escape(question['question'])}")
                if question["type"] == "homomorphic":
                    blank = [text(msg("board.cli.blank"))] if question.get("blank") else []
                    for label, count in zip(blank + question["answers"], counts):
                        out.print(f"    {count!s:>8}  {escape(label)}")
                elif question["type"] == "lists":
                    names, start = question["answers"], 0
                    for size, row in zip(question["lists"], counts):
                        for offset, count in enumerate(row):
                            indent = "" if offset == 0 else "  "
                            out.print(f"    {count!s:>8}  {indent}{escape(names[start + offset])}")
                        start += size
                else:
                    _line(msg("board.cli.raw_ballots", count=len(counts)), indent="    ")
        stats = verification.stats
        if stats:
            runner = Message.from_dict(stats["runner"]) if isinstance(stats.get("runner"), dict) else ""
            _line(msg("board.cli.stats", count=stats.get("ballots", 0), seconds=float(stats.get("seconds") or 0),
                      rate=float(stats.get("ballots_per_second") or 0), runner=runner), style="dim")
    counts = {status: sum(1 for s in verification.steps.values() if s.status is status) for status in StepStatus}
    verdict, style = VERDICTS[verification.verdict]
    out.print(f"[{style}]{escape(text(verdict))}[/]" + escape(text(msg(
        "board.cli.verdict_counts", passed=counts[StepStatus.PASS], failed=counts[StepStatus.FAIL],
        unverifiable=counts[StepStatus.NOT_VERIFIABLE], inapplicable=counts[StepStatus.NOT_APPLICABLE]))))


@command.command(name="watch")
@click.argument("source")
@click.option("--every", type=float, required=True, metavar="SECONDS", help="Interval between two copies of the board.")
@click.option("--case", "case_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The case folder: copies and verdicts go into its journal; URLs must be in its [scope].")
@click.option("--until", metavar="T", default=None,
              help="Stop at this time (ISO 8601 with offset); default: when the board holds its Result, or Ctrl-C.")
@click.option("--workers", type=int, default=0, show_default=True, help="Processes verifying the new ballots.")
@click.option("--snapshots", "max_snapshots", type=int, default=None, help="Stop after this many copies.")
@click.option("--box", "box_id", metavar="ID", default=None,
              help="The ballot box ([[box]] id) whose board this is; required when the case declares several.")
def watch_command(source: str, every: float, case_dir: Path, until: str | None, workers: int,
                  max_snapshots: int | None, box_id: str | None) -> None:
    """Watch the board SOURCE (a path or an http(s) URL) during the vote.

    \b
    Every SECONDS the board is copied and kept as evidence in the case's journal (the first
    copy whole, then what was appended), checked to extend the previous copy byte for byte
    (nothing removed, altered or reordered), and the records appended since are verified.
    Ballots before the opening or a count begun before the closing ([election] of the case)
    are failures too. A failure is journaled at once (BOARD-017) and printed; the watch goes
    on. Exit status: 0 when no failure was seen, 1 otherwise, 2 on a usage error.
    """
    from ..case import load_case, one_box
    from .parallel import make_runner
    from .watch import BoardWatch

    if every <= 0:
        raise UsageError(msg("board.cli.every"), field="--every")
    until_at = parse_time(until, "--until")
    case = one_box(load_case(case_dir), box_id)
    runner = make_runner(workers, None)

    def say(message: Message, bad: bool) -> None:
        console_say(message, style="red bold" if bad else "", to=None if bad else out)

    watcher = None
    try:
        watcher = BoardWatch(case, source, every, runner, list(sys.argv), say)
        state = watcher.run(every, until_at, max_snapshots)
    finally:
        if watcher is not None:
            watcher.close()
        runner.close()
    _line(msg("board.cli.watch_summary", snapshots=state.snapshots, started=state.started or "-",
              last=state.last or "-", ballots=state.ballots, count=len(state.failures)))
    sys.exit(1 if state.failures else 0)
