"""The one way a probe is asked for: a validated configuration, then the same run.

``expertise probe CASE_DIR`` and ``expertise audit`` read ``[probe]`` and ``[scope]`` of
``case.toml``; ``expertise probe --target …`` builds the same :class:`~.config.Probe` and
:class:`~.config.Scope` from its options. Both go through :func:`configure` (targets parsed,
settings checked — the CA file exists —, scope built) and :func:`plan_probe` /
:func:`run_probe`. A case's probe is journaled, and its scope decision is taken inside the
journaled operation, so that a refused probe (nothing sent) still leaves an "aborted" entry
saying what was refused and why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from pydantic import ValidationError

from .. import journal
from ..case import Case, validation_message
from ..errors import UsageError
from ..i18n import msg
from ..journal import ResultSet
from .config import Probe, Scope
from .runner import ProbeRun, ProbeSettings, plan_probe, run_probe
from .scope import ScopeSpec
from .targets import Target, parse_targets

# Where a setting comes from, to name it in an error: case.toml's key, or the command-line option.
CASE_FIELDS = {"targets": "probe.targets", "ports": "probe.ports", "timeout": "probe.timeout",
               "ca_file": "probe.ca_file", "expected_ports": "probe.expected_ports",
               "service_detection": "probe.service_detection", "service_wait": "probe.service_wait",
               "sshd_config": "probe.sshd_config", "hosts": "scope.hosts", "urls": "scope.urls"}
OPTION_FIELDS = {"targets": "--target", "ports": "--ports", "timeout": "--timeout", "ca_file": "--ca-file",
                 "expected_ports": "--expect-port", "service_detection": "--no-service-detection",
                 "sshd_config": "--sshd-config", "hosts": "--scope"}


@dataclass(frozen=True)
class ProbeConfig:
    """What to probe, where it is allowed, and how: everything a run needs, validated."""

    targets: list[Target]
    scope: ScopeSpec
    settings: ProbeSettings
    authorisation: str = ""


def validated(model: Any, data: Mapping[str, Any], fields: Mapping[str, str], path: str | None = None) -> Any:
    """``model`` (:class:`Probe` or :class:`Scope`) from ``data``; a refusal names the key or option."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error.get("loc") else ""
        raise UsageError(validation_message(error), path=path, field=fields.get(name, name) or None) from None


def configure(probe: Probe, scope: Scope | None, base: Path, fields: Mapping[str, str],
              path: str | None = None) -> ProbeConfig:
    """The run's configuration; ``scope=None`` is the ad-hoc default: the targets themselves."""
    targets = parse_targets(probe.targets)
    ca_file = None
    if probe.ca_file:
        ca_file = Path(probe.ca_file).expanduser()
        ca_file = ca_file if ca_file.is_absolute() else base / ca_file
        if not ca_file.is_file():
            raise UsageError(msg("probe.config.ca_missing", file=str(ca_file)), path=path, field=fields["ca_file"])
    sshd_config = None
    if probe.sshd_config:
        sshd_config = Path(probe.sshd_config).expanduser()
        sshd_config = sshd_config if sshd_config.is_absolute() else base / sshd_config
        if not sshd_config.is_file():
            raise UsageError(msg("probe.config.sshd_missing", file=str(sshd_config)), path=path,
                             field=fields["sshd_config"])
    settings = ProbeSettings(ports=probe.ports, timeout=probe.timeout, ca_file=ca_file,
                             expected_ports=tuple(probe.expected_ports), service_detection=probe.service_detection,
                             service_wait=probe.service_wait, sshd_config=sshd_config,
                             sshd_config_cited=probe.sshd_config)
    if scope is None:
        spec = ScopeSpec.parse([t.host for t in targets], where=fields["targets"], names_carry_addresses=True)
        return ProbeConfig(targets, spec, settings)
    where = fields["hosts"].removesuffix(".hosts")
    return ProbeConfig(targets, ScopeSpec.parse(scope.hosts, scope.urls, where=where), settings, scope.authorisation)


def case_config(case: Case, overrides: Mapping[str, Any] | None = None) -> ProbeConfig:
    """A case's probe: ``[probe]`` and ``[scope]``, with the command line's overrides (named as options)."""
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    declared = case.data.probe.model_dump() if case.data.probe is not None else {}
    if not declared and "targets" not in overrides:
        raise UsageError(msg("probe.config.no_section"), path=str(case.file))
    fields = {**CASE_FIELDS, **{k: OPTION_FIELDS[k] for k in overrides}}
    probe = validated(Probe, {**declared, **overrides}, fields, path=str(case.file))
    config = configure(probe, case.data.scope, case.root, fields, path=str(case.file))
    # TLS-024 judges the certificates over the voting period the case declares, not only "now"
    election = case.data.election
    settings = dataclasses.replace(config.settings, voting_period=(election.opens, election.closes))
    return dataclasses.replace(config, settings=settings)


def probe_case(case: Case, argv: Sequence[str], config: ProbeConfig | None = None, *,
               show_progress: bool = True) -> ProbeRun:
    config = config or case_config(case)
    with journal.operation(case.root, "probe", argv) as op:
        op.add_input(case.file, label="case")
        if config.settings.ca_file is not None:
            op.add_input(config.settings.ca_file, label="probe.ca_file")
        if config.settings.sshd_config is not None:
            op.add_input(config.settings.sshd_config, label="probe.sshd_config")
        op.notes["targets"] = [t.canonical for t in config.targets]
        op.notes["scope"] = list(config.scope.entries)
        if config.authorisation:
            op.notes["authorisation"] = config.authorisation
        plan = plan_probe(config.targets, config.scope, config.settings)  # OutOfScope: aborted entry, nothing sent
        run = run_probe(plan, op, show_progress=show_progress)
        for result_set in run.result_sets:
            op.add_results(result_set)
    return run


def collect(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    run = probe_case(case, argv)
    if run.unanswered is not None:  # journaled above ("could not test"); the audit names the targets
        raise UsageError(run.unanswered)
    return run.result_sets
