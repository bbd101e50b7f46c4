"""The probe of a case: targets and settings from ``[probe]``, scope from ``[scope]``, journaled.

Used by ``expertise probe CASE_DIR`` and by ``expertise audit`` (``COLLECTOR``). The scope
decision is taken inside the journaled operation, so that a refused probe (nothing sent)
still leaves an "aborted" entry saying what was refused and why.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from .. import journal
from ..case import Case
from ..errors import UsageError
from ..journal import ResultSet
from .runner import ProbeRun, ProbeSettings, plan_probe, run_probe
from .scope import ScopeSpec
from .targets import Target, parse_targets


def case_settings(case: Case) -> ProbeSettings:
    probe = case.data.probe
    if probe is None:
        return ProbeSettings()
    ca_file = case.resolve(probe.ca_file) if probe.ca_file else None
    if ca_file is not None and not ca_file.is_file():
        raise UsageError("CA file not found", path=str(case.file), field="probe.ca_file")
    return ProbeSettings(ports=probe.ports, timeout=probe.timeout, ca_file=ca_file,
                         expected_ports=tuple(probe.expected_ports), service_detection=probe.service_detection,
                         service_wait=probe.service_wait)


def case_scope(case: Case) -> ScopeSpec:
    return ScopeSpec.parse(case.data.scope.hosts, case.data.scope.urls, where="scope")


def probe_case(case: Case, argv: Sequence[str], *, targets: list[Target] | None = None,
               settings: ProbeSettings | None = None, show_progress: bool = True) -> ProbeRun:
    if targets is None:
        if case.data.probe is None:
            raise UsageError("no [probe] section: add one with its targets (see docs/probe.md), or give --target",
                             path=str(case.file))
        targets = parse_targets(case.data.probe.targets)
    settings = settings or case_settings(case)
    scope = case_scope(case)
    with journal.operation(case.root, "probe", argv) as op:
        op.add_input(case.file, label="case")
        if settings.ca_file is not None:
            op.add_input(settings.ca_file, label="probe.ca_file")
        op.notes["targets"] = [t.canonical for t in targets]
        op.notes["scope"] = list(scope.entries)
        if case.data.scope.authorisation:
            op.notes["authorisation"] = case.data.scope.authorisation
        plan = plan_probe(targets, scope, settings)  # OutOfScope: aborted entry, nothing sent
        run = run_probe(plan, op, show_progress=show_progress)
        for result_set in run.result_sets:
            op.add_results(result_set)
    return run


def declared(case: Case) -> bool:
    return case.data.probe is not None


def collect(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    return probe_case(case, argv).result_sets


def with_overrides(settings: ProbeSettings, **changes: object) -> ProbeSettings:
    return replace(settings, **{k: v for k, v in changes.items() if v is not None})

