"""The scope guard with real sockets: a refused target, redirect or name sends not one packet.

Each test uses a recording listener on 127.0.0.1 that notes every connection it receives;
refusals must leave it empty, and a positive control shows the same listener does record
a connection when the target is in scope.
"""

from __future__ import annotations

import json

import socket

import pytest

from expertise.i18n import Message, render

pytestmark = pytest.mark.network

TEST_NET = "192.0.2.0/24"  # documentation range: only ever an authorisation, never contacted


def _silent(conn: socket.socket) -> None:
    conn.recv(1)


def test_target_outside_scope_is_refused_before_any_packet(tcp_server, cli, tmp_path) -> None:
    listener = tcp_server(_silent)
    run = cli("probe", "--target", f"https://127.0.0.1:{listener.port}/", "--scope", TEST_NET, "--no-progress",
              cwd=tmp_path)
    assert run.returncode == 2
    assert "outside the declared scope" in run.stderr and "nothing was sent" in run.stderr
    assert listener.connections == []
    assert list(tmp_path.iterdir()) == []  # not even an evidence folder


def test_undeclared_name_is_refused(tcp_server, cli, tmp_path) -> None:
    listener = tcp_server(_silent)
    run = cli("probe", "--target", f"https://localhost:{listener.port}/", "--scope", "127.0.0.1", "--no-progress",
              cwd=tmp_path)
    assert run.returncode == 2 and "not a declared name" in run.stderr
    assert listener.connections == []


def test_name_resolving_outside_the_scope_is_refused(tcp_server, cli, tmp_path) -> None:
    listener = tcp_server(_silent)
    run = cli("probe", "--target", f"https://localhost:{listener.port}/", "--scope", "localhost", "--scope", TEST_NET,
              "--no-progress", cwd=tmp_path)
    assert run.returncode == 2 and "resolves to" in run.stderr and "outside the declared addresses" in run.stderr
    assert listener.connections == []


def test_ranges_are_never_targets(cli, tmp_path) -> None:
    run = cli("probe", "--target", "127.0.0.0/30", "--no-progress", cwd=tmp_path)
    assert run.returncode == 2 and "ranges are never scanned" in run.stderr


def _redirecting_to(location: str):  # type: ignore[no-untyped-def]
    def handler(conn: socket.socket) -> None:
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
                     "Connection: close\r\n\r\n".encode())
    return handler


@pytest.mark.parametrize("trap_host,location,reasons", [
    # an undeclared name, even one that would resolve to the scope's own address
    ("127.0.0.1", "https://localhost:{port}/vote", ("not a declared name",)),
    # same machine, other loopback address: ::1 is not 127.0.0.1, so the trap must stay silent
    ("::1", "https://[::1]:{port}/vote", ("outside the declared scope", "nothing was sent")),
])
def test_redirect_outside_the_scope_is_not_followed(tcp_server, tls_server_context, cli, tmp_path, trap_host: str,
                                                    location: str, reasons: tuple[str, ...]) -> None:
    trap = tcp_server(_silent, host=trap_host)
    target = location.format(port=trap.port)
    portal = tcp_server(_redirecting_to(target), tls=tls_server_context)
    run = cli("probe", "--target", f"https://127.0.0.1:{portal.port}/", "--scope", "127.0.0.1", "--ports", "none",
              "--timeout", "3", "--json", "out.json", "--evidence", "ev", "--no-progress", cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr
    assert portal.connections, "the in-scope portal was probed"
    assert trap.connections == []
    record = _refused_redirect(tmp_path)
    assert f"redirect to {target} refused" in record
    for reason in reasons:
        assert reason in record


def _refused_redirect(folder) -> str:  # type: ignore[no-untyped-def]
    """The refused redirect as the evidence keeps it (a code with its arguments), read in English."""
    record = json.loads(next((folder / "ev").glob("https-*/http-exchanges.json")).read_text())
    assert record["refused_redirect"]["code"] == "probe.reason.redirect_refused"
    return render(Message.from_dict(record["refused_redirect"]), "en")


def test_redirect_to_a_declared_name_resolving_outside_the_scope_is_not_followed(tcp_server, tls_server_context,
                                                                                cli, tmp_path) -> None:
    """« localhost » is declared, but it resolves to 127.0.0.1 while the scope's addresses are ::1 only."""
    assert "127.0.0.1" in {info[4][0] for info in socket.getaddrinfo("localhost", None, type=socket.SOCK_STREAM)}
    trap = tcp_server(_silent)  # 127.0.0.1
    portal = tcp_server(_redirecting_to(f"https://localhost:{trap.port}/vote"), tls=tls_server_context, host="::1")
    run = cli("probe", "--target", f"https://[::1]:{portal.port}/", "--scope", "::1", "--scope", "localhost",
              "--ports", "none", "--timeout", "3", "--json", "out.json", "--evidence", "ev", "--no-progress",
              cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr
    assert portal.connections, "the in-scope portal was probed"
    assert trap.connections == []
    record = _refused_redirect(tmp_path)
    assert f"redirect to https://localhost:{trap.port}/vote refused" in record
    assert "resolves to 127.0.0.1, outside the declared addresses" in record


def test_redirect_inside_the_scope_is_followed(tcp_server, tls_server_context, cli, tmp_path) -> None:
    """Positive control for the test above: same set-up, the redirect stays in scope."""
    landing = tcp_server(_redirecting_to("https://127.0.0.1:1/never"), tls=tls_server_context)
    portal = tcp_server(_redirecting_to(f"https://127.0.0.1:{landing.port}/vote"), tls=tls_server_context)
    run = cli("probe", "--target", f"https://127.0.0.1:{portal.port}/", "--scope", "127.0.0.1", "--ports", "none",
              "--timeout", "3", "--json", "out.json", "--evidence", "ev", "--no-progress", cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr
    assert landing.connections, "the in-scope redirect was followed"


def test_case_target_out_of_scope_is_journaled_as_refused(demo_case, tcp_server, cli, tmp_path) -> None:
    import json

    listener = tcp_server(_silent)
    with open(demo_case / "case.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[probe]\ntargets = ["https://localhost:{listener.port}/"]\nports = "none"\n')
    run = cli("probe", str(demo_case), "--no-progress", cwd=tmp_path)
    assert run.returncode == 2 and "not a declared name" in run.stderr
    assert listener.connections == []
    entries = [json.loads(line) for line in (demo_case / "journal.jsonl").read_text().splitlines()]
    assert entries[-1]["action"] == "probe" and entries[-1]["status"] == "aborted"
    assert "OutOfScope" in entries[-1]["notes"]["aborted"]
    assert entries[-1]["outputs"] == []
