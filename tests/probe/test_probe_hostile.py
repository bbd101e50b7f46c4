"""Bad input from the network: every case ends, bounded, with "could not test" and its reason.

Unreachable host, closed port, a server speaking garbage, a slow-loris server, an enormous
header, endless headers, an endless body: never a hang, never a crash, never a "fail" that
the server did not earn.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time

import pytest

pytestmark = pytest.mark.network

BOUND = 60.0  # seconds: far above what each case takes (≈ 1–15 s), far below "hanging"


def probe(cli, tmp_path, *targets: str, ports: str = "none", timeout: str = "2", prefix=None):  # type: ignore[no-untyped-def]
    args = ["probe"]
    for target in targets:
        args += ["--target", target]
    run = cli(*args, "--ports", ports, "--timeout", timeout, "--json", "out.json", "--evidence", "ev",
              "--no-progress", cwd=tmp_path, prefix=prefix)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert run.duration < BOUND
    assert run.data is not None, run.stderr
    return run


def statuses(run, suffix: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {r["status"] for r in run.results(suffix).values()}


def _read_request(conn: socket.socket) -> None:
    conn.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk


def test_closed_port(cli, tmp_path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens any more
    run = probe(cli, tmp_path, f"https://127.0.0.1:{port}/", f"ssh://127.0.0.1:{port}")
    assert run.returncode == 2, run.stderr  # nothing answered: journaled "could not test", not a probe done
    assert "nothing answered" in " ".join(run.stderr.split()) and f"https://127.0.0.1:{port}/" in run.stderr
    page = run.results(f":{port}/")
    assert {r["status"] for r in page.values()} - {"not_applicable"} == {"error"}
    assert "rejected" in page["TLS-001"]["message"].lower() or "refused" in page["TLS-001"]["message"].lower()
    assert "connection refused" in page["HTTP-001"]["message"]
    assert statuses(run, f"ssh://127.0.0.1:{port}") == {"error"}
    assert "connection refused" in run.results(f"ssh://127.0.0.1:{port}")["SSH-001"]["message"]


def test_server_speaking_garbage(cli, tmp_path, tcp_server) -> None:
    def garbage(conn: socket.socket) -> None:
        conn.sendall(os.urandom(4096) + b"\r\n\r\n" + os.urandom(1024))

    server = tcp_server(garbage)
    run = probe(cli, tmp_path, f"https://127.0.0.1:{server.port}/", f"ssh://127.0.0.1:{server.port}",
                f"http://127.0.0.1:{server.port}/", ports=str(server.port))
    assert run.returncode == 0, run.stdout
    assert statuses(run, f"https://127.0.0.1:{server.port}/") - {"not_applicable"} == {"error"}
    assert statuses(run, f"ssh://127.0.0.1:{server.port}") == {"error"}
    plain = run.results(f"http://127.0.0.1:{server.port}/")
    assert plain["HTTP-008"]["status"] == "error"
    assert "not an HTTP response" in plain["HTTP-008"]["message"] or "malformed" in plain["HTTP-008"]["message"]
    inventory = run.results("probe:host:127.0.0.1")["PORT-003"]
    assert inventory["status"] == "informational"  # nmap saw the open port, whatever it speaks


def test_slow_loris_server(cli, tmp_path, tcp_server) -> None:
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        while not stop.is_set():
            conn.sendall(b"S")
            time.sleep(0.5)

    server = tcp_server(drip)
    try:
        run = probe(cli, tmp_path, f"https://127.0.0.1:{server.port}/", f"ssh://127.0.0.1:{server.port}",
                    f"http://127.0.0.1:{server.port}/")
    finally:
        stop.set()
    assert run.returncode == 2, run.stderr  # connections accepted, nothing answered in time: nothing observed
    assert statuses(run, f"https://127.0.0.1:{server.port}/") - {"not_applicable"} == {"error"}
    assert statuses(run, f"ssh://127.0.0.1:{server.port}") == {"error"}
    plain = run.results(f"http://127.0.0.1:{server.port}/")["HTTP-008"]
    assert plain["status"] == "error" and "too slow" in plain["message"]


def test_enormous_header(cli, tmp_path, tcp_server, tls_server_context) -> None:
    def huge(conn: socket.socket) -> None:
        _read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * (1 << 20) + b"\r\n\r\nbody")

    server = tcp_server(huge, tls=tls_server_context)
    run = probe(cli, tmp_path, f"https://127.0.0.1:{server.port}/")
    page = run.results(f":{server.port}/")
    assert page["TLS-001"]["status"] == "pass"  # TLS itself was fine and is judged
    assert page["HTTP-001"]["status"] == "error" and "64 KiB" in page["HTTP-001"]["message"]
    assert all(page[c]["status"] == "error" for c in ("HTTP-002", "HTTP-003", "HTTP-004", "HTTP-005"))


def test_endless_headers(cli, tmp_path, tcp_server, tls_server_context) -> None:
    def endless(conn: socket.socket) -> None:
        _read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(5000)) + b"\r\n")

    server = tcp_server(endless, tls=tls_server_context)
    run = probe(cli, tmp_path, f"https://127.0.0.1:{server.port}/")
    result = run.results(f":{server.port}/")["HTTP-001"]
    assert result["status"] == "error" and "more than 100 headers" in result["message"]


def test_endless_body_is_read_up_to_the_limit(cli, tmp_path, tcp_server, tls_server_context) -> None:
    stop = threading.Event()

    def endless(conn: socket.socket) -> None:
        _read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nStrict-Transport-Security: max-age=31536000"
                     b"\r\n\r\n<html>")
        while not stop.is_set():
            conn.sendall(b"<p>" + b"x" * 65536)

    server = tcp_server(endless, tls=tls_server_context)
    try:
        run = probe(cli, tmp_path, f"https://127.0.0.1:{server.port}/")
    finally:
        stop.set()
    page = run.results(f":{server.port}/")
    assert page["HTTP-001"]["status"] == "pass"  # headers were judged
    exchanges = next((tmp_path / "ev").glob("https-*/http-exchanges.json")).read_text()
    assert '"body_truncated": true' in exchanges and '"body_bytes": 524288' in exchanges


@pytest.mark.skipif(shutil.which("unshare") is None, reason="util-linux unshare not available")
def test_unreachable_host(cli, tmp_path) -> None:
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot create a network namespace here")
    # in a fresh network namespace the loopback is down: 127.0.0.1 is unreachable
    run = probe(cli, tmp_path, "https://127.0.0.1:8443/", "ssh://127.0.0.1:2222", ports="8443,2222",
                prefix=["unshare", "-n"])
    assert run.returncode == 2, run.stderr  # every target unreachable: not a probe done
    for suffix in ("https://127.0.0.1:8443/", "ssh://127.0.0.1:2222", "probe:host:127.0.0.1"):
        assert statuses(run, suffix) - {"not_applicable"} == {"error"}, suffix
    assert "unreachable" in run.results("ssh://127.0.0.1:2222")["SSH-001"]["message"].lower()
    assert "could not be reached" in run.results("probe:host:127.0.0.1")["PORT-001"]["message"]


def test_a_closed_expected_port_is_a_finding_and_a_silent_host_not_a_pass(cli, tmp_path, tcp_server) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    closed = sock.getsockname()[1]
    sock.close()  # nothing listens any more

    def quiet(conn: socket.socket) -> None:
        conn.settimeout(2)
        try:
            conn.recv(1024)
        except OSError:
            pass

    server = tcp_server(quiet)
    spec = f"{server.port},{closed}"
    run = cli("probe", "--target", "127.0.0.1", "--ports", spec, "--expect-port", str(server.port),
              "--expect-port", str(closed), "--no-service-detection", "--timeout", "3", "--json", "out.json",
              "--evidence", "ev", "--no-progress", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    result = run.results("probe:host:127.0.0.1")["PORT-001"]
    assert result["status"] == "fail" and f"expected ports not open: {closed}" in result["message"]

    # the same host with nothing listening on the ports scanned: could not test, exit 2, never "only expected"
    silent = tmp_path / "silent"
    silent.mkdir()
    run = cli("probe", "--target", "127.0.0.1", "--ports", str(closed), "--expect-port", str(closed),
              "--no-service-detection", "--timeout", "3", "--json", "out.json", "--evidence", "ev", "--no-progress",
              cwd=silent)
    assert run.returncode == 2, run.stderr
    result = run.results("probe:host:127.0.0.1")["PORT-001"]
    assert result["status"] == "error" and "no port answered open" in result["message"]
    assert "nothing answered" in " ".join(run.stderr.split())
