"""`expertise probe`: ports, TLS, HTTP headers and SSH of the platform, inside the declared scope."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..clihelp import HelpCommand
from ..console import emit_json, language, out, say, text
from ..errors import UsageError
from ..i18n import msg
from ..results import count_by_status
from .config import Probe, Scope

if TYPE_CHECKING:  # the probe's machinery (sslyze, nmap's parsers) is imported when a probe runs
    from .runner import ProbeRun

STATUS_STYLE = {"pass": "green", "fail": "red", "error": "yellow", "not_applicable": "dim",
                "manual": "cyan", "informational": "blue"}
STATUS_LABEL = {"pass": msg("probe.cli.status.pass"), "fail": msg("probe.cli.status.fail"),
                "error": msg("probe.cli.status.error"), "not_applicable": msg("probe.cli.status.not_applicable"),
                "manual": msg("probe.cli.status.manual"), "informational": msg("probe.cli.status.informational")}


@click.command(name="probe", cls=HelpCommand)
@click.argument("case_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--target", "-t", "targets", multiple=True, metavar="TARGET")
@click.option("--scope", "-s", "scope_entries", multiple=True, metavar="HOST|CIDR")
@click.option("--ports", default=None, metavar="SPEC")
@click.option("--timeout", type=click.FloatRange(min=0.5, max=300), default=None, metavar="SECONDS")
@click.option("--ca-file", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="PEM")
@click.option("--expect-port", "expected_ports", multiple=True, type=click.IntRange(1, 65535), metavar="PORT")
@click.option("--no-service-detection", is_flag=True)
@click.option("--sshd-config", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              metavar="OUT")
@click.option("--evidence", "evidence_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR")
@click.option("--no-progress", is_flag=True)
def command(case_dir: Path | None, targets: tuple[str, ...], scope_entries: tuple[str, ...], ports: str | None,
            timeout: float | None, ca_file: Path | None, expected_ports: tuple[int, ...],
            no_service_detection: bool, sshd_config: Path | None, json_out: Path | None, evidence_dir: Path | None,
            no_progress: bool) -> None:
    from .collector import OPTION_FIELDS, case_config, configure, probe_case, validated
    from .runner import DirectorySink, plan_probe, run_probe

    argv = ["expertise", *sys.argv[1:]] if sys.argv else ["expertise", "probe"]
    show_progress = not no_progress and json_out != Path("-")
    options = {"targets": list(targets) or None, "ports": ports, "timeout": timeout,
               "ca_file": str(ca_file.expanduser().resolve()) if ca_file else None,
               "expected_ports": list(expected_ports) or None,
               "service_detection": False if no_service_detection else None,
               "sshd_config": str(sshd_config.expanduser().resolve()) if sshd_config else None}
    if case_dir is not None:
        from ..case import load_case

        if scope_entries:
            raise UsageError(msg("probe.cli.case_scope"), field="--scope")
        if evidence_dir is not None:
            raise UsageError(msg("probe.cli.case_evidence"), field="--evidence")
        case = load_case(case_dir)
        run = probe_case(case, argv, case_config(case, options), show_progress=show_progress)
        where = msg("probe.cli.journaled", path=str(case.root / "journal.jsonl"))
    else:
        if not targets:
            raise UsageError(msg("probe.cli.nothing_to_probe"))
        probe = validated(Probe, {k: v for k, v in options.items() if v is not None}, OPTION_FIELDS)
        # the entries are checked by configure() (ScopeSpec.parse), which names the option in an error
        scope = Scope.model_construct(hosts=list(scope_entries)) if scope_entries else None
        config = configure(probe, scope, Path.cwd(), OPTION_FIELDS)
        plan = plan_probe(config.targets, config.scope, config.settings)  # OutOfScope before the evidence folder exists
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        folder = evidence_dir or Path(f"expertise-probe-{stamp}")
        if folder.exists() and any(folder.iterdir()):
            raise UsageError(msg("probe.cli.evidence_not_empty"), path=str(folder))
        sink = DirectorySink(folder)
        run = run_probe(plan, sink, show_progress=show_progress)
        sink.store_bytes("results.json", json.dumps(_as_json(run), indent=2, ensure_ascii=False).encode("utf-8"))
        where = msg("probe.cli.evidence_in", path=str(folder))
    if json_out is not None:
        if json_out == Path("-"):
            emit_json(_as_json(run, language()))
        else:
            json_out.write_text(json.dumps(_as_json(run, language()), indent=2, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    if json_out != Path("-"):
        _print(run)
    counts = _counts(run)
    say(msg("probe.cli.finished", seconds=round(run.duration_s, 1), failed=counts["fail"], untested=counts["error"],
            passed=counts["pass"], where=where))
    if run.unanswered is not None:  # journaled, but nothing was observed: not a probe done
        raise UsageError(run.unanswered)
    sys.exit(1 if run.failed else 0)


def _counts(run: ProbeRun) -> dict[str, int]:
    return count_by_status(run.results)


def _as_json(run: ProbeRun, lang: str = "en") -> dict[str, Any]:
    """The run for machines: each result keeps its code and arguments beside its message in ``lang``."""
    return {"started": run.started, "duration_s": run.duration_s, "plan": run.plan.to_dict(),
            "failed": run.failed, "counts": _counts(run), "timings_s": run.timings,
            "result_sets": [{**rs.to_dict(), "results": [r.to_dict(lang) for r in rs.results]}
                            for rs in run.result_sets]}


def _print(run: ProbeRun) -> None:
    from rich.markup import escape
    from rich.table import Table

    for result_set in run.result_sets:
        table = Table(title=escape(result_set.source.removeprefix("probe:")), title_justify="left", show_lines=False)
        table.add_column(text(msg("probe.cli.column.check")), no_wrap=True)
        table.add_column(text(msg("probe.cli.column.status")), no_wrap=True)
        table.add_column(text(msg("probe.cli.column.severity")), no_wrap=True)
        table.add_column(text(msg("probe.cli.column.finding")))
        for result in result_set.results:
            style = STATUS_STYLE.get(result.status.value, "")
            table.add_row(result.check_id, f"[{style}]{escape(text(STATUS_LABEL[result.status.value]))}[/]",
                          result.severity.value if result.severity else "", escape(text(result.message)))
        out.print(table)
