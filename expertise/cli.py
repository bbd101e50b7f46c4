"""Command line: thin — parse, call one function, print. Errors become messages, not tracebacks."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from . import __version__
from . import catalogue as catalogue_mod
from . import journal
from .domains import all_domains, collecting_domains
from .console import emit_json, language, out, say, set_language, text
from .errors import ExpertiseError, UsageError
from .i18n import LANGUAGES, msg
from .report import labels

if TYPE_CHECKING:
    from .audit import CollectorState

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="expertise")
@click.option("--operator", envvar="EXPERTISE_OPERATOR", default=None,
              help="Who runs the command, recorded in the journal (default: user@host; env EXPERTISE_OPERATOR).")
@click.option("--debug", is_flag=True, envvar="EXPERTISE_DEBUG", help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, operator: str | None, debug: bool) -> None:
    """Independent expertise of internet voting (CNIL recommendation, délibération n° 2019-053).

    \b
    A case folder holds case.toml (the election, the expert, the risk grid, the scope, the
    expert's judgments), the evidence collected, and journal.jsonl, the hash-chained journal
    of every operation. Typical use:
      expertise init my-case          write a commented case.toml to fill in
      expertise risk my-case          score the CNIL risk grid
      expertise audit my-case         run every collector the case declares, assess, report
      expertise demo                  everything on the bundled demo case
    """
    if operator:
        os.environ["EXPERTISE_OPERATOR"] = operator
    ctx.obj = {"debug": debug}


CASE_DIR = click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))


@cli.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing case.toml.")
def init(case_dir: Path, force: bool) -> None:
    """Create a case folder with a commented case.toml template."""
    from importlib.resources import files

    target = case_dir / journal.CASE_FILE
    if target.exists() and not force:
        raise UsageError(msg("cli.init.exists"), path=str(target))
    case_dir.mkdir(parents=True, exist_ok=True)
    (case_dir / journal.EVIDENCE_DIR).mkdir(exist_ok=True)
    template = files("expertise").joinpath("templates/case.toml").read_text(encoding="utf-8")
    target.write_text(template, encoding="utf-8")
    with journal.operation(case_dir, "init", sys.argv) as op:
        op.add_input(target, label="case template")
    say(msg("cli.init.written", path=str(target), folder=str(case_dir)))


@cli.command()
@CASE_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the score as JSON.")
def risk(case_dir: Path, as_json: bool) -> None:
    """Score the CNIL risk grid and compare with the chosen level.

    Prints each statement, the answer and the point it scores, the total and the computed
    level (0-2: level 1, 3-6: level 2, 7-10: level 3). Exit 1 when the chosen level is below
    the computed one (in doubt, the higher level should be preferred) or the grid is incomplete.
    """
    from .case import load_case
    from .risk import score

    case = load_case(case_dir)
    grid = catalogue_mod.load().grid
    result = score(grid, case.data.risk.answers)
    chosen = case.level
    below = result.computed_level is not None and chosen < result.computed_level
    data = {
        "grid": grid.id, "score": result.score, "computed_level": result.computed_level, "chosen_level": chosen,
        "missing": result.missing, "chosen_below_computed": below,
        "answers": [{"id": a.statement.id, "text_fr": a.statement.text_fr, "answer": a.value,
                     "scores_when": a.statement.risk_when, "points": a.points} for a in result.answers]}
    with journal.operation(case.root, "risk", sys.argv) as op:
        op.add_input(case.file, label="case")
        op.store_json("risk.json", data, label="risk score")
    if as_json:
        emit_json(data)
    else:
        english = language() == "en"
        table = Table(title=grid.title_en if english and grid.title_en else grid.title_fr, show_lines=False)
        table.add_column("#")
        table.add_column(text(msg("report.field.statement")))
        table.add_column(text(msg("report.field.answer")))
        table.add_column(text(msg("report.field.points")), justify="right")
        for answer in result.answers:
            value = "—" if answer.value is None else text(msg("report.answer.true") if answer.value
                                                          else msg("report.answer.false"))
            statement = answer.statement.text_en if english and answer.statement.text_en else answer.statement.text_fr
            table.add_row(answer.statement.id, statement, value, str(answer.points))
        out.print(table)
        computed = result.computed_level if result.computed_level is not None else msg("cli.risk.incomplete")
        say(msg("cli.risk.score", score=result.score, computed=computed, chosen=chosen), to=out)
        if result.missing:
            say(msg("cli.risk.unanswered", ids=", ".join(result.missing), level=result.max_level_if_unanswered_score),
                style="yellow", label=msg("cli.warning"))
        if below:
            say(msg("cli.risk.below", chosen=chosen, computed=result.computed_level),
                style="yellow", label=msg("cli.warning"))
    sys.exit(1 if below or result.missing else 0)


@cli.group(name="journal")
def journal_group() -> None:
    """The hash-chained journal of operations."""


@journal_group.command(name="verify")
@CASE_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the verification as JSON.")
def journal_verify(case_dir: Path, as_json: bool) -> None:
    """Check the journal: chain, entry hashes, evidence files.

    Exit 0 when intact; 1 naming the first bad entry on any edit, removal or reorder, or when
    an evidence file was modified or removed; 2 when the folder is not a case.
    """
    report = journal.verify(case_dir)
    if as_json:
        emit_json({"intact": report.intact, "entries": report.entries, "head": report.head,
                   "problems": [p.to_dict(language()) for p in report.problems]})
    elif report.intact:
        say(msg("cli.journal.intact", count=report.entries, head=report.head), to=out)
    else:
        for problem in report.problems:
            say(problem.message, style="red", label=msg("journal.file_at", where=problem.where))
    sys.exit(0 if report.intact else 1)


@journal_group.command(name="show")
@CASE_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def journal_show(case_dir: Path, as_json: bool) -> None:
    """List the journal's entries."""
    journal.require_case(case_dir)
    entries = journal.read_entries(case_dir)
    if as_json:
        emit_json(entries)
        return
    for entry in entries:
        outputs = text(msg("cli.journal.outputs", count=len(entry.get("outputs", []))))
        out.print(f"{entry['seq']:>4}  {entry['time']}  {entry['action']:<10} {entry['status']:<9} "
                  f"{outputs}  {entry['hash'][:16]}", markup=False, highlight=False)


@cli.command()
@CASE_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
def assess(case_dir: Path, as_json: bool) -> None:
    """Assess each applicable objective from the journaled results and the expert's judgments.

    Objectives are cumulative by level (level 2 = level 1 + level 2 objectives). Each is
    met, partially met, not met or not assessed; nothing is met without evidence. The
    assessment is stored as evidence and journaled; warns when a collector case.toml
    declares has not run yet (`expertise audit` runs them). Exit 1 when an objective is not met.
    """
    from .assess import Conclusion, assess as run_assess, journal_assessment
    from .audit import uncollected
    from .case import load_case

    case = load_case(case_dir)
    _warn_uncollected(uncollected(case.root), case.file, case_dir)
    assessment = run_assess(case)
    journal_assessment(case.root, assessment)
    if as_json:
        emit_json(assessment.to_dict(language()))
    else:
        table = Table(title=text(msg("cli.assess.title", level=case.level, count=len(assessment.objectives))))
        for column in (msg("report.field.objective"), msg("report.field.conclusion"), msg("cli.assess.basis"),
                       msg("cli.assess.checks")):
            table.add_column(text(column))
        for row in assessment.objectives:
            counts = row.verdict.counts
            table.add_row(row.objective.id, text(labels.CONCLUSION[row.verdict.conclusion.value]),
                          text(labels.BASIS[row.verdict.basis.value]),
                          f"{counts['pass']}/{counts['fail']}/{counts['error']}")
        out.print(table)
    failing = any(r.verdict.conclusion is Conclusion.NOT_MET for r in assessment.objectives)
    sys.exit(1 if failing else 0)


def _warn_uncollected(missing: list[str], case_file: Path, shown: Path) -> None:
    if missing:
        sections = ", ".join(f"[{name}]" for name in missing)
        say(msg("cli.uncollected", file=str(case_file), sections=sections, folder=str(shown), count=len(missing)),
            style="yellow", label=msg("cli.warning"))


@cli.command()
@CASE_DIR
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the report and of the messages (default: the case's for the report, French "
                   "unless set; the environment's for the messages).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write report.html, report.pdf and results.json (default: CASE_DIR/report).")
@click.option("--no-pdf", is_flag=True, help="Write the HTML and results.json only.")
@click.option("--json", "as_json", is_flag=True, help="Print the files written as JSON.")
def report(case_dir: Path, lang: str | None, out_dir: Path | None, no_pdf: bool, as_json: bool) -> None:
    """Write the expert report: report.html, report.pdf (PDF/A-3b) and results.json.

    \b
    The report rests on what the journal holds: run `expertise audit` first (it collects,
    then writes this report). Exit 0: written. 2: not a case, invalid case.toml, or none
    of the collectors case.toml declares ([seal], [probe], [board], [registers]) has run yet.
    """
    from .audit import uncollected
    from .case import load_case
    from .report.build import build_report

    case = load_case(case_dir)
    missing = uncollected(case.root)
    declared = [c.name for c in collecting_domains() if c.is_declared(case)]
    if declared and set(missing) == set(declared):
        sections = ", ".join(f"[{name}]" for name in missing)
        raise UsageError(msg("cli.report.nothing_collected", sections=sections, folder=str(case_dir)),
                         path=str(case.file))
    _warn_uncollected(missing, case.file, case_dir)
    written = build_report(case_dir, lang=lang, out_dir=out_dir, pdf=not no_pdf)
    _print_written(written, as_json)


def _print_written(written: dict[str, Path], as_json: bool, collectors: dict[str, "CollectorState"] | None = None) -> None:
    if as_json:
        from .audit import collectors_json

        data: dict[str, object] = {"files": {kind: str(path) for kind, path in written.items()}}
        if collectors is not None:
            data.update(collectors_json(collectors, language()))
        emit_json(data)
        return
    for path in written.values():
        out.print(str(path), markup=False, highlight=False, soft_wrap=True)


@cli.command()
@CASE_DIR
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the report and of the messages (default: the case's for the report, French "
                   "unless set; the environment's for the messages).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the report (default: CASE_DIR/report).")
@click.option("--no-pdf", is_flag=True, help="Write the HTML and results.json only.")
@click.option("--json", "as_json", is_flag=True,
              help="Print each collector's outcome (done, skipped, failed: why) and the files written as JSON.")
def audit(case_dir: Path, lang: str | None, out_dir: Path | None, no_pdf: bool, as_json: bool) -> None:
    """Run every collector the case declares (seal, probe, board…), then assess and report.

    \b
    A collector that cannot run (a missing file, an unreachable host…) is named and the
    others still run; the report is written and says which evidence is missing.
    Exit 0: every declared collector ran (findings are in the report). 2: not a case,
    invalid case.toml, or a collector could not run (each is named).
    """
    from .audit import failed_collectors, run_audit

    outcome, written = run_audit(case_dir, lang=lang, out_dir=out_dir, pdf=not no_pdf)
    _print_written(written, as_json, outcome)
    failed = failed_collectors(outcome)
    if failed:
        failures = [msg("audit.failure", name=name, state=state.message) for name, state in failed.items()]
        say(msg("cli.audit.incomplete", failures=failures), style="red", label=msg("cli.error"))
        sys.exit(2)


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-out"),
              show_default=True, help="Where to write the demo case and its report.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the report and of the messages (default: the report in French, the messages "
                   "in the environment's language).")
@click.option("--force", is_flag=True, help="Replace an existing demo folder.")
def demo(out_dir: Path, lang: str | None, force: bool) -> None:
    """Run everything on the bundled demo case (a fictitious level-2 professional election)."""
    from .demo import run_demo

    written = run_demo(out_dir, lang=lang or "fr", force=force)
    say(msg("cli.demo.written"), to=out)
    for label, path in written.items():
        out.print(f"  {label:<8} {path}", markup=False, highlight=False)


@cli.command(name="checks")
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
def checks_command(as_json: bool) -> None:
    """List the check catalogue: id, severity, objectives supported, title."""
    cat = catalogue_mod.load()
    rows = sorted(cat.checks.values(), key=lambda m: m.id)
    if as_json:
        citing = {c: [r.id for f in cat.frameworks.values() for r in f.requirements if c in r.checks]
                  for c in cat.checks}  # req-matrix: the requirements each check supports
        emit_json([{"id": m.id, "severity": m.severity.value, "objectives": list(m.objectives),
                    "guarantees": list(m.guarantees), "elements": list(m.elements),
                    "requirements": citing[m.id],
                    "title_fr": m.title_fr, "title_en": m.title_en} for m in rows])
        return
    lang = language()
    for meta in rows:
        out.print(f"{meta.id:<12} {meta.severity.value:<8} {','.join(meta.objectives) or '-':<22} {meta.title(lang)}",
                  markup=False, highlight=False)


# --- req-matrix ---
@cli.command(name="requirements")
@click.option("--framework", "framework_id", default=None, metavar="ID",
              help="One framework (default: every framework of checks/frameworks/).")
@click.option("--json", "as_json", is_flag=True, help="Print the requirements as JSON.")
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Print the traceability matrix as Markdown (docs/requirements-matrix.md).")
def requirements_command(framework_id: str | None, as_json: bool, as_markdown: bool) -> None:
    """List the frameworks' requirements: id, levels, checks, question, source sentence."""
    from .requirements import catalogue_rows, markdown

    frameworks = catalogue_mod.load().frameworks
    if framework_id is not None and framework_id not in frameworks:
        raise UsageError(msg("core.catalogue.unknown_framework", id=framework_id, known=", ".join(sorted(frameworks))),
                         field="--framework")
    chosen = [frameworks[framework_id]] if framework_id else list(frameworks.values())
    if as_json:
        emit_json([{"id": f.id, "version": f.version, "title_fr": f.title_fr, "title_en": f.title_en,
                    "requirements": catalogue_rows(f)} for f in chosen])
        return
    if as_markdown:
        out.print(markdown(chosen, language()), markup=False, highlight=False, soft_wrap=True)
        return
    for framework in chosen:
        out.print(f"{framework.id} ({framework.version})", markup=False, highlight=False)
        for row in catalogue_rows(framework):
            coverage = ",".join(row["checks"]) + (" ?" if row["question"] else "")
            out.print(f"  {row['id']:<36} {','.join(map(str, row['levels'])):<6} {coverage.strip():<28} "
                      f"« {row['text_fr'][:60]}… »", markup=False, highlight=False)
# --- end req-matrix ---


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        set_language(value)
    return value


def _language_option(command: click.Command) -> None:
    """``--lang fr|en`` on every command, for the console (and the report, where the command
    writes one): the same facts in either language. A command with its own ``--lang`` (the
    report's language) sets the console's through the same callback."""
    own = next((p for p in command.params if p.name == "lang"), None)
    if own is None:
        command.params.append(click.Option(
            ["--lang"], type=click.Choice(list(LANGUAGES)), expose_value=False, is_eager=True,
            callback=_set_language,
            help="Language of the messages (default: the environment's locale, French for fr_*)."))
    elif own.callback is None:
        own.callback = _set_language
    for sub in getattr(command, "commands", {}).values():
        _language_option(sub)


def _register_domains() -> None:
    from .archive_cli import command as archive_command

    for domain in all_domains():
        if domain.command is not None:
            cli.add_command(domain.command)
    cli.add_command(archive_command)
    _language_option(cli)


_register_domains()


def main(argv: list[str] | None = None) -> None:
    """Entry point: turn every error into a message and an exit code."""
    debug = os.environ.get("EXPERTISE_DEBUG") == "1" or "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="expertise", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        say(msg("cli.aborted"))
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code == 2 else exc.exit_code)
    except ExpertiseError as exc:
        say(exc.describe(), style="red", label=msg("cli.error"))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        say(msg("cli.interrupted"))
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # an internal defect: one clear line, traceback on request
        if debug:
            traceback.print_exc()
        say(msg("cli.internal_error.detail", error=type(exc).__name__, detail=str(exc)), style="red",
            label=msg("cli.internal_error"))
        sys.exit(3)


if __name__ == "__main__":
    main()
