"""The probe over IPv6 loopback: an [::1] target is scanned, handshaken and scored like an IPv4 one.

The platform of a vote may be reached over IPv6 only for some voters; a probe that silently
tested only IPv4 would leave that path unexamined. The server is a real TLS listener on ::1.
"""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.network

HEADERS = (
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Content-Length: 13\r\n"
    "Connection: close\r\n\r\n"
    "<p>urne</p>\r\n"
)


def _page(conn: socket.socket) -> None:
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk
    conn.sendall(HEADERS.encode())


def _silent(conn: socket.socket) -> None:
    conn.recv(1)


def test_ipv6_target_is_probed_end_to_end(tcp_server, tls_server_context, pki, cli, tmp_path) -> None:
    site = tcp_server(_page, tls=tls_server_context, host="::1")
    run = cli("probe", "--target", f"https://[::1]:{site.port}/vote", "--ports", str(site.port),
              "--ca-file", pki.root_ca, "--timeout", "5", "--json", "out.json", "--evidence", "ev",
              "--no-progress", cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr + run.stdout
    assert site.connections and all(peer[0] == "::1" for peer in site.connections)
    ports = run.results("probe:host:::1")
    open_ports = [s["port"] for s in ports["PORT-003"]["details"]["services"]]
    assert open_ports == [site.port], ports["PORT-003"]
    page = run.results(f"[::1]:{site.port}/vote")
    for check in ("TLS-001", "TLS-003", "TLS-004", "TLS-023", "TLS-025"):
        assert page[check]["status"] == "pass", (check, page[check]["message"])
    # Python's default server context still accepts CBC suites: scored over IPv6 as over IPv4
    assert page["TLS-005"]["status"] == "fail" and "CBC" in page["TLS-005"]["message"]
    assert page["HTTP-001"]["status"] == "pass", page["HTTP-001"]["message"]  # HSTS
    # the raw nmap output shows it scanned the IPv6 address, not an IPv4 fallback
    nmap_xml = next((tmp_path / "ev").rglob("nmap*.xml")).read_text()
    assert 'addrtype="ipv6"' in nmap_xml


def test_ipv6_target_outside_an_ipv6_scope_is_refused(tcp_server, cli, tmp_path) -> None:
    listener = tcp_server(_silent, host="::1")
    run = cli("probe", "--target", f"https://[::1]:{listener.port}/", "--scope", "2001:db8::/32",
              "--no-progress", cwd=tmp_path)
    assert run.returncode == 2
    assert "outside the declared scope" in run.stderr and "nothing was sent" in run.stderr
    assert listener.connections == []
