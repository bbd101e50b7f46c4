"""Tool outputs → observations, on recorded outputs (no tool needed) and on broken ones."""

from __future__ import annotations

from datetime import datetime, timezone

from expertise.probe.nmap import nmap_command, parse_nmap_xml, validate_ports_spec
from expertise.probe.observations import SshObservation, TlsObservation
from expertise.probe.ssh import observation_from_ssh_audit
from expertise.probe.tls import observation_from_sslyze, parse_s_client, s_client_command

import pytest

from expertise.i18n import msg

WHEN = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def _from_export(recorded, name: str) -> TlsObservation:
    export = recorded(name)
    location = export["server_scan_results"][0]["server_location"]
    return observation_from_sslyze(export, endpoint=f"127.0.0.1:{location['port']}", host="127.0.0.1",
                                   address="127.0.0.1", port=location["port"], server_name="127.0.0.1",
                                   observed_at=WHEN)


def test_sslyze_export_of_the_weak_server(recorded) -> None:
    tls = _from_export(recorded, "weak-tls-sslyze.json.gz")
    assert tls.error is None
    assert tls.accepted_versions() == ["TLSv1.0", "TLSv1.1", "TLSv1.2"]
    assert {s.name for s in tls.suites} == {"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"}
    assert all(s.kex_type is None for s in tls.suites)
    leaf = tls.chain[0]
    assert (leaf.key_type, leaf.key_size, leaf.signature_hash) == ("RSA", 1024, "sha1")
    assert leaf.self_signed and leaf.san_dns == [] and leaf.common_names == ["weak.example"]
    assert not any(t.ok for t in tls.trust)
    assert tls.heartbleed is False and tls.compression is False and tls.robot.startswith("NOT_VULNERABLE")
    # the parsed observation is what the collector recorded during the live run
    recorded_observation = TlsObservation.model_validate(recorded("weak-tls-observation.json"))
    assert tls.suites == recorded_observation.suites and tls.chain == recorded_observation.chain


def test_sslyze_export_of_the_strong_server(recorded) -> None:
    tls = _from_export(recorded, "strong-tls-sslyze.json.gz")
    assert tls.accepted_versions() == ["TLSv1.2", "TLSv1.3"]
    assert all(s.kex_type == "ECDH" for s in tls.suites)
    assert [c.key_type for c in tls.chain] == ["RSA", "EC"]
    assert tls.chain[0].ocsp_urls == ["http://ocsp.pki.invalid/"]
    assert [t.store for t in tls.trust if t.ok] == ["Supplied CA file"]
    assert tls.verified_chain_length == 3


def test_sslyze_connectivity_error_and_partial_failures(recorded) -> None:
    export = recorded("strong-tls-sslyze.json.gz")
    server = export["server_scan_results"][0]
    refused = {**export, "server_scan_results": [{**server, "connectivity_status": "ERROR",
                                                  "scan_status": "ERROR_NO_CONNECTIVITY", "scan_result": None,
                                                  "connectivity_error_trace": 'Traceback...\nsslyze.errors.ServerRejectedConnection: 127.0.0.1:9 -> "Server rejected the connection".'}]}
    tls = observation_from_sslyze(refused, endpoint="x", host="h", address="127.0.0.1", port=9, server_name="h",
                                  observed_at=WHEN)
    assert tls.error == msg("probe.reason.tls_no_connection", cause=msg("probe.sslyze.rejected"))
    assert str(tls.error) == "no TLS connection: the server rejected the connection"
    result = dict(server["scan_result"])
    result["heartbleed"] = {"status": "ERROR", "error_reason": "BUG_IN_SSLYZE", "error_trace": "x\nValueError: boom",
                            "result": None}
    partial = observation_from_sslyze({**export, "server_scan_results": [{**server, "scan_result": result}]},
                                      endpoint="x", host="h", address="127.0.0.1", port=1, server_name="h",
                                      observed_at=WHEN)
    assert partial.heartbleed is None and "heartbleed" in partial.command_errors
    assert partial.command_errors["heartbleed"].args == {"reason": "BUG_IN_SSLYZE", "detail": "boom"}
    empty = observation_from_sslyze({"server_scan_results": []}, endpoint="x", host="h", address="a", port=1,
                                    server_name="h", observed_at=WHEN)
    assert empty.error


def test_recorded_s_client_transcript_shows_no_encrypt_then_mac() -> None:
    from pathlib import Path

    transcript = (Path(__file__).parent / "data" / "weak-tls-s_client-etm.txt").read_text()
    etm, ems, error = parse_s_client(transcript)
    assert (etm, error) == (False, None)


def test_s_client_parsing() -> None:
    ok = 'TLS server extension "encrypt-then-mac" (id=22), len=0\nTLS server extension "extended master secret" (id=23)\nNew, TLSv1.2, Cipher is AES128-SHA\n'
    assert parse_s_client(ok) == (True, "yes", None)
    without = "New, TLSv1.2, Cipher is AES128-SHA\n"
    assert parse_s_client(without) == (False, "no", None)
    failed = "140:error:0A000410:SSL routines::sslv3 alert handshake failure\nNew, (NONE), Cipher is (NONE)\n"
    etm, _, error = parse_s_client(failed)
    assert etm is None and error is not None and "handshake failure" in error.args["cause"]
    command = s_client_command("::1", 443, "vote.example", "TLSv1.0", ["AES128-SHA"])
    assert command[3] == "[::1]:443" and "-tls1" in command and command[-1] == "vote.example"
    assert "-servername" not in s_client_command("127.0.0.1", 443, "127.0.0.1", "TLSv1.2", ["AES128-SHA"])


def test_nmap_xml(recorded) -> None:
    from pathlib import Path

    xml = (Path(__file__).parent / "data" / "weak-host-nmap.xml").read_bytes()
    ports = parse_nmap_xml(xml, host="127.0.0.1", address="127.0.0.1", ports_spec="1,2,3", expected=[1])
    assert ports.error is None and ports.scanned == 3
    assert {p.service for p in ports.open_ports} == {"http", "ssh"}
    assert any(p.tunnel == "ssl" for p in ports.open_ports)
    assert any(p.product == "OpenSSH" and p.cpe for p in ports.open_ports)


@pytest.mark.parametrize("xml,text", [
    (b"<nmaprun><host", "unreadable"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><nmaprun>&b;</nmaprun>',
     "unreadable"),
    (b'<nmaprun><runstats><finished errormsg="Failed to resolve"/></runstats></nmaprun>', "Failed to resolve"),
])
def test_nmap_xml_broken_or_hostile(xml: bytes, text: str) -> None:
    ports = parse_nmap_xml(xml, host="h", address="127.0.0.1", ports_spec="1", expected=[])
    assert ports.error and text in str(ports.error)


def test_nmap_command_is_connect_scan_without_dns() -> None:
    command = nmap_command("127.0.0.1", "top-1000", service_detection=True, service_wait=1.0, host_timeout=60)
    assert command[:4] == ["nmap", "-sT", "-Pn", "-n"]
    assert "--top-ports" in command and command[command.index("--top-ports") + 1] == "1000"
    assert command[-1] == "127.0.0.1" and "-6" not in command
    assert "-6" in nmap_command("::1", "22", service_detection=False, service_wait=1, host_timeout=60)


@pytest.mark.parametrize("spec,ok", [("top-1000", True), ("none", True), ("22,443,8000-8100", True),
                                     ("0", False), ("70000", False), ("22;443", False), ("443-22", False),
                                     ("top-0", False), ("all", False)])
def test_ports_spec(spec: str, ok: bool) -> None:
    if ok:
        assert validate_ports_spec(spec)
    else:
        with pytest.raises(ValueError):
            validate_ports_spec(spec)


def test_ssh_audit_json(recorded) -> None:
    observation = SshObservation(endpoint="ssh://x:1", host="x", address="127.0.0.1", port=1)
    observation = observation_from_ssh_audit(recorded("weak-ssh-ssh-audit.json"), observation)
    assert "diffie-hellman-group1-sha1" in observation.kex
    assert {k.algorithm for k in observation.host_keys} >= {"ssh-rsa"}
    assert all(k.size == 1024 for k in observation.host_keys)
    assert observation.software.startswith("OpenSSH_")
    empty = SshObservation(endpoint="ssh://x:1", host="x", address="127.0.0.1", port=1)
    empty = observation_from_ssh_audit({"banner": {"raw": "SSH-2.0-x"}}, empty)
    assert empty.audit_error == msg("probe.reason.ssh_no_kexinit")


def test_unrecognised_service_answering_http_is_flagged() -> None:
    xml = (b'<nmaprun><scaninfo numservices="1"/><host endtime="1"><status state="up"/><ports>'
           b'<port protocol="tcp" portid="8080"><state state="open" reason="syn-ack"/>'
           b'<service name="unknown" servicefp="SF-Port8080-TCP:V=7.93%r(GetRequest,9D,&quot;HTTP/1\\.0\\x20301'
           b'\\x20Moved&quot;)%r(SSLSessionReq,1E8,&quot;x&quot;);" method="table" conf="3"/></port>'
           b'<port protocol="tcp" portid="9000"><state state="open" reason="syn-ack"/>'
           b'<service name="unknown" servicefp="SF-Port9000-TCP:V=7.93%r(NULL,4,&quot;\\x01\\x02&quot;);"/></port>'
           b'</ports></host></nmaprun>')
    ports = parse_nmap_xml(xml, host="h", address="127.0.0.1", ports_spec="8080,9000", expected=[])
    assert [p.answers_http for p in ports.ports] == [True, False]


def test_scan_where_no_port_answered_is_untested() -> None:
    xml = (b'<nmaprun><scaninfo numservices="2"/><host endtime="1"><status state="up" reason="user-set"/><ports>'
           b'<extraports state="filtered" count="2"><extrareasons reason="net-unreach" count="2"/></extraports>'
           b'</ports></host></nmaprun>')
    ports = parse_nmap_xml(xml, host="h", address="127.0.0.1", ports_spec="1,2", expected=[])
    assert ports.error and ports.error.args["causes"] == ["net-unreach"]
    closed = xml.replace(b'state="filtered" count="2"', b'state="closed" count="2"')
    assert parse_nmap_xml(closed, host="h", address="127.0.0.1", ports_spec="1,2", expected=[]).error is None


def test_openssh_client_log_parsing() -> None:
    from expertise.probe.openssh_client import parse

    log = ("debug1: Remote protocol version 2.0, remote software version OpenSSH_5.3\n"
           "debug1: kex: algorithm: diffie-hellman-group1-sha1\n"
           "debug1: Server host key: ssh-rsa SHA256:abcDEF+/012\n"
           "debug1: Authentications that can continue: publickey,gssapi-with-mic,password\n"
           "expertise-probe@10.0.0.1: Permission denied (publickey,gssapi-with-mic,password).\n")
    facts = parse(log)
    assert facts["banner"] == "SSH-2.0-OpenSSH_5.3"
    assert facts["negotiated"] == {"kex": "diffie-hellman-group1-sha1"}
    assert (facts["host_key_type"], facts["host_key_fingerprint"]) == ("ssh-rsa", "SHA256:abcDEF+/012")
    assert facts["auth_methods"] == ["publickey", "gssapi-with-mic", "password"]
    let_in = parse('debug1: Authenticated to 10.0.0.1 ([10.0.0.1]:22) using "none".\n')
    assert let_in["auth_methods"] == ["none"]
    assert "auth_methods" not in parse("ssh: connect to host 10.0.0.1 port 22: Connection refused\n")


def test_an_expected_port_outside_the_scan_is_not_required() -> None:
    """``--ports top-N`` may not cover a declared port: it is then not known to be closed, and
    PORT-001 must not call it « not open »."""
    from expertise.probe.nmap import parse_nmap_xml

    xml = (b'<nmaprun><scaninfo type="connect" protocol="tcp" numservices="3" services="22,80-81"/>'
           b'<host endtime="1"><status state="up"/><ports><port protocol="tcp" portid="22"><state state="open"/>'
           b'</port></ports></host></nmaprun>')
    observed = parse_nmap_xml(xml, host="h", address="127.0.0.1", ports_spec="top-3", expected=[22, 81, 8443],
                              required=[22, 81, 8443])
    assert observed.required == [22, 81]
