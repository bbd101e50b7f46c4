"""Port rules: what the host exposes, against what the expert expects (1-01, 2-06)."""

from __future__ import annotations

from ...i18n import Arg, Message, msg
from .. import policy
from ..observations import PortInfo, PortsObservation
from .common import Outcome, failed, informational, listing, passed, ports_rule, untested


def _risk(port: PortInfo) -> Arg | None:
    if port.tunnel == "ssl":
        return None  # a TLS-wrapped service is judged by the TLS rules
    return policy.RISKY_SERVICES.get(port.service) or policy.RISKY_PORTS.get(port.port)


def _scanned(ports: PortsObservation) -> Message:
    if ports.scanned:
        return msg("probe.ports.scanned_count", count=ports.scanned, spec=ports.ports_spec)
    return msg("probe.ports.scanned_spec", spec=ports.ports_spec)


@ports_rule("PORT-001")
def only_expected_services(ports: PortsObservation) -> Outcome:
    """Every open port is one the expert expects (the targets, and ports declared as expected), and
    every port declared as expected is open. A host with no open port at all proves nothing about
    what it exposes (the platform did not answer): could not test, never "only expected ports"."""
    if not ports.open_ports:
        return untested(msg("probe.port_001.nothing_open", scanned=_scanned(ports)))
    expected = set(ports.expected)
    unexpected = [p.label for p in ports.open_ports if p.port not in expected]
    opened_numbers = {p.port for p in ports.open_ports}
    closed = [str(port) for port in ports.required if port not in opened_numbers]  # a port number is an identifier
    problems: list[Arg] = []
    if unexpected:
        problems.append(msg("probe.port_001.unexpected", ports=listing(unexpected, 10)))
    if closed:
        problems.append(msg("probe.port_001.expected_closed", ports=listing(closed, 10)))
    if problems:
        return failed(msg("probe.port_001.fail", problems=problems, scanned=_scanned(ports)),
                      unexpected=unexpected, expected_closed=closed)
    opened = [p.label for p in ports.open_ports]
    return passed(msg("probe.port_001.pass", ports=listing(opened, 10) if opened else msg("probe.ports.none_open"),
                      scanned=_scanned(ports)), open=opened)


@ports_rule("PORT-002")
def no_risky_services(ports: PortsObservation) -> Outcome:
    """No clear-text administration, remote desktop, file sharing or database service exposed."""
    risky = [(p, risk) for p in ports.open_ports if (risk := _risk(p))]
    if risky:
        services = [msg("probe.port_002.service", port=p.label, risk=risk) for p, risk in risky]
        return failed(msg("probe.port_002.fail", services=listing(services, 6)), services=[p.label for p, _ in risky])
    return passed(msg("probe.port_002.pass"))


@ports_rule("PORT-003")
def service_inventory(ports: PortsObservation) -> Outcome:
    """The services and versions seen, for the expert's comparison with published vulnerabilities (1-01)."""
    inventory = [{"port": p.port, "service": p.service, "product": p.product, "version": p.version,
                  "tunnel": p.tunnel, "cpe": p.cpe} for p in ports.open_ports]
    labels = [p.label for p in ports.open_ports]
    if not labels:
        return informational(msg("probe.port_003.none"), services=inventory)
    return informational(msg("probe.port_003.info", count=len(inventory), ports=listing(labels, 12)),
                         services=inventory)


RULES = (only_expected_services, no_risky_services, service_inventory)
