"""SSH and port rules on recorded observations (sshd strong/weak, nmap) and variations."""

from __future__ import annotations

import pytest

from expertise.i18n import msg

from expertise.probe.observations import PortInfo, PortsObservation, ProbeObservation, SshHostKey, SshObservation
from expertise.results import Status

SSH_IDS = {f"SSH-{n:03d}" for n in range(1, 12)}


@pytest.fixture
def strong_ssh(recorded) -> SshObservation:
    return SshObservation.model_validate(recorded("strong-ssh-observation.json"))


@pytest.fixture
def weak_ssh(recorded) -> SshObservation:
    return SshObservation.model_validate(recorded("weak-ssh-observation.json"))


def ssh(evaluate_probe, observation: SshObservation) -> dict:
    results = evaluate_probe(ProbeObservation(kind="ssh", target=observation.endpoint, ssh=observation))
    assert set(results) == SSH_IDS
    return results


def test_strong_ssh_passes(evaluate_probe, strong_ssh) -> None:
    results = ssh(evaluate_probe, strong_ssh)
    assert {k: r.status.value for k, r in results.items() if r.status is not Status.PASS} == {
        "SSH-006": "not_applicable", "SSH-010": "informational",
        "SSH-011": "manual"}  # no sshd -T collected: the server's own settings remain for the expert


def test_weak_ssh_fails(evaluate_probe, weak_ssh) -> None:
    results = ssh(evaluate_probe, weak_ssh)
    assert sorted(k for k, r in results.items() if r.status is Status.FAIL) == [
        "SSH-002", "SSH-003", "SSH-004", "SSH-005", "SSH-006", "SSH-007", "SSH-008"]


def test_ssh_variations(evaluate_probe, strong_ssh) -> None:
    assert ssh(evaluate_probe, strong_ssh.model_copy(update={"protocol": "1.99"}))["SSH-001"].status is Status.FAIL
    dsa = strong_ssh.model_copy(update={"host_keys": [SshHostKey(algorithm="ssh-dss", size=1024)]})
    results = ssh(evaluate_probe, dsa)
    assert results["SSH-005"].status is Status.FAIL and results["SSH-007"].status is Status.FAIL
    rsa = strong_ssh.model_copy(update={"host_keys": [SshHostKey(algorithm="rsa-sha2-512", size=3072)]})
    results = ssh(evaluate_probe, rsa)
    assert results["SSH-005"].status is Status.PASS and results["SSH-006"].status is Status.PASS
    nist = strong_ssh.model_copy(update={"kex": ["ecdh-sha2-nistp384", "kex-strict-s-v00@openssh.com", "ext-info-s"]})
    assert ssh(evaluate_probe, nist)["SSH-002"].status is Status.PASS  # ANSSI accepts NIST curves
    cves = strong_ssh.model_copy(update={"cves": [{"name": "CVE-2024-6387", "cvssv2": 8.1}]})
    result = ssh(evaluate_probe, cves)["SSH-009"]
    assert result.status is Status.MANUAL and "CVE-2024-6387" in result.text("en")


def test_partial_ssh_observation_is_untested_where_it_is_missing(evaluate_probe, strong_ssh) -> None:
    no_audit = strong_ssh.model_copy(update={"audit_error": msg("probe.reason.ssh_audit_timeout", seconds=25)})
    results = ssh(evaluate_probe, no_audit)
    for check in ("SSH-002", "SSH-003", "SSH-004", "SSH-005", "SSH-006", "SSH-007", "SSH-009"):
        assert results[check].status is Status.ERROR and "25 s" in results[check].text("en")
    assert results["SSH-008"].status is Status.PASS  # paramiko's part is still there
    no_auth = strong_ssh.model_copy(update={"auth_methods": None, "auth_error": msg("probe.reason.ssh_incompatible", detail="no acceptable kex")})
    result = ssh(evaluate_probe, no_auth)["SSH-008"]
    assert result.status is Status.ERROR and "key exchange impossible" in result.text("en")
    down = SshObservation(endpoint="ssh://127.0.0.1:9", host="127.0.0.1", address="127.0.0.1", port=9,
                          error=msg("probe.reason.refused"))
    assert {r.status for r in ssh(evaluate_probe, down).values()} == {Status.ERROR}


@pytest.fixture
def ports(recorded) -> PortsObservation:
    return PortsObservation.model_validate(recorded("weak-host-observation.json"))


def port_results(evaluate_probe, observation: PortsObservation) -> dict:
    return evaluate_probe(ProbeObservation(kind="host", target=observation.host, ports=observation))


def test_unexpected_port_fails_and_expected_passes(evaluate_probe, ports) -> None:
    results = port_results(evaluate_probe, ports)
    assert results["PORT-001"].status is Status.FAIL  # the clear-text port was not declared
    every = ports.model_copy(update={"expected": [p.port for p in ports.ports]})
    assert port_results(evaluate_probe, every)["PORT-001"].status is Status.PASS


def test_risky_services(evaluate_probe, ports) -> None:
    database = ports.model_copy(update={"ports": [*ports.ports, PortInfo(port=5432, state="open", service="postgresql")]})
    result = port_results(evaluate_probe, database)["PORT-002"]
    assert result.status is Status.FAIL and "PostgreSQL" in result.text("en")
    telnet = ports.model_copy(update={"ports": [PortInfo(port=2323, state="open", service="telnet")]})
    assert port_results(evaluate_probe, telnet)["PORT-002"].status is Status.FAIL
    closed = ports.model_copy(update={"ports": [PortInfo(port=3306, state="closed", service="mysql")]})
    assert port_results(evaluate_probe, closed)["PORT-002"].status is Status.PASS
    tls_wrapped = ports.model_copy(update={"ports": [PortInfo(port=3306, state="open", service="mysql", tunnel="ssl")]})
    assert port_results(evaluate_probe, tls_wrapped)["PORT-002"].status is Status.PASS


def test_inventory_and_untested_scan(evaluate_probe, ports) -> None:
    results = port_results(evaluate_probe, ports)
    assert results["PORT-003"].status is Status.INFORMATIONAL
    assert any(s["product"] == "OpenSSH" for s in results["PORT-003"].details["services"])
    failed = ports.model_copy(update={"error": msg("probe.reason.nmap_missing"), "ports": []})
    assert {r.status for r in port_results(evaluate_probe, failed).values()} == {Status.ERROR}


def test_an_expected_port_not_open_is_a_finding(evaluate_probe, ports) -> None:
    every = ports.model_copy(update={"expected": [p.port for p in ports.ports] + [8443], "required": [8443]})
    result = port_results(evaluate_probe, every)["PORT-001"]
    assert result.status is Status.FAIL and "expected ports not open: 8443" in result.text("en")
    assert result.details["expected_closed"] == ["8443"] and result.details["unexpected"] == []
    assert "ports attendus non ouverts" in result.text("fr")


def test_no_open_port_at_all_is_could_not_test_not_only_expected(evaluate_probe, ports) -> None:
    closed = [p.model_copy(update={"state": "closed"}) for p in ports.ports]
    nothing = ports.model_copy(update={"ports": closed, "expected": [443], "required": [443]})
    result = port_results(evaluate_probe, nothing)["PORT-001"]
    assert result.status is Status.ERROR and "no port answered open" in result.text("en")
    assert "only expected" not in result.text("en")
