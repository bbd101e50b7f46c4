"""Port rules: what the host exposes, against what the expert expects (1-01, 2-06)."""

from __future__ import annotations

from ...wording import plural_s
from .. import policy
from ..observations import PortInfo, PortsObservation
from .common import Outcome, failed, informational, listing, listing_fr, passed, ports_rule


def _risk(port: PortInfo) -> str | None:
    if port.tunnel == "ssl":
        return None  # a TLS-wrapped service is judged by the TLS rules
    return policy.RISKY_SERVICES.get(port.service) or policy.RISKY_PORTS.get(port.port)


# French wording of policy.RISKY_PORTS / RISKY_SERVICES descriptions (product names are kept).
_RISK_FR = {
    "FTP (clear-text credentials)": "FTP (identifiants en clair)",
    "Telnet (clear-text administration)": "Telnet (administration en clair)",
    "rexec (clear-text)": "rexec (en clair)",
    "rlogin (clear-text)": "rlogin (en clair)",
    "rsh (clear-text)": "rsh (en clair)",
    "SMB file sharing": "partage de fichiers SMB",
    "NetBIOS session (SMB)": "session NetBIOS (SMB)",
    "rsync daemon": "démon rsync",
    "Oracle database": "base de données Oracle",
    "Docker API without TLS": "API Docker sans TLS",
    "RDP remote desktop": "bureau à distance RDP",
    "VNC remote desktop": "bureau à distance VNC",
}


def _risk_fr(port: PortInfo) -> str:
    risk = _risk(port) or ""
    return _RISK_FR.get(risk, risk)


@ports_rule("PORT-001")
def only_expected_services(ports: PortsObservation) -> Outcome:
    """Every open port is one the expert expects (the targets, and ports declared as expected)."""
    expected = set(ports.expected)
    unexpected = [p.label for p in ports.open_ports if p.port not in expected]
    if ports.scanned:
        scanned = f"{ports.scanned} ports scanned ({ports.ports_spec})"
        mark = plural_s(ports.scanned)
        scanned_fr = f"{ports.scanned} port{mark} balayé{mark} ({ports.ports_spec})"
    else:
        scanned, scanned_fr = f"ports {ports.ports_spec}", f"ports {ports.ports_spec}"
    if unexpected:
        return failed(f"unexpected open ports: {listing(unexpected, 10)} — {scanned}",
                      fr=f"ports ouverts inattendus : {listing_fr(unexpected, 10)} — {scanned_fr}",
                      unexpected=unexpected)
    opened = [p.label for p in ports.open_ports]
    return passed(f"only expected ports open ({listing(opened, 10) or 'none'}) — {scanned}",
                  fr=f"seuls les ports attendus sont ouverts ({listing_fr(opened, 10) or 'aucun'}) — {scanned_fr}",
                  open=opened)


@ports_rule("PORT-002")
def no_risky_services(ports: PortsObservation) -> Outcome:
    """No clear-text administration, remote desktop, file sharing or database service exposed."""
    risky = [f"{p.label}: {_risk(p)}" for p in ports.open_ports if _risk(p)]
    if risky:
        risky_fr = [f"{p.label} : {_risk_fr(p)}" for p in ports.open_ports if _risk(p)]
        return failed(f"sensitive services exposed: {listing(risky, 6)}",
                      fr=f"services sensibles exposés : {listing_fr(risky_fr, 6)}", services=risky)
    return passed("no clear-text administration, file-sharing or database service exposed",
                  fr="aucun service d’administration en clair, de partage de fichiers ni de base de données exposé")


@ports_rule("PORT-003")
def service_inventory(ports: PortsObservation) -> Outcome:
    """The services and versions seen, for the expert's comparison with published vulnerabilities (1-01)."""
    inventory = [{"port": p.port, "service": p.service, "product": p.product, "version": p.version,
                  "tunnel": p.tunnel, "cpe": p.cpe} for p in ports.open_ports]
    labels = [p.label for p in ports.open_ports]
    return informational(f"{len(inventory)} open port(s): {listing(labels, 12) or 'no open port'}",
                         fr=f"{len(inventory)} port(s) ouvert(s) : {listing_fr(labels, 12) or 'aucun port ouvert'}",
                         services=inventory)


RULES = (only_expected_services, no_risky_services, service_inventory)
