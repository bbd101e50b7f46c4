"""What `expertise demo` adds for the probe: a local voting portal to probe, then stopped.

The demo case's scope already declares 127.0.0.1. ``prepare`` makes a throwaway PKI in the
copied case folder, starts an HTTPS portal (and its clear-text entry point, which only
redirects) on free ports of 127.0.0.1, appends a ``[probe]`` section naming exactly those
ports (the demo never scans the user's other services), and stops both servers when the
context ends. The portal is reasonably hardened, with two realistic gaps (no
Referrer-Policy, the server version in ``Server``) so that the report shows findings.
"""

from __future__ import annotations

import socket
import ssl
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

from .localpki import server_pki

PAGE = ("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>VoteSûr — urne</title>"
        "<script src=\"/static/vote.js\"></script></head><body><h1>Élections professionnelles 2026</h1>"
        "<p>Connectez-vous pour voter.</p></body></html>").encode("utf-8")

SECURITY_HEADERS = (
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Set-Cookie", "votesur_session=demo; Path=/; Secure; HttpOnly; SameSite=Lax"),
)


class _Portal(BaseHTTPRequestHandler):
    server_version = "VoteSur/4.2"
    timeout = 10

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:  # the demo stays quiet
        pass


def _redirector(https_port: int) -> type[BaseHTTPRequestHandler]:
    class Redirect(BaseHTTPRequestHandler):
        server_version = "VoteSur"
        timeout = 10

        def do_GET(self) -> None:  # noqa: N802
            host = (self.headers.get("Host") or "127.0.0.1").rsplit(":", 1)[0]
            self.send_response(301)
            self.send_header("Location", f"https://{host}:{https_port}{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Redirect


class _QuietServer(ThreadingHTTPServer):
    """Probing means failed handshakes by design: do not print a traceback for each."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="demo-portal", daemon=True)
    thread.start()
    return thread


@contextmanager
def _portal(case_dir: Path) -> Iterator[tuple[int, int]]:
    files = server_pki(case_dir / "probe", dns_names=["localhost"], ip_addresses=["127.0.0.1"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
    context.load_cert_chain(files.chain, files.key)
    https = _QuietServer(("127.0.0.1", _free_port()), _Portal)
    # the handshake happens in each connection's thread, so a silent client never blocks accept()
    https.socket = context.wrap_socket(https.socket, server_side=True, do_handshake_on_connect=False)
    plain = _QuietServer(("127.0.0.1", _free_port()), _redirector(https.server_address[1]))
    threads = [_serve(https), _serve(plain)]
    try:
        yield https.server_address[1], plain.server_address[1]
    finally:
        for server in (https, plain):
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(timeout=5)


@contextmanager
def prepare(case_dir: Path) -> Iterator[None]:
    """Start the demo portal and declare it in the copied case's ``[probe]`` section."""
    case_dir = Path(case_dir)
    with _portal(case_dir) as (https_port, http_port):
        section = (
            "\n# Added by `expertise demo`: the local demonstration portal (stopped after the demo).\n"
            "[probe]\n"
            f'targets = ["https://127.0.0.1:{https_port}/urne", "http://127.0.0.1:{http_port}/urne"]\n'
            f'ports = "{https_port},{http_port}"\n'
            'ca_file = "probe/root-ca.pem"\n'
            "timeout = 5\n")
        with open(case_dir / "case.toml", "a", encoding="utf-8") as handle:
            handle.write(section)
        yield
