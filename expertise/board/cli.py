"""`expertise board`: replay a public bulletin board, or watch it during the vote."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from rich.markup import escape

from ..clihelp import HelpGroup
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


@click.group(name="board", cls=HelpGroup)
def command() -> None:
    pass


@command.command(name="verify")
@click.argument("record", type=click.Path(path_type=Path))
@click.option("--format", "board_format", type=click.Choice(["auto", "belenios"]), default="auto", show_default=True)
@click.option("--workers", type=int, default=0, show_default=True)
@click.option("--scheduler", metavar="ADDRESS", default=None)
@click.option("--snapshot", "snapshots", multiple=True, type=click.Path(path_type=Path), metavar="EARLIER.bel")
@click.option("--credentials-fingerprint", metavar="FP", default=None)
@click.option("--electorate", type=click.IntRange(min=1), default=None, metavar="N")
@click.option("--opens", metavar="T", default=None)
@click.option("--closes", metavar="T", default=None)
@click.option("--json", "json_out", metavar="OUT", type=click.Path(path_type=Path), default=None)
@click.option("--quiet", is_flag=True)
@click.option("--no-batch", "no_batch", is_flag=True)
def verify_command(record: Path, board_format: str, workers: int, scheduler: str | None, snapshots: tuple[Path, ...],
                   credentials_fingerprint: str | None, electorate: int | None, opens: str | None,
                   closes: str | None, json_out: Path | None, quiet: bool, no_batch: bool) -> None:
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
@click.option("--every", type=float, required=True, metavar="SECONDS")
@click.option("--case", "case_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--until", metavar="T", default=None)
@click.option("--workers", type=int, default=0, show_default=True)
@click.option("--snapshots", "max_snapshots", type=int, default=None)
@click.option("--box", "box_id", metavar="ID", default=None)
def watch_command(source: str, every: float, case_dir: Path, until: str | None, workers: int,
                  max_snapshots: int | None, box_id: str | None) -> None:
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
