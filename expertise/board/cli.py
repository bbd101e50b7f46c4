"""`expertise board`: replay a public bulletin board, or watch it during the vote."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from ..console import err, out, progress
from ..errors import UsageError
from .report import StepStatus, VerificationReport

STATUS_MARK = {
    StepStatus.PASS: ("pass", "green"),
    StepStatus.FAIL: ("FAIL", "red bold"),
    StepStatus.NOT_VERIFIABLE: ("not verifiable", "yellow"),
    StepStatus.NOT_APPLICABLE: ("not applicable", "dim"),
}


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
def verify_command(record: Path, board_format: str, workers: int, scheduler: str | None, snapshots: tuple[Path, ...],
                   credentials_fingerprint: str | None, electorate: int | None, opens: str | None,
                   closes: str | None, json_out: Path | None, quiet: bool) -> None:
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
    from .verify import VerifyOptions, detect_format, verify_board

    opens_at = parse_time(opens, "--opens")
    closes_at = parse_time(closes, "--closes")
    if opens_at and closes_at and closes_at <= opens_at:
        raise UsageError("--closes must be after --opens")
    if not record.exists():
        raise UsageError("no such file", path=str(record))
    if json_out is not None and str(json_out) != "-":  # refused now, not after a long replay
        if json_out.is_dir():
            raise UsageError("is a folder; give the file to write the JSON report to", path=str(json_out),
                             field="--json")
        if not (json_out.parent if str(json_out.parent) else Path(".")).is_dir():
            raise UsageError("cannot write: its folder does not exist", path=str(json_out), field="--json")
    if board_format == "auto":
        detect_format(record)
    from .clock import now as clock_now

    moment, simulated = clock_now()
    runner = make_runner(workers, scheduler)
    try:
        with progress("verifying ballots", None, enabled=not quiet) as bar:
            def advance(done: int, total: int | None) -> None:
                bar.update(completed=done)

            report = verify_board(record, VerifyOptions(
                format=board_format, snapshots=snapshots, credentials_fingerprint=credentials_fingerprint,
                electorate=electorate, opens=opens_at, closes=closes_at, now=moment, clock_simulated=simulated,
                progress=advance, runner=runner))
    finally:
        runner.close()
    if json_out is not None:
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
        if str(json_out) == "-":
            sys.stdout.write(text)
        else:
            try:
                json_out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"cannot write: {exc.strerror}", path=str(json_out)) from None
    if not (json_out is not None and str(json_out) == "-"):
        print_report(report, quiet=quiet)
    sys.exit(1 if report.failed else 0)


def print_report(report: VerificationReport, quiet: bool = False) -> None:
    from rich.markup import escape

    election = report.election
    if not quiet:
        if election:
            out.print(f"[bold]{escape(str(election.get('name', '')))}[/] — uuid {escape(str(election.get('uuid', '?')))}, "
                      f"{escape(str(election.get('group', '?')))}, fingerprint {escape(str(election.get('fingerprint', '?')))}")
        for step in report.steps.values():
            label, style = STATUS_MARK[step.status]
            out.print(f"[{style}]{label:<15}[/] {step.title}")
            if step.summary:
                out.print(f"        {escape(step.summary)}")
            for finding in step.failures[:5]:
                out.print(f"        [red]✗[/] {escape(finding.record)}: {escape(finding.field)}: {escape(finding.message)}")
            if step.failures_total > 5:
                out.print(f"        … {step.failures_total - 5} more (see --json)")
            for note in step.notes[:3]:
                out.print(f"        [dim]note:[/] {escape(note)}")
        if report.result is not None and election.get("questions"):
            out.print("[bold]verified result[/]")
            for question, counts in zip(election["questions"], report.result["result"]):
                out.print(f"  {escape(question['question'])}")
                if question["type"] == "homomorphic":
                    labels = (["(blank)"] if question.get("blank") else []) + question["answers"]
                    for label, count in zip(labels, counts):
                        out.print(f"    {count!s:>8}  {escape(label)}")
                elif question["type"] == "lists":
                    names, start = question["answers"], 0
                    for size, row in zip(question["lists"], counts):
                        for offset, count in enumerate(row):
                            indent = "" if offset == 0 else "  "
                            out.print(f"    {count!s:>8}  {indent}{escape(names[start + offset])}")
                        start += size
                else:
                    out.print(f"    {len(counts)} ballots (raw, in shuffled order; see --json)")
        stats = report.stats
        if stats:
            out.print(f"[dim]{stats.get('ballots', 0)} ballots in {stats.get('seconds')} s "
                      f"({stats.get('ballots_per_second')} ballots/s, {stats.get('runner')})[/]")
    counts = {status: sum(1 for s in report.steps.values() if s.status is status) for status in StepStatus}
    verdict = {"invalid": "[red bold]INVALID[/]", "valid": "[green bold]VALID[/]",
               "no-failure": "[green bold]NO FAILURE[/]"}[report.verdict]
    out.print(f"{verdict}: {counts[StepStatus.PASS]} step(s) passed, {counts[StepStatus.FAIL]} failed, "
              f"{counts[StepStatus.NOT_VERIFIABLE]} not verifiable, {counts[StepStatus.NOT_APPLICABLE]} not applicable")


@command.command(name="watch")
@click.argument("source")
@click.option("--every", type=float, required=True, metavar="SECONDS", help="Interval between two copies of the board.")
@click.option("--case", "case_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The case folder: copies and verdicts go into its journal; URLs must be in its [scope].")
@click.option("--until", metavar="T", default=None,
              help="Stop at this time (ISO 8601 with offset); default: when the board holds its Result, or Ctrl-C.")
@click.option("--workers", type=int, default=0, show_default=True, help="Processes verifying the new ballots.")
@click.option("--snapshots", "max_snapshots", type=int, default=None, help="Stop after this many copies.")
def watch_command(source: str, every: float, case_dir: Path, until: str | None, workers: int,
                  max_snapshots: int | None) -> None:
    """Watch the board SOURCE (a path or an http(s) URL) during the vote.

    \b
    Every SECONDS the board is copied and kept as evidence in the case's journal (the first
    copy whole, then what was appended), checked to extend the previous copy byte for byte
    (nothing removed, altered or reordered), and the records appended since are verified.
    Ballots before the opening or a count begun before the closing ([election] of the case)
    are failures too. A failure is journaled at once (BOARD-017) and printed; the watch goes
    on. Exit status: 0 when no failure was seen, 1 otherwise, 2 on a usage error.
    """
    from ..case import load_case
    from .parallel import make_runner
    from .watch import BoardWatch

    if every <= 0:
        raise UsageError("must be a positive number of seconds", field="--every")
    until_at = parse_time(until, "--until")
    case = load_case(case_dir)
    runner = make_runner(workers, None)

    def say(message: str, bad: bool) -> None:
        from rich.markup import escape

        (err if bad else out).print(f"[red bold]{escape(message)}[/]" if bad else escape(message))

    watcher = None
    try:
        watcher = BoardWatch(case, source, every, runner, list(sys.argv), say)
        state = watcher.run(every, until_at, max_snapshots)
    finally:
        if watcher is not None:
            watcher.close()
        runner.close()
    out.print(f"{state.snapshots} copies from {state.started or '-'} to {state.last or '-'}, {state.ballots} ballot(s), "
              f"{len(state.failures)} failure(s)")
    sys.exit(1 if state.failures else 0)
