"""`expertise probe`: ports, TLS, HTTP headers and SSH of the platform, inside the declared scope."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from ..console import emit_json, err, out
from ..errors import UsageError
from ..results import Status
from .nmap import validate_ports_spec
from .runner import DirectorySink, ProbeRun, ProbeSettings, plan_probe, run_probe
from .scope import ScopeSpec
from .targets import parse_targets

STATUS_STYLE = {"pass": "green", "fail": "red", "error": "yellow", "not_applicable": "dim",
                "manual": "cyan", "informational": "blue"}


def _ports(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return validate_ports_spec(value)
    except ValueError as exc:
        raise UsageError(str(exc), field="--ports") from None


@click.command(name="probe")
@click.argument("case_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--target", "-t", "targets", multiple=True, metavar="TARGET",
              help="https://HOST[:PORT]/PATH, http://HOST[:PORT]/, HOST:PORT (TLS), ssh://HOST[:PORT] or HOST "
                   "(port scan only); IPv6 addresses in brackets ([::1]:8443). Repeatable. With CASE_DIR, "
                   "replaces the case's [probe] targets.")
@click.option("--scope", "-s", "scope_entries", multiple=True, metavar="HOST|CIDR",
              help="Ad-hoc scope (names, *.domain, addresses, CIDR ranges). Repeatable. Default: the targets "
                   "themselves. Not allowed with CASE_DIR, whose scope is [scope] in case.toml.")
@click.option("--ports", default=None, metavar="SPEC",
              help="Ports to scan: top-N (default top-1000), a list such as 22,443,8000-8100, or none.")
@click.option("--timeout", type=click.FloatRange(min=0.5, max=300), default=None, metavar="SECONDS",
              help="Network timeout per operation (default 10); every collector's deadline is a multiple of it.")
@click.option("--ca-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None, metavar="PEM",
              help="A CA certificate (PEM) to validate a platform certificate issued by a private CA.")
@click.option("--expect-port", "expected_ports", multiple=True, type=click.IntRange(1, 65535), metavar="PORT",
              help="A port expected open besides the targets' own (PORT-001). Repeatable.")
@click.option("--no-service-detection", is_flag=True, help="Skip nmap -sV (faster, no versions).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              metavar="OUT", help="Write the results as JSON to this file ('-' for standard output, then no table).")
@click.option("--evidence", "evidence_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Ad-hoc mode: new or empty folder for the raw evidence "
                                  "(default ./expertise-probe-<UTC time>).")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def command(case_dir: Path | None, targets: tuple[str, ...], scope_entries: tuple[str, ...], ports: str | None,
            timeout: float | None, ca_file: Path | None, expected_ports: tuple[int, ...],
            no_service_detection: bool, json_out: Path | None, evidence_dir: Path | None, no_progress: bool) -> None:
    """Probe the voting platform: open ports, TLS, HTTP security headers and SSH, against ANSSI rules.

    \b
    Two ways to run it:
      expertise probe CASE_DIR
          targets from [probe], scope from [scope] of case.toml; the run is journaled, the raw
          outputs (nmap XML, sslyze JSON, s_client transcript, HTTP exchange, ssh-audit JSON) are
          kept as evidence and the report gets its « Plateforme » chapter.
      expertise probe --target https://vote.example/ --target ssh://vote.example [--scope ...]
          ad-hoc; without --scope the targets themselves are the scope.

    \b
    Scope guard: a target, a redirect or a name resolving outside the scope is refused before
    any packet is sent; ranges are never scanned, each host must be named as a target.
    Exit status: 0 no failing check, 1 at least one failing check, 2 usage error or a target
    out of scope. "error" results (could not test) are listed but do not fail the run.
    """
    ports = _ports(ports)
    cli_targets = parse_targets(list(targets)) if targets else None
    argv = ["expertise", *sys.argv[1:]] if sys.argv else ["expertise", "probe"]
    show_progress = not no_progress and json_out != Path("-")
    if case_dir is not None:
        from ..case import load_case
        from .collector import case_settings, probe_case, with_overrides

        if scope_entries:
            raise UsageError("a case's scope cannot be widened or replaced on the command line; edit [scope] in "
                             "case.toml", field="--scope")
        if evidence_dir is not None:
            raise UsageError("only for ad-hoc probes; a case keeps its evidence under its evidence/ folder",
                             field="--evidence")
        case = load_case(case_dir)
        settings = with_overrides(case_settings(case), ports=ports, timeout=timeout, ca_file=ca_file,
                                  expected_ports=tuple(expected_ports) or None,
                                  service_detection=False if no_service_detection else None)
        run = probe_case(case, argv, targets=cli_targets, settings=settings, show_progress=show_progress)
        where = f"journaled in {case.root / 'journal.jsonl'}"
    else:
        if not cli_targets:
            raise UsageError("give a CASE_DIR or at least one --target (see expertise probe --help)")
        if scope_entries:
            scope = ScopeSpec.parse(scope_entries, where="--scope")
        else:
            scope = ScopeSpec.parse([t.host for t in cli_targets], where="--target", names_carry_addresses=True)
        settings = ProbeSettings(ports=ports or "top-1000", timeout=timeout or 10.0, ca_file=ca_file,
                                 expected_ports=tuple(expected_ports), service_detection=not no_service_detection)
        plan = plan_probe(cli_targets, scope, settings)  # OutOfScope before the evidence folder exists
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        folder = evidence_dir or Path(f"expertise-probe-{stamp}")
        if folder.exists() and any(folder.iterdir()):
            raise UsageError("evidence folder is not empty (evidence is never overwritten)", path=str(folder))
        sink = DirectorySink(folder)
        run = run_probe(plan, sink, show_progress=show_progress)
        sink.store_bytes("results.json", json.dumps(_as_json(run), indent=2, ensure_ascii=False).encode("utf-8"))
        where = f"evidence in {folder}"
    if json_out is not None:
        if json_out == Path("-"):
            emit_json(_as_json(run))
        else:
            json_out.write_text(json.dumps(_as_json(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if json_out != Path("-"):
        _print(run)
    counts = _counts(run)
    err.print(f"probe finished in {run.duration_s:.1f} s: {counts['fail']} failing, {counts['error']} could not be "
              f"tested, {counts['pass']} passed — {where}")
    sys.exit(1 if run.failed else 0)


def _counts(run: ProbeRun) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for result in run.results:
        counts[result.status.value] += 1
    return counts


def _as_json(run: ProbeRun) -> dict[str, Any]:
    return {"started": run.started, "duration_s": run.duration_s, "plan": run.plan.to_dict(),
            "failed": run.failed, "counts": _counts(run), "timings_s": run.timings,
            "result_sets": [rs.to_dict() for rs in run.result_sets]}


def _print(run: ProbeRun) -> None:
    from rich.markup import escape
    from rich.table import Table

    for result_set in run.result_sets:
        table = Table(title=escape(result_set.source.removeprefix("probe:")), title_justify="left", show_lines=False)
        table.add_column("Check", no_wrap=True)
        table.add_column("Status", no_wrap=True)
        table.add_column("Sev.", no_wrap=True)
        table.add_column("Finding")
        for result in result_set.results:
            style = STATUS_STYLE.get(result.status.value, "")
            table.add_row(result.check_id, f"[{style}]{result.status.value}[/]",
                          result.severity.value if result.severity else "", escape(result.message))
        out.print(table)
