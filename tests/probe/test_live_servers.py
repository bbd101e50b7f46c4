"""The whole probe against real servers: nginx, sshd, nmap — weak ones fail, strong ones pass.

Each run is the real command (`python -m expertise probe ... --json`), so these tests also
cover the CLI, the evidence folder and the JSON output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from expertise.i18n import Message, render

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def strong(nginx_strong, sshd_strong, pki, cli, tmp_path_factory):
    folder = tmp_path_factory.mktemp("strong-run")
    ports = f"{nginx_strong.https_port},{nginx_strong.http_port},{sshd_strong.port}"
    return cli("probe", "--target", nginx_strong.url, "--target", nginx_strong.plain_url,
                     "--target", sshd_strong.target, "--ports", ports, "--ca-file", pki.root_ca,
                     "--timeout", "5", "--json", "out.json", "--evidence", "evidence", "--no-progress", cwd=folder)


@pytest.fixture(scope="module")
def weak(nginx_weak, sshd_weak, cli, tmp_path_factory):
    folder = tmp_path_factory.mktemp("weak-run")
    # the clear-text port is NOT given as a target: the port scan must find it
    ports = f"{nginx_weak.https_port},{nginx_weak.http_port},{sshd_weak.port}"
    return cli("probe", "--target", nginx_weak.url, "--target", sshd_weak.target, "--ports", ports,
                     "--timeout", "5", "--json", "out.json", "--evidence", "evidence", "--no-progress", cwd=folder)


def _statuses(results: dict[str, dict], ids: list[str]) -> dict[str, str]:
    return {check: results[check]["status"] if check in results else "missing" for check in ids}


STRONG_TLS_PASS = ["TLS-001", "TLS-002", "TLS-003", "TLS-004", "TLS-005", "TLS-007", "TLS-008", "TLS-009",
                   "TLS-010", "TLS-011", "TLS-012", "TLS-013", "TLS-014", "TLS-015", "TLS-020", "TLS-021",
                   "TLS-022", "TLS-023", "TLS-024", "TLS-025", "TLS-026", "TLS-027"]
STRONG_HTTP_PASS = ["HTTP-001", "HTTP-002", "HTTP-003", "HTTP-004", "HTTP-005", "HTTP-006", "HTTP-007",
                    "HTTP-008", "HTTP-009", "HTTP-010", "HTTP-011"]
STRONG_SSH_PASS = ["SSH-001", "SSH-002", "SSH-003", "SSH-004", "SSH-005", "SSH-007", "SSH-008"]


def test_strong_configuration_passes_every_check(strong, nginx_strong,
                                                 sshd_strong) -> None:
    assert strong.returncode == 0, strong.stderr + strong.stdout
    page = strong.results(f"127.0.0.1:{nginx_strong.https_port}/")
    assert _statuses(page, STRONG_TLS_PASS + STRONG_HTTP_PASS) == {c: "pass" for c in STRONG_TLS_PASS + STRONG_HTTP_PASS}
    assert page["TLS-006"]["status"] == "not_applicable"  # no CBC suite at all
    assert page["HTTP-012"]["status"] == "informational"
    assert page["HTTP-012"]["details"]["grade"] in ("A+", "A")
    ssh = strong.results(f"ssh://127.0.0.1:{sshd_strong.port}")
    assert _statuses(ssh, STRONG_SSH_PASS) == {c: "pass" for c in STRONG_SSH_PASS}
    assert ssh["SSH-006"]["status"] == "not_applicable"  # Ed25519 only
    assert ssh["SSH-010"]["message"].startswith("ssh-ed25519 SHA256:")
    assert ssh["SSH-008"]["details"]["methods"] == ["publickey"]
    assert ssh["SSH-011"]["status"] == "manual"  # no sshd -T given: root login, passwords… unverified
    ports = strong.results("probe:host:127.0.0.1")
    assert ports["PORT-001"]["status"] == "pass"
    assert ports["PORT-002"]["status"] == "pass"
    inventory = {s["port"]: s for s in ports["PORT-003"]["details"]["services"]}
    assert inventory[sshd_strong.port]["product"] == "OpenSSH"
    assert inventory[nginx_strong.https_port]["tunnel"] == "ssl"


def test_strong_clear_text_entry_point_only_redirects(strong, nginx_strong) -> None:
    plain = strong.results(f"http://127.0.0.1:{nginx_strong.http_port}/")
    assert plain["HTTP-007"]["status"] == "pass"
    assert plain["HTTP-008"]["status"] == "pass"
    assert "HTTP-001" not in plain  # header rules judge HTTPS pages only


WEAK_TLS_FAIL = ["TLS-001", "TLS-002", "TLS-004", "TLS-005", "TLS-006", "TLS-020", "TLS-021", "TLS-022",
                 "TLS-023", "TLS-025", "TLS-026"]
WEAK_HTTP_FAIL = ["HTTP-001", "HTTP-002", "HTTP-003", "HTTP-004", "HTTP-005", "HTTP-006", "HTTP-007",
                  "HTTP-008", "HTTP-010", "HTTP-011"]
WEAK_SSH_FAIL = ["SSH-002", "SSH-003", "SSH-004", "SSH-005", "SSH-006", "SSH-007", "SSH-008"]


def test_weak_configuration_gets_the_specific_failures(weak, nginx_weak,
                                                       sshd_weak) -> None:
    assert weak.returncode == 1, weak.stderr
    page = weak.results(f"127.0.0.1:{nginx_weak.https_port}/")
    assert _statuses(page, WEAK_TLS_FAIL + WEAK_HTTP_FAIL) == {c: "fail" for c in WEAK_TLS_FAIL + WEAK_HTTP_FAIL}
    assert "TLSv1.0" in page["TLS-001"]["message"] and "TLSv1.1" in page["TLS-001"]["message"]
    assert "RSA 1024 bits" in page["TLS-020"]["message"]
    assert "sha1" in page["TLS-022"]["message"].lower()
    assert "Encrypt-then-MAC" in page["TLS-006"]["message"]
    assert any(e.endswith("s_client-etm.txt") for e in page["TLS-006"]["evidence"])
    # the clear-text port was found by the port scan, not declared
    assert f":{nginx_weak.http_port}/" in page["HTTP-008"]["message"]
    assert "nginx/" in page["HTTP-010"]["message"]
    assert "http://cdn.example.org/lib.js" in page["HTTP-011"]["message"]
    assert "sessionid" in page["HTTP-006"]["message"]
    ssh = weak.results(f"ssh://127.0.0.1:{sshd_weak.port}")
    assert _statuses(ssh, WEAK_SSH_FAIL) == {c: "fail" for c in WEAK_SSH_FAIL}
    assert "diffie-hellman-group1-sha1" in ssh["SSH-002"]["message"]
    assert "3des-cbc" in ssh["SSH-003"]["message"]
    assert "hmac-md5" in ssh["SSH-004"]["message"]
    assert "1024" in ssh["SSH-005"]["message"]
    assert "password" in ssh["SSH-008"]["message"]


def test_weak_clear_text_port_is_an_unexpected_service(weak, nginx_weak) -> None:
    ports = weak.results("probe:host:127.0.0.1")
    assert ports["PORT-001"]["status"] == "fail"
    assert f"{nginx_weak.http_port}/tcp" in ports["PORT-001"]["message"]


def test_every_result_names_existing_evidence(strong, weak) -> None:
    for run in (strong, weak):
        assert run.data is not None
        for result_set in run.data["result_sets"]:
            for result in result_set["results"]:
                assert result["evidence"], result
                for path in result["evidence"]:
                    assert (run.cwd / path).is_file(), path


def test_raw_tool_outputs_are_kept(weak) -> None:
    assert weak.data is not None
    files = {Path(p).name for rs in weak.data["result_sets"] for r in rs["results"] for p in r["evidence"]}
    assert {"nmap.xml", "sslyze.json", "s_client-etm.txt", "http-exchanges.json", "ssh-audit.json",
            "paramiko.json", "observation.json"} <= files


def test_sha1_only_server_still_gets_its_authentication_methods(sshd_sha1_only, cli, tmp_path) -> None:
    """paramiko refuses SHA-1 key exchanges; the OpenSSH client still lists the methods."""
    run = cli("probe", "--target", sshd_sha1_only.target, "--ports", "none", "--timeout", "5",
              "--json", "out.json", "--evidence", "ev", "--no-progress", cwd=tmp_path)
    assert run.returncode == 1, run.stderr + run.stdout
    ssh = run.results(f"ssh://127.0.0.1:{sshd_sha1_only.port}")
    assert ssh["SSH-002"]["status"] == "fail" and "sha1" in ssh["SSH-002"]["message"]
    assert ssh["SSH-008"]["status"] == "fail", ssh["SSH-008"]
    assert "password" in ssh["SSH-008"]["details"]["methods"]
    assert ssh["SSH-010"]["message"].startswith("ssh-rsa SHA256:")
    log = next((tmp_path / "ev").rglob("openssh-client.log")).read_text()
    assert "kex: algorithm: diffie-hellman-group" in log and "Permission denied" in log


def test_clear_text_ftp_is_a_sensitive_service(tcp_server, cli, tmp_path) -> None:
    """nmap -sV recognises an FTP banner on an unusual port; PORT-002 names it, in both languages."""
    import socket

    def vsftpd(conn: socket.socket) -> None:
        conn.sendall(b"220 (vsFTPd 3.0.3)\r\n")
        conn.settimeout(5)
        try:
            conn.recv(1024)
        except OSError:
            pass

    server = tcp_server(vsftpd)
    run = cli("probe", "--target", "127.0.0.1", "--ports", str(server.port), "--timeout", "5", "--json", "out.json",
              "--evidence", "ev", "--no-progress", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    ports = run.results("probe:host:127.0.0.1")
    assert ports["PORT-002"]["status"] == "fail"
    assert f"{server.port}/tcp ftp" in ports["PORT-002"]["message"] and "FTP (clear-text credentials)" in \
        ports["PORT-002"]["message"]
    assert "FTP (identifiants en clair)" in render(Message.from_dict(ports["PORT-002"]), "fr")
    assert ports["PORT-001"]["status"] == "fail"  # a bare host target expects no port at all


def test_the_servers_own_sshd_settings_are_judged_when_collected(sshd_weak, cli, tmp_path) -> None:
    """The expert collects `sshd -T` on the server (here: the running test server's own configuration)
    and gives it with --sshd-config: SSH-011 judges what the network cannot show."""
    import subprocess

    collected = tmp_path / "sshd-T.txt"
    collected.write_text(subprocess.run(["/usr/sbin/sshd", "-T", "-f", str(sshd_weak.folder / "sshd_config")],
                                        check=True, capture_output=True, text=True).stdout, encoding="utf-8")
    run = cli("probe", "--target", sshd_weak.target, "--ports", str(sshd_weak.port), "--timeout", "5",
              "--sshd-config", collected, "--json", "out.json", "--evidence", "evidence", "--no-progress",
              cwd=tmp_path)
    result = run.results(sshd_weak.target)["SSH-011"]
    assert result["status"] == "fail" and result["code"] == "probe.ssh_011.fail"
    assert result["details"]["settings"]["permitrootlogin"] == "no"  # the test servers forbid root
    assert "allowagentforwarding yes" in result["message"]  # OpenSSH's default, which ANSSI asks to disable
