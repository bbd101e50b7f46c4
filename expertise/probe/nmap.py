"""Ports and services: the nmap binary, connect scan, XML kept verbatim as evidence.

``-sT -Pn -n`` works without privileges, sends nothing to hosts other than the target
(``-n``: no reverse DNS through the site resolver) and is the same whether or not we run
as root. ``-sV`` identifies services; nmap's default probe waits (6 s on the NULL probe,
5 s on the others) make it slow on TLS services, so the collector writes a copy of the
local nmap-service-probes database with a shorter wait (``service_wait``) and points
nmap to it with ``--versiondb``: same probes and signatures, shorter patience.

The XML is parsed with defusedxml (nmap output may echo hostile banners).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from defusedxml import ElementTree

from ..case import invalid
from ..i18n import msg
from .observations import PortInfo, PortsObservation

PROBE_DB_CANDIDATES = ("/usr/share/nmap/nmap-service-probes", "/usr/local/share/nmap/nmap-service-probes")
_PORTS_LIST = re.compile(r"^\d{1,5}(-\d{1,5})?(,\d{1,5}(-\d{1,5})?)*$")
_TOP = re.compile(r"^top-(\d{1,5})$")


def validate_ports_spec(spec: str) -> str:
    """``top-N``, ``none``, or a list like ``22,80,443,8000-8100``; refused with the reason otherwise
    (a pydantic error carrying its message, see :func:`expertise.case.invalid`)."""
    spec = spec.strip().lower().replace(" ", "")
    if spec == "none":
        return spec
    top = _TOP.match(spec)
    if top:
        if not 1 <= int(top.group(1)) <= 65535:
            raise invalid(msg("probe.config.ports_top", spec=spec))
        return spec
    if not _PORTS_LIST.match(spec):
        raise invalid(msg("probe.config.ports_syntax", spec=spec))
    for part in spec.split(","):
        bounds = [int(b) for b in part.split("-")]
        if not all(1 <= b <= 65535 for b in bounds) or bounds != sorted(bounds):
            raise invalid(msg("probe.config.ports_range", range=part))
    return spec


def nmap_path() -> str | None:
    return shutil.which("nmap")


@lru_cache(maxsize=8)
def fast_probe_db(wait_ms: int) -> str | None:
    """A copy of nmap-service-probes where each probe waits at most ``wait_ms``."""
    source = next((Path(p) for p in ([os.environ["NMAPDIR"] + "/nmap-service-probes"] if os.environ.get("NMAPDIR")
                                     else []) + list(PROBE_DB_CANDIDATES) if Path(p).is_file()), None)
    if source is None:
        return None
    lines = []
    for line in source.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("totalwaitms "):
            continue
        if line.startswith("tcpwrappedms "):
            lines.append(f"tcpwrappedms {min(3000, max(wait_ms // 2, 200))}")
            continue
        lines.append(line)
        if line.startswith("Probe "):
            lines.append(f"totalwaitms {wait_ms}")
    handle, path = tempfile.mkstemp(prefix="expertise-nmap-probes-", suffix=".txt")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    atexit.register(_remove, path)
    return path


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def nmap_command(address: str, ports_spec: str, *, service_detection: bool, service_wait: float,
                 host_timeout: float) -> list[str]:
    command = ["nmap", "-sT", "-Pn", "-n", "--max-retries", "2", "--host-timeout", f"{int(host_timeout)}s"]
    if ":" in address:
        command.append("-6")
    if service_detection:
        command += ["-sV", "--version-light"]
        db = fast_probe_db(int(service_wait * 1000))
        if db:
            command += ["--versiondb", db]
    top = _TOP.match(ports_spec)
    command += ["--top-ports", top.group(1)] if top else ["-p", ports_spec]
    command += ["-oX", "-", address]
    return command


def _port_set(services: str) -> set[int] | None:
    """The ports of nmap's ``scaninfo services`` list ("1,3-4,80"); None when it says nothing usable."""
    ports: set[int] = set()
    for part in filter(None, services.split(",")):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            return None
        ports.update(range(int(low), int(high or low) + 1))
    return ports or None


def parse_nmap_xml(xml: bytes, *, host: str, address: str, ports_spec: str, expected: list[int],
                   command: list[str] | None = None, required: Sequence[int] = ()) -> PortsObservation:
    """Read nmap's XML into a :class:`PortsObservation` (pure; used on recorded XML in tests)."""
    base = dict(host=host, address=address, ports_spec=ports_spec, expected=sorted(set(expected)),
                required=sorted(set(required)), command=command or [])
    try:
        root = ElementTree.fromstring(xml)
    except Exception as exc:  # defusedxml raises several types for hostile or broken XML
        return PortsObservation(**base, error=msg("probe.reason.nmap_unreadable", detail=str(exc)))
    scanned = None
    info = root.find("scaninfo")
    if info is not None and info.get("numservices", "").isdigit():
        scanned = int(info.get("numservices"))
    covered = _port_set(info.get("services", "") if info is not None else "")
    if covered is not None:  # an expected port the scan did not cover is not known to be closed
        base["required"] = [port for port in base["required"] if port in covered]
    hosts = root.findall("host")
    if not hosts:
        finished = root.find("runstats/finished")
        reason = finished.get("errormsg") or finished.get("summary") if finished is not None else None
        return PortsObservation(**base, scanned=scanned,
                                error=msg("probe.reason.nmap_no_host", cause=reason or msg("probe.reason.no_answer")))
    element = hosts[0]
    status = element.find("status")
    if element.get("endtime") is None and element.find("ports") is None:
        return PortsObservation(**base, scanned=scanned, error=msg("probe.reason.nmap_host_timeout"))
    ports: list[PortInfo] = []
    for port in element.findall("ports/port"):
        state = port.find("state")
        service = port.find("service")
        ports.append(PortInfo(
            port=int(port.get("portid", "0")), protocol=port.get("protocol", "tcp"),
            state=state.get("state", "") if state is not None else "",
            reason=state.get("reason", "") if state is not None else "",
            service=service.get("name", "") if service is not None else "",
            product=service.get("product", "") if service is not None else "",
            version=service.get("version", "") if service is not None else "",
            extrainfo=service.get("extrainfo", "") if service is not None else "",
            tunnel=service.get("tunnel", "") if service is not None else "",
            cpe=[c.text or "" for c in service.findall("cpe")] if service is not None else [],
            answers_http=_answers_http(service.get("servicefp", "") if service is not None else "")))
    if status is not None and status.get("state") == "down":
        return PortsObservation(**base, ports=ports, scanned=scanned,
                                error=msg("probe.reason.nmap_host_down", cause=status.get("reason", "")))
    # With -Pn nmap always calls the host "up"; if not one port answered (open or closed),
    # nothing distinguishes a filtering firewall from an unreachable host: could not test.
    answered = sum(1 for p in ports if p.state in ("open", "closed", "unfiltered", "open|filtered"))
    reasons: set[str] = {p.reason for p in ports if p.state == "filtered" and p.reason}
    for extra in element.findall("ports/extraports"):
        if extra.get("state") in ("closed", "open", "unfiltered"):
            answered += int(extra.get("count", "0") or 0)
        else:
            reasons.update(r.get("reason", "") for r in extra.findall("extrareasons"))
    error = None
    if answered == 0:
        error = msg("probe.reason.nmap_no_port_answered",
                    causes=sorted(r for r in reasons if r) or msg("probe.reason.nmap_no_response"))
    return PortsObservation(**base, ports=ports, scanned=scanned, error=error)


_HTTP_REPLY = re.compile(r'r\(GetRequest,[0-9A-Fa-f]+,"HTTP/\d')


def _answers_http(fingerprint: str) -> bool:
    """An unrecognised service that answered nmap's GET probe with an HTTP status line."""
    return bool(_HTTP_REPLY.search(fingerprint.replace("\\.", ".")))


def collect_ports(*, host: str, address: str, ports_spec: str, expected: list[int], service_detection: bool,
                  service_wait: float, timeout: float,
                  required: Sequence[int] = ()) -> tuple[PortsObservation, dict[str, bytes]]:
    base = dict(host=host, address=address, ports_spec=ports_spec, expected=sorted(set(expected)),
                required=sorted(set(required)))
    if nmap_path() is None:
        return PortsObservation(**base, error=msg("probe.reason.nmap_missing")), {}
    host_timeout = max(60.0, 12 * timeout)
    command = nmap_command(address, ports_spec, service_detection=service_detection, service_wait=service_wait,
                           host_timeout=host_timeout)
    try:
        completed = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=host_timeout + 30)
    except subprocess.TimeoutExpired:
        return PortsObservation(**base, command=command,
                                error=msg("probe.reason.nmap_timeout", seconds=round(host_timeout + 30))), {}
    artifacts = {"nmap.xml": completed.stdout}
    if completed.stderr.strip():
        artifacts["nmap-stderr.txt"] = completed.stderr
    if completed.returncode != 0 and not completed.stdout.strip():
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        return PortsObservation(**base, command=command,
                                error=msg("probe.reason.nmap_failed",
                                          detail=message[-1] if message else str(completed.returncode))), artifacts
    return parse_nmap_xml(completed.stdout, host=host, address=address, ports_spec=ports_spec, expected=expected,
                          command=command, required=required), artifacts
