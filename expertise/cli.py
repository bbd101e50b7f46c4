"""Command line: thin — parse, call one function, print. Errors become messages, not tracebacks."""

from __future__ import annotations

import errno
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
from .clihelp import HelpGroup
from .console import emit_json, language, out, say, set_language, text
from .errors import ExpertiseError, UsageError
from .i18n import LANGUAGES, Message, msg
from .report import labels

if TYPE_CHECKING:
    from .audit import CollectorState
    from .case import Case

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=HelpGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="expertise")
@click.option("--operator", envvar="EXPERTISE_OPERATOR", default=None)
@click.option("--debug", is_flag=True, envvar="EXPERTISE_DEBUG")
@click.pass_context
def cli(ctx: click.Context, operator: str | None, debug: bool) -> None:
    if operator:
        os.environ["EXPERTISE_OPERATOR"] = operator
    ctx.obj = {"debug": debug}


CASE_DIR = click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))


REPORT_KIND = click.option(
    "--kind", type=click.Choice(["pre-vote", "final", "supplementary"]), default=None)
DOCX = click.option("--docx", is_flag=True)
ACCEPT_CHANGED = click.option(
    "--accept-changed", is_flag=True)


@cli.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True)
def init(case_dir: Path, force: bool) -> None:
    from importlib.resources import files

    target = case_dir / journal.CASE_FILE
    if target.exists() and _init_beside(case_dir, target, force):
        return
    case_dir.mkdir(parents=True, exist_ok=True)
    (case_dir / journal.EVIDENCE_DIR).mkdir(exist_ok=True)
    template = files("expertise").joinpath("templates/case.toml").read_text(encoding="utf-8")
    target.write_text(template, encoding="utf-8")
    with journal.operation(case_dir, "init", sys.argv) as op:
        op.add_input(target, label="case template")
    say(msg("cli.init.written", path=str(target), folder=str(case_dir)))


@cli.command()
@CASE_DIR
@click.option("--json", "as_json", is_flag=True)
@click.option("--review", is_flag=True)
def risk(case_dir: Path, as_json: bool, review: bool) -> None:
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
    if _review_reason(case.root, review) is None:
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
    pass


@journal_group.command(name="verify")
@CASE_DIR
@click.option("--json", "as_json", is_flag=True)
def journal_verify(case_dir: Path, as_json: bool) -> None:
    report = journal.verify(case_dir)
    unaccepted = [change for change in report.stale_inputs if change.accepted_by is None]
    if as_json:
        emit_json({"intact": report.intact, "entries": report.entries, "head": report.head,
                   "problems": [p.to_dict(language()) for p in report.problems],
                   "inputs_unchanged": not unaccepted,
                   "changed_inputs": [c.to_dict(language()) for c in report.changed_inputs],
                   "outside_inputs": report.outside_inputs})
    else:
        _print_journal_state(report)
    sys.exit(0 if report.intact and not unaccepted else 1)


def _print_journal_state(report: journal.JournalReport) -> None:
    """The chain first, then each input of the case folder that changed since it was read."""
    if report.intact:
        say(msg("cli.journal.intact", count=report.entries, head=report.head), to=out)
    for problem in report.problems:
        say(problem.message, style="red", label=msg("journal.file_at", where=problem.where))
    for change in report.changed_inputs:
        if change.is_case_file:
            say(msg("cli.journal.case_edited", change=change.describe(),
                    copies=journal.CASE_COPIES), label=msg("cli.note"))
        elif not change.current:
            say(msg("cli.journal.superseded", change=change.describe()), label=msg("cli.note"))
        else:
            say(change.describe(), style="yellow" if change.accepted_by else "red",
                label=msg("cli.journal.input_label"))
    if report.outside_inputs:
        say(msg("cli.journal.outside_inputs", count=len(report.outside_inputs)), label=msg("cli.note"))


@journal_group.command(name="show")
@CASE_DIR
@click.option("--json", "as_json", is_flag=True)
def journal_show(case_dir: Path, as_json: bool) -> None:
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
@click.option("--json", "as_json", is_flag=True)
@click.option("--review", is_flag=True)
@ACCEPT_CHANGED
def assess(case_dir: Path, as_json: bool, review: bool, accept_changed: bool) -> None:
    from .assess import Conclusion, assess as run_assess, journal_assessment, warn_set_aside
    from .audit import uncollected
    from .case import load_case

    case = load_case(case_dir)
    _warn_uncollected(uncollected(case.root), case.file, case_dir)
    _warn_unanswered(case)
    reviewing = _review_reason(case.root, review) is not None
    _require_unchanged_inputs(case.root, accept_changed, journaled=not reviewing)
    assessment = run_assess(case)
    warn_set_aside(assessment)
    if not reviewing:
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


# --- nothing is declared on the expert's behalf ---
def _warn_unanswered(case: "Case") -> None:
    """``assess`` runs on a case whose declarations are unanswered, and says which."""
    from .case import unanswered_declarations

    missing = unanswered_declarations(case)
    if missing:
        say(msg("cli.assess.unanswered", count=len(missing), fields=list(missing)), style="yellow",
            label=msg("cli.warning"))


def _warn_recipients(case: "Case") -> None:
    """The report goes to the organiser and to the providers: say when the case names neither."""
    from .case import recipient_problems

    for problem in recipient_problems(case):
        say(problem, style="yellow", label=msg("cli.warning"))


def _warn_uncollected(missing: list[str], case_file: Path, shown: Path) -> None:
    if missing:
        sections = ", ".join(f"[{name}]" for name in missing)
        say(msg("cli.uncollected", file=str(case_file), sections=sections, folder=str(shown), count=len(missing)),
            style="yellow", label=msg("cli.warning"))


@cli.command()
@CASE_DIR
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--no-pdf", is_flag=True)
@DOCX
@click.option("--json", "as_json", is_flag=True)
@click.option("--review", is_flag=True)
@ACCEPT_CHANGED
@REPORT_KIND
@click.option("--sign-p12", "sign_p12", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--tsa-url", default=None)
def report(case_dir: Path, lang: str | None, out_dir: Path | None, no_pdf: bool, as_json: bool,
           review: bool, accept_changed: bool, kind: str | None, docx: bool = False,
           sign_p12: Path | None = None, tsa_url: str | None = None) -> None:
    from .audit import uncollected
    from .case import load_case, require_declarations
    from .report.build import build_report

    case = load_case(case_dir)
    require_declarations(case)  # exit 2 naming each unanswered declaration
    _warn_recipients(case)
    missing = uncollected(case.root)
    declared = [c.name for c in collecting_domains() if c.is_declared(case)]
    if declared and set(missing) == set(declared):
        sections = ", ".join(f"[{name}]" for name in missing)
        raise UsageError(msg("cli.report.nothing_collected", sections=sections, folder=str(case_dir)),
                         path=str(case.file))
    _warn_uncollected(missing, case.file, case_dir)
    reason = _review_reason(case.root, review, out_dir, writes_report=True)
    _require_unchanged_inputs(case.root, accept_changed, journaled=reason is None)
    signer = None
    if (sign_p12 or tsa_url) and reason is None and not no_pdf:  # the options override [report.signature]
        from .report.signature import signer_for_case

        signer = signer_for_case(case, pkcs12_path=sign_p12, tsa_url=tsa_url, lang=lang or case.data.language)
    written = build_report(case_dir, lang=lang, out_dir=out_dir, pdf=not no_pdf, review=reason, docx=docx,
                           kind=kind, signer=signer)
    _print_written(written, as_json)


def _require_unchanged_inputs(case_dir: Path, accept: bool, *, journaled: bool) -> None:
    """Refuse to rest on results whose inputs changed since collection, unless the expert accepts."""
    for change in journal.require_unchanged_inputs(case_dir, accept=accept, journaled=journaled, argv=sys.argv):
        say(change.describe(), style="yellow", label=msg("cli.journal.accepted_label"))


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
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--no-pdf", is_flag=True)
@DOCX
@REPORT_KIND
@click.option("--json", "as_json", is_flag=True)
def audit(case_dir: Path, lang: str | None, out_dir: Path | None, no_pdf: bool, docx: bool, kind: str | None,
          as_json: bool) -> None:
    from datetime import datetime, timezone

    from .audit import failed_collectors, run_audit
    from .case import load_case, require_declarations
    from .report import versions
    from .report.build import require_report_inputs
    from .report.docx import require_pandoc

    journal.require_writable(journal.require_case(case_dir))
    case = load_case(case_dir)
    require_declarations(case)  # before any collector runs
    require_report_inputs(case)  # the report's own inputs: refused now, not after collecting
    versions.plan(case, kind, datetime.now(timezone.utc))  # likewise a version the dates do not allow
    if docx:
        require_pandoc()
    _warn_recipients(case)
    outcome, written = run_audit(case_dir, lang=lang, out_dir=out_dir, pdf=not no_pdf, docx=docx, kind=kind)
    if not as_json:
        for name, state in outcome.items():
            say(state.summary(name), to=out)
        say(msg("cli.audit.report_at", folder=str(next(iter(written.values())).parent)), to=out)
    _print_written(written, as_json, outcome)
    failed = failed_collectors(outcome)
    if failed:
        failures = [msg("audit.failure", name=name, state=state.message) for name, state in failed.items()]
        say(msg("cli.audit.incomplete", failures=failures), style="red", label=msg("cli.error"))
        sys.exit(2)


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-out"),
              show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None)
@click.option("--force", is_flag=True)
def demo(out_dir: Path, lang: str | None, force: bool) -> None:
    from .demo import run_demo

    written = run_demo(out_dir, lang=lang or "fr", force=force)
    say(msg("cli.demo.written"), to=out)
    for label, path in written.items():
        out.print(f"  {label:<8} {path}", markup=False, highlight=False)


@cli.command(name="checks")
@click.option("--json", "as_json", is_flag=True)
def checks_command(as_json: bool) -> None:
    cat = catalogue_mod.load()
    rows = sorted(cat.checks.values(), key=lambda m: m.id)
    citing = {c: [r.id for f in cat.frameworks.values() for r in f.requirements if c in r.checks]
              for c in cat.checks}  # the requirements of the texts each check supports
    if as_json:
        emit_json([{"id": m.id, "severity": m.severity.value, "objectives": list(m.objectives),
                    "guarantees": list(m.guarantees), "elements": list(m.elements),
                    "requirements": citing[m.id],
                    "title_fr": m.title_fr, "title_en": m.title_en} for m in rows])
        return
    lang = language()
    for meta in rows:
        supports = f"  [{', '.join(citing[meta.id])}]" if citing[meta.id] else ""
        out.print(f"{meta.id:<12} {meta.severity.value:<8} {','.join(meta.objectives) or '-':<22} {meta.title(lang)}"
                  f"{supports}", markup=False, highlight=False)


# --- init beside an existing case, review mode, read-only cases ---

#: where `init` writes the template when the case already has a case.toml
INIT_BESIDE = "case.new.toml"


def _init_beside(case_dir: Path, target: Path, force: bool) -> bool:
    """With a case.toml already there: write the template beside it (``True``: done), or let
    ``--force`` replace it (``False``) unless a journal rests on it."""
    from importlib.resources import files

    journal_file = case_dir / journal.JOURNAL_NAME
    if force:
        if journal_file.exists():
            raise UsageError(msg("cli.init.journaled", file=journal.CASE_FILE, journal=str(journal_file),
                                 count=len(journal.read_entries(case_dir))), path=str(target))
        return False
    beside = case_dir / INIT_BESIDE
    if beside.exists():
        raise UsageError(msg("cli.init.beside_exists", file=journal.CASE_FILE, beside=str(beside)), path=str(beside))
    template = files("expertise").joinpath("templates/case.toml").read_text(encoding="utf-8")
    beside.write_text(template, encoding="utf-8")
    say(msg("cli.init.written_beside", path=str(beside), file=str(target)))
    return True


def _review_reason(case_dir: Path, asked: bool, report_dir: Path | None = None, *,
                   writes_report: bool = False) -> Message | None:
    """Why this run is a review (``--review``, or a case folder that cannot be written), said on
    the console; ``None`` for an ordinary, journaled run. A review copy of the report goes to
    ``report_dir`` (``--out``), which must lie outside the case: the case's report folder holds
    journaled reports only."""
    from .fsutil import write_denied

    reason = None
    if asked:
        reason = msg("report.review.asked")
    else:
        denied = write_denied(case_dir, case_dir / journal.EVIDENCE_DIR)
        if denied is not None:
            reason = msg("report.review.read_only", folder=str(case_dir), error=denied.strerror or str(denied))
    if reason is None:
        return None
    if writes_report and (report_dir is None or report_dir.resolve().is_relative_to(case_dir.resolve())):
        raise UsageError(msg("cli.review.needs_out", reason=reason, folder=str(case_dir)),
                         path=str(report_dir or case_dir))
    say(msg("cli.review.mode", reason=reason), style="yellow", label=msg("cli.warning"))
    return reason


# --- the requirements of the CNIL texts ---
@cli.command(name="requirements")
@click.option("--framework", "framework_id", default=None, metavar="ID")
@click.option("--json", "as_json", is_flag=True)
@click.option("--markdown", "as_markdown", is_flag=True)
def requirements_command(framework_id: str | None, as_json: bool, as_markdown: bool) -> None:
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


# --- pades: verify the PAdES signature of a report (issue 13) ---
@cli.command(name="verify-signature")
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trust", "trust", multiple=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def verify_signature(pdf: Path, trust: tuple[Path, ...], as_json: bool) -> None:
    from .report.signature import load_certificates, verify_pdf

    roots = [c for path in trust for c in load_certificates(path, field="--trust")]
    results = verify_pdf(pdf, roots)
    if as_json:
        emit_json({"file": str(pdf), "ok": all(r.ok for r in results), "signatures": [r.to_dict() for r in results]})
    else:
        for r in results:
            out.print(text(msg("report.signature.verify.heading", field=r.field, level=r.level)), markup=False)
            lines = [msg("report.signature.verify.intact") if r.intact and r.valid
                     else msg("report.signature.verify.broken"),
                     msg("report.signature.verify.trusted") if r.trusted else msg("report.signature.verify.untrusted"),
                     msg("report.signature.verify.signer", signer=r.signer, fingerprint=r.certificate_sha256),
                     msg("report.signature.verify.time", time=r.signed_at or "?"),
                     msg("report.signature.verify.timestamp", time=r.timestamp) if r.timestamp
                     else msg("report.signature.verify.no_timestamp"),
                     msg("report.signature.verify.summary", summary=r.summary)]
            if not r.covers_whole_document:
                lines.insert(1, msg("report.signature.verify.partial"))
            for line in lines:
                out.print("  " + text(line), markup=False, highlight=False, soft_wrap=True)
    if not all(r.ok for r in results):
        raise SystemExit(1)


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
            callback=_set_language))
    elif own.callback is None:
        own.callback = _set_language
    for sub in getattr(command, "commands", {}).values():
        _language_option(sub)


def _register_domains() -> None:
    from .archive_cli import command as archive_command
    from .report.versions_cli import command as report_diff_command
    from .findings.cli import command as findings_command

    for domain in all_domains():
        if domain.command is not None:
            cli.add_command(domain.command)
    cli.add_command(archive_command)
    cli.add_command(report_diff_command)
    from .report.accessibility import command as accessibility_command  # a11y: `expertise check-accessibility`

    cli.add_command(accessibility_command)
    cli.add_command(findings_command)  # issue 13: the expert's own findings
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
    except OSError as exc:
        if exc.errno not in _DENIED:
            _internal_error(exc, debug)
        # a read-only case or output folder is the user's situation, not a defect
        say(msg("cli.access_denied", path=str(exc.filename or ""), error=exc.strerror or str(exc)), style="red",
            label=msg("cli.error"))
        sys.exit(2)
    except Exception as exc:
        _internal_error(exc, debug)


#: errors of a file that may not be written (or read): exit 2 with the file, not an internal error
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)


def _internal_error(exc: Exception, debug: bool) -> None:
    """An internal defect: one clear line, traceback on request, exit 3."""
    if debug:
        traceback.print_exc()
    say(msg("cli.internal_error.detail", error=type(exc).__name__, detail=str(exc)), style="red",
        label=msg("cli.internal_error"))
    sys.exit(3)


if __name__ == "__main__":
    main()

