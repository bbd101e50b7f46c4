"""One probe run: scope decision first, then every collector at once, then the rules.

Order matters and is enforced here:

1. :func:`plan_probe` decides, for every target, whether it is in scope and which
   addresses it may reach — before anything is sent (a refusal raises ``OutOfScope``);
2. :func:`run_probe` starts the collectors concurrently (port scan per host, TLS per
   endpoint, HTTP per web target, SSH per SSH target) under the in-process socket guard,
   each with its own deadline, so one stuck service never holds the others;
3. raw outputs and the normalised observations are stored as evidence, the rules run
   on the observations, and one result set per source is returned.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import time
from concurrent.futures import Future, TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Protocol

from .. import catalogue as catalogue_mod
from ..console import progress
from ..journal import ResultSet
from ..i18n import Message, msg
from ..results import Result, Status
from ..domain import evaluate
from .rules import RULES
from . import guard, scope as scope_mod
from .bounded import start
from .http import collect_http
from .nmap import collect_ports
from .observations import (HttpObservation, PortsObservation, ProbeObservation, SshObservation,
                           TlsObservation)
from .scope import Resolver, ScopeSpec, system_resolver
from .ssh import collect_ssh
from .summary import summarise
from .targets import Target, is_ip, normalise_host
from .tls import collect_tls

PRODUCER = "probe"


class EvidenceSink(Protocol):
    def store_bytes(self, relpath: str, data: bytes, label: str | None = None) -> str: ...


class DirectorySink:
    """Evidence for ad-hoc probes (no case folder): files under one directory, never overwritten."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def store_bytes(self, relpath: str, data: bytes, label: str | None = None) -> str:
        target = self.root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:
            handle.write(data)
        return str(target)


@dataclass(frozen=True)
class ProbeSettings:
    ports: str = "top-1000"
    timeout: float = 10.0
    ca_file: Path | None = None
    expected_ports: tuple[int, ...] = ()
    service_detection: bool = True
    service_wait: float = 1.0
    # (opening, closing) from the case's [election]; None for a standalone probe (TLS-024 then says so)
    voting_period: tuple[datetime, datetime] | None = None
    # `sshd -T` output collected on the server, and how to cite it; None: SSH-011 says what is unverified
    sshd_config: Path | None = None
    sshd_config_cited: str = ""


@dataclass
class ProbePlan:
    targets: list[Target]
    scope: ScopeSpec
    settings: ProbeSettings
    addresses: dict[str, list[str]]

    def address(self, host: str) -> str:
        return self.addresses[host][0]

    @property
    def hosts(self) -> list[str]:
        return list(dict.fromkeys(t.host for t in self.targets))

    @property
    def scanned_hosts(self) -> list[str]:
        """One host per address: names of the same machine are scanned once, under the first name."""
        chosen: dict[str, str] = {}
        named = [t.host for t in self.targets if t.kind == "host"]  # a bare-host target names its scan
        for host in named + self.hosts:
            chosen.setdefault(self.address(host), host)
        return list(chosen.values())

    def aliases(self, host: str) -> list[str]:
        return [h for h in self.hosts if self.address(h) == self.address(host)]

    def expected_ports(self, host: str) -> list[int]:
        same = set(self.aliases(host))
        ports = {t.port for t in self.targets if t.host in same and t.port}
        if any(t.host in same and t.kind == "https" and t.port == 443 for t in self.targets):
            ports.add(80)  # the clear-text entry point that redirects to the voting site
        return sorted(ports | set(self.settings.expected_ports))

    def to_dict(self) -> dict[str, Any]:
        return {"targets": [t.canonical for t in self.targets], "scope": list(self.scope.entries),
                "addresses": self.addresses,
                "settings": {"ports": self.settings.ports, "timeout": self.settings.timeout,
                             "ca_file": str(self.settings.ca_file) if self.settings.ca_file else None,
                             "expected_ports": list(self.settings.expected_ports),
                             "service_detection": self.settings.service_detection,
                             "service_wait": self.settings.service_wait}}


def plan_probe(targets: list[Target], scope: ScopeSpec, settings: ProbeSettings,
               resolve: Resolver = system_resolver) -> ProbePlan:
    """Authorise every target before anything is sent; ``OutOfScope`` names the first refusal."""
    addresses: dict[str, list[str]] = {}
    for target in targets:
        if target.host not in addresses:
            addresses[target.host] = scope_mod.authorise(target.host, scope, resolve)
    return ProbePlan(targets, scope, settings, addresses)


@dataclass
class ProbeRun:
    plan: ProbePlan
    result_sets: list[ResultSet]
    observations: dict[str, ProbeObservation]
    started: str
    duration_s: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def results(self) -> list[Result]:
        return [r for rs in self.result_sets for r in rs.results]

    @property
    def failed(self) -> bool:
        return any(r.status is Status.FAIL for r in self.results)

    @property
    def unanswered(self) -> Message | None:
        """Why this probe observed nothing (None when something answered): every target and host
        unreachable, with no port open, or silent until the timeout. Such a probe is journaled ("could not test") but is not
        done: the command and the audit exit 2 with this reason, the targets named."""
        if not self.observations or any(_answered(o) for o in self.observations.values()):
            return None
        return msg("probe.error.nothing_answered", targets=[o.target for o in self.observations.values()])


def _answered(observation: ProbeObservation) -> bool:
    """Whether any part of one source was observed: a handshake, a reply, or an open port."""
    if observation.ports is not None and observation.ports.error is None and observation.ports.open_ports:
        return True
    http = observation.http
    if http is not None and http.error is None and any(e.status is not None for e in http.exchanges + http.plain):
        return True
    return any(part is not None and part.error is None for part in (observation.tls, observation.ssh))


def tool_versions() -> dict[str, str]:
    """Versions of what produced the evidence, for the annex."""
    versions = {"python": platform.python_version()}
    for name, command in (("nmap", ["nmap", "--version"]), ("openssl", ["openssl", "version"])):
        if shutil.which(command[0]):
            try:
                output = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout
                versions[name] = output.strip().splitlines()[0] if output.strip() else "?"
            except (OSError, subprocess.SubprocessError):
                versions[name] = "unavailable"
        else:
            versions[name] = "not installed"
    from importlib.metadata import PackageNotFoundError, version

    for package in ("sslyze", "nassl", "ssh-audit", "paramiko", "cryptography"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _plain_http_ports(ports: PortsObservation, exclude: int | None) -> list[int]:
    found = []
    for port in ports.open_ports:
        name = port.service.lower()
        if port.tunnel == "ssl" or port.port == exclude or name in ("https", "https-alt"):
            continue
        if name.startswith("http") or port.answers_http:
            found.append(port.port)
    return found


def run_probe(plan: ProbePlan, sink: EvidenceSink, *, show_progress: bool = True) -> ProbeRun:
    settings = plan.settings
    timeout = settings.timeout
    started_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    t0 = time.monotonic()
    catalogue = catalogue_mod.load()
    all_addresses = {a for addresses in plan.addresses.values() for a in addresses}
    names = {t.host for t in plan.targets if not is_ip(t.host)}
    timings: dict[str, float] = {}

    def authorise_redirect(host: str) -> list[str]:
        host = normalise_host(host)
        if not is_ip(host) and plan.scope.allows_name(host):
            guard.allow_name(host)
        addresses = scope_mod.authorise(host, plan.scope, system_resolver, what="redirect")
        for address in addresses:
            guard.allow(address)
        return addresses

    def timed(key: str, function: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            begin = time.monotonic()
            try:
                return function()
            finally:
                timings[key] = round(time.monotonic() - begin, 3)
        return run

    jobs: dict[str, tuple[Future[Any], float]] = {}
    scan_deadline = max(60.0, 12 * timeout) + 40
    with guard.guarded(all_addresses, names):
        port_jobs: dict[str, Future[Any]] = {}
        if settings.ports != "none":
            for host in plan.scanned_hosts:
                key = f"ports:{host}"
                port_jobs[host] = start(timed(key, lambda host=host: collect_ports(
                    host=host, address=plan.address(host), ports_spec=settings.ports,
                    expected=plan.expected_ports(host), required=settings.expected_ports,
                    service_detection=settings.service_detection,
                    service_wait=settings.service_wait, timeout=timeout)), key)
                jobs[key] = (port_jobs[host], scan_deadline)
        for target in plan.targets:
            if target.kind in ("https", "tls"):
                key = f"tls:{plan.address(target.host)}:{target.port}:{target.host}"
                if key not in jobs:
                    jobs[key] = (start(timed(key, lambda t=target: collect_tls(
                        endpoint=f"{t.host_for_url}:{t.port}", host=t.host, address=plan.address(t.host),
                        port=t.port, server_name=t.host, ca_file=settings.ca_file, timeout=timeout)), key),
                        max(30.0, 12 * timeout) + 2 * timeout + 20)
            if target.kind in ("https", "http"):
                key = f"http:{target.canonical}"

                # a host serving several HTTPS endpoints: a scanned clear-text port belongs to the
                # one it redirects to, not to all of them
                shared = len({t.port for t in plan.targets if t.kind == "https"
                              and plan.address(t.host) == plan.address(target.host)}) > 1

                def scanned_urls(t: Target = target) -> list[str]:
                    base = f"http://{t.host_for_url}"
                    job = next((port_jobs[h] for h in plan.aliases(t.host) if h in port_jobs), None)
                    if job is None:
                        return []
                    try:
                        ports, _ = job.result(timeout=scan_deadline)
                    except Exception:  # the port scan failed: its own result says why
                        return []
                    return [f"{base}:{p}{t.path}" if p != 80 else f"{base}{t.path}"
                            for p in _plain_http_ports(ports, t.port)]

                def plain_urls(t: Target = target, shared: bool = shared) -> list[str]:
                    if t.kind == "http":
                        return [t.url]
                    urls = [f"http://{t.host_for_url}{t.path}"] if t.port == 443 else []
                    if not shared:
                        urls += scanned_urls(t)
                    return list(dict.fromkeys(urls))

                jobs[key] = (start(timed(key, lambda t=target, plain=plain_urls, shared=shared: collect_http(
                    url=t.url, host=t.host, address=plan.address(t.host), authorise=authorise_redirect,
                    plain_urls=plain, timeout=timeout, page=t.kind == "https",
                    scanned_urls=(lambda: scanned_urls(t)) if shared and t.kind == "https" else None,
                    entry_port=t.port)), key),
                    scan_deadline + 20 * timeout + 20)
            if target.kind == "ssh":
                key = f"ssh:{target.canonical}"
                jobs[key] = (start(timed(key, lambda t=target: collect_ssh(
                    endpoint=t.canonical, host=t.host, address=plan.address(t.host), port=t.port,
                    timeout=timeout)), key), 6 * timeout + 30)

        outcomes: dict[str, tuple[Any, dict[str, bytes]] | Message] = {}
        with progress("probe", total=len(jobs), enabled=show_progress) as bar:
            for key, (future, deadline) in jobs.items():
                remaining = max(0.0, deadline - (time.monotonic() - t0))
                try:
                    outcomes[key] = future.result(timeout=remaining)
                except FutureTimeout:
                    outcomes[key] = msg("probe.reason.job_timeout", seconds=round(deadline))
                except Exception as exc:  # a defect in a collector: reported as "could not test"
                    outcomes[key] = msg("probe.reason.collector_defect", error=type(exc).__name__, detail=str(exc))
                bar.advance()

    stored: dict[str, Any] = {}

    def observed(key: str, folder: str, make_error: Callable[[Message], Any]) -> Any:
        """The observation of one job with its evidence stored (once, even if shared)."""
        if key in stored:
            return stored[key]
        outcome = outcomes.get(key)
        if isinstance(outcome, tuple):
            observation, artifacts = outcome
        else:
            observation, artifacts = make_error(outcome or msg("probe.reason.not_run")), {}
        evidence = [sink.store_bytes(f"{folder}/{name}", data, label="probe") for name, data in artifacts.items()]
        observation = observation.model_copy(update={"evidence": evidence})
        observation_path = sink.store_bytes(f"{folder}/observation.json",
                                            observation.model_dump_json(indent=2).encode("utf-8"), label="probe")
        observation = observation.model_copy(update={"evidence": evidence + [observation_path]})
        stored[key] = observation
        return observation

    sink.store_bytes("plan.json", json.dumps({**plan.to_dict(), "started": started_at, "tools": tool_versions()},
                                             indent=2, ensure_ascii=False).encode("utf-8"), label="probe")
    observations: dict[str, ProbeObservation] = {}
    for host in plan.scanned_hosts:
        key = f"ports:{host}"
        if key in jobs:
            source = f"probe:host:{host}"
            ports = observed(key, _folder("host", host), lambda e, h=host: PortsObservation(
                host=h, address=plan.address(h), ports_spec=settings.ports, expected=plan.expected_ports(h),
                required=sorted(set(settings.expected_ports)), error=e))
            observations[source] = ProbeObservation(kind="host", target=host, ports=ports)
    for target in plan.targets:
        if target.kind == "host":
            continue
        tls = http = ssh = None
        now = datetime.now(timezone.utc)
        if target.kind in ("https", "tls"):
            key = f"tls:{plan.address(target.host)}:{target.port}:{target.host}"
            tls = observed(key, _folder("tls", f"{target.host}-{target.port}"), lambda e, t=target: TlsObservation(
                endpoint=f"{t.host_for_url}:{t.port}", host=t.host, address=plan.address(t.host), port=t.port,
                server_name=t.host, observed_at=now, error=e))
            if settings.voting_period is not None:
                tls = tls.model_copy(update={"voting_opens": settings.voting_period[0],
                                             "voting_closes": settings.voting_period[1]})
        if target.kind in ("https", "http"):
            http = observed(f"http:{target.canonical}", target.slug, lambda e, t=target: HttpObservation(
                url=t.url, host=t.host, error=e))
        if target.kind == "ssh":
            ssh = observed(f"ssh:{target.canonical}", target.slug, lambda e, t=target: SshObservation(
                endpoint=t.canonical, host=t.host, address=plan.address(t.host), port=t.port, error=e))
            if settings.sshd_config is not None:
                from .sshd import read_sshd_config

                ssh = ssh.model_copy(update={"server_config": read_sshd_config(
                    settings.sshd_config, settings.sshd_config_cited or str(settings.sshd_config))})
        observations[target.source] = ProbeObservation(kind=target.kind, target=target.canonical, tls=tls,
                                                       http=http, ssh=ssh)
    for target in plan.targets:
        if target.kind == "host" and settings.ports == "none":
            # ports deliberately not scanned ("none"): say so rather than stay silent
            observations[target.source] = ProbeObservation(kind="host", target=target.host, ports=PortsObservation(
                host=target.host, address=plan.address(target.host), ports_spec="none",
                error=msg("probe.reason.ports_disabled")))

    result_sets = []
    for source, observation in observations.items():
        results = evaluate(RULES, observation, catalogue)
        result_sets.append(ResultSet(source=source, producer=PRODUCER, results=results,
                                     summary=summarise(observation, results)))
    return ProbeRun(plan, result_sets, observations, started_at, round(time.monotonic() - t0, 3), timings)


def _folder(kind: str, name: str) -> str:
    import re

    return f"{kind}-" + (re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "x")
