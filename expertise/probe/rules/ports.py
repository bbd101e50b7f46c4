"""Port rules: what the host exposes, against what the expert expects (1-01, 2-06)."""

from __future__ import annotations

from .. import policy
from ..observations import PortInfo, PortsObservation
from .common import Outcome, failed, informational, listing, passed, ports_rule


def _risk(port: PortInfo) -> str | None:
    if port.tunnel == "ssl":
        return None  # a TLS-wrapped service is judged by the TLS rules
    return policy.RISKY_SERVICES.get(port.service) or policy.RISKY_PORTS.get(port.port)


@ports_rule("PORT-001")
def only_expected_services(ports: PortsObservation) -> Outcome:
    """Every open port is one the expert expects (the targets, and ports declared as expected)."""
    expected = set(ports.expected)
    unexpected = [p.label for p in ports.open_ports if p.port not in expected]
    scanned = f"{ports.scanned} ports scanned ({ports.ports_spec})" if ports.scanned else f"ports {ports.ports_spec}"
    if unexpected:
        return failed(f"unexpected open ports: {listing(unexpected, 10)} — {scanned}", unexpected=unexpected)
    opened = [p.label for p in ports.open_ports]
    return passed(f"only expected ports open ({listing(opened, 10) or 'none'}) — {scanned}", open=opened)


@ports_rule("PORT-002")
def no_risky_services(ports: PortsObservation) -> Outcome:
    """No clear-text administration, remote desktop, file sharing or database service exposed."""
    risky = [f"{p.label}: {_risk(p)}" for p in ports.open_ports if _risk(p)]
    if risky:
        return failed(f"sensitive services exposed: {listing(risky, 6)}", services=risky)
    return passed("no clear-text administration, file-sharing or database service exposed")


@ports_rule("PORT-003")
def service_inventory(ports: PortsObservation) -> Outcome:
    """The services and versions seen, for the expert's comparison with published vulnerabilities (1-01)."""
    inventory = [{"port": p.port, "service": p.service, "product": p.product, "version": p.version,
                  "tunnel": p.tunnel, "cpe": p.cpe} for p in ports.open_ports]
    text = listing((p.label for p in ports.open_ports), 12) or "no open port"
    return informational(f"{len(inventory)} open port(s): {text}", services=inventory)


RULES = (only_expected_services, no_risky_services, service_inventory)
