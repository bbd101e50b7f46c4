"""Real servers for the probe tests, on 127.0.0.1 with free ports, stopped even on failure.

- nginx (Debian) with a strong configuration (TLS 1.2/1.3, AEAD + ECDHE, RSA-3072 leaf under
  an intermediate, all security headers, clear-text port that only redirects) and a
  deliberately weak one (TLS 1.0–1.2, CBC-only static-RSA suites without Encrypt-then-MAC,
  self-signed RSA-1024/SHA-1 certificate without subjectAltName, no security headers,
  version disclosed, clear-text port serving the page);
- sshd (Debian openssh-server) with a hardened and a legacy algorithm set;
- small hostile servers (garbage, slow-loris, enormous header, recording listener).
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import sys
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from expertise.probe.localpki import ServerFiles, server_pki

from ..french import message_problems

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def _stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# ------------------------------------------------------------------ certificates


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> ServerFiles:
    """Root → intermediate → RSA-3072 leaf for localhost / 127.0.0.1."""
    return server_pki(tmp_path_factory.mktemp("pki"), dns_names=["localhost"], ip_addresses=["127.0.0.1", "::1"],
                      leaf_key="rsa:3072")


@pytest.fixture(scope="session")
def weak_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Self-signed RSA-1024, SHA-1, no subjectAltName: everything a certificate should not be."""
    folder = tmp_path_factory.mktemp("weakcert")
    cert, key = folder / "weak.pem", folder / "weak.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:1024", "-sha1", "-nodes", "-days", "30",
                    "-subj", "/CN=weak.example", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


# ------------------------------------------------------------------ nginx

NGINX_COMMON = """
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 128; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  default_type text/html;
{servers}
}}
"""

STRONG_SERVERS = """
  server {{
    listen 127.0.0.1:{https} ssl;
    server_tokens off;
    ssl_certificate {chain};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_prefer_server_ciphers on;
    location / {{
      add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
      add_header Content-Security-Policy "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" always;
      add_header X-Content-Type-Options nosniff always;
      add_header X-Frame-Options DENY always;
      add_header Referrer-Policy no-referrer always;
      add_header Cross-Origin-Resource-Policy same-origin always;
      add_header Set-Cookie "SESSIONID=s3cr3t; Path=/; Secure; HttpOnly; SameSite=Strict" always;
      return 200 '<!doctype html><html><head><title>Vote</title><script src="/app.js"></script></head><body>Bulletin</body></html>';
    }}
  }}
  server {{
    listen 127.0.0.1:{http};
    server_tokens off;
    return 301 https://$host:{https}$request_uri;
  }}
"""

WEAK_SERVERS = """
  server {{
    listen 127.0.0.1:{https} ssl;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    ssl_ciphers "AES128-SHA:AES256-SHA:@SECLEVEL=0";
    ssl_conf_command Options -EncryptThenMac;
    location / {{
      add_header Set-Cookie "sessionid=abc123; Path=/";
      return 200 '<html><head><script src="http://cdn.example.org/lib.js"></script></head><body>Bulletin de vote</body></html>';
    }}
  }}
  server {{
    listen 127.0.0.1:{http};
    location / {{ return 200 '<html><body>Bulletin de vote (en clair)</body></html>'; }}
  }}
"""


@dataclass
class WebServer:
    https_port: int
    http_port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}/"

    @property
    def plain_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/"


def _nginx(folder: Path, servers: str) -> Iterator[subprocess.Popen]:  # type: ignore[type-arg]
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (Debian package nginx-light)")
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(NGINX_COMMON.format(dir=folder, servers=servers))
    process = subprocess.Popen(["nginx", "-c", str(config), "-p", str(folder)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def nginx_strong(tmp_path_factory: pytest.TempPathFactory, pki: ServerFiles) -> Iterator[WebServer]:
    folder = tmp_path_factory.mktemp("nginx-strong")
    server = WebServer(free_port(), free_port(), folder)
    servers = STRONG_SERVERS.format(https=server.https_port, http=server.http_port, chain=pki.chain, key=pki.key)
    for process in _nginx(folder, servers):
        _wait_or_report(process, server, folder)
        yield server


@pytest.fixture(scope="session")
def nginx_weak(tmp_path_factory: pytest.TempPathFactory, weak_cert: tuple[Path, Path]) -> Iterator[WebServer]:
    folder = tmp_path_factory.mktemp("nginx-weak")
    server = WebServer(free_port(), free_port(), folder)
    servers = WEAK_SERVERS.format(https=server.https_port, http=server.http_port, cert=weak_cert[0],
                                  key=weak_cert[1])
    for process in _nginx(folder, servers):
        _wait_or_report(process, server, folder)
        yield server


def _wait_or_report(process: subprocess.Popen, server: WebServer, folder: Path) -> None:  # type: ignore[type-arg]
    try:
        wait_port(server.https_port)
        wait_port(server.http_port)
    except RuntimeError:
        log = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
        raise RuntimeError(f"nginx did not start: {log}") from None


# ------------------------------------------------------------------ sshd

SSHD_COMMON = """
ListenAddress 127.0.0.1
Port {port}
PidFile {dir}/sshd.pid
UsePAM no
StrictModes no
PermitRootLogin no
AuthorizedKeysFile none
"""

SSHD_STRONG = """
HostKey {dir}/ssh_host_ed25519_key
HostKeyAlgorithms ssh-ed25519
KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
"""

SSHD_WEAK = """
HostKey {dir}/ssh_host_rsa_key
HostKeyAlgorithms +ssh-rsa
KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1
Ciphers +3des-cbc,aes128-cbc
MACs +hmac-md5,hmac-sha1
PasswordAuthentication yes
KbdInteractiveAuthentication yes
"""

# An old server: nothing but SHA-1 key exchanges, which current paramiko no longer speaks.
SSHD_SHA1_ONLY = """
HostKey {dir}/ssh_host_rsa_key
HostKeyAlgorithms ssh-rsa,rsa-sha2-256
KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group1-sha1
PasswordAuthentication yes
KbdInteractiveAuthentication no
"""


@dataclass
class SshServer:
    port: int
    folder: Path

    @property
    def target(self) -> str:
        return f"ssh://127.0.0.1:{self.port}"


def _sshd(tmp_path_factory: pytest.TempPathFactory, name: str, body: str, keys: list[list[str]]) -> Iterator[SshServer]:
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(sshd).exists():
        pytest.skip("sshd is not installed (Debian package openssh-server)")
    if os.geteuid() != 0:
        pytest.skip("sshd needs root to start (privilege separation)")
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    folder = tmp_path_factory.mktemp(name)
    for key in keys:
        subprocess.run(["ssh-keygen", "-q", "-N", "", *key, "-f", str(folder / _key_name(key))], check=True)
    server = SshServer(free_port(), folder)
    config = folder / "sshd_config"
    config.write_text(SSHD_COMMON.format(port=server.port, dir=folder) + body.format(dir=folder))
    check = subprocess.run([sshd, "-t", "-f", str(config)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"sshd refuses its test configuration: {check.stderr}")
    process = subprocess.Popen([sshd, "-D", "-f", str(config), "-E", str(folder / "sshd.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(server.port)
        yield server
    finally:
        _stop(process)


def _key_name(key: list[str]) -> str:
    return {"ed25519": "ssh_host_ed25519_key", "rsa": "ssh_host_rsa_key"}[key[1]]


@pytest.fixture(scope="session")
def sshd_strong(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    yield from _sshd(tmp_path_factory, "sshd-strong", SSHD_STRONG, [["-t", "ed25519"]])


@pytest.fixture(scope="session")
def sshd_weak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    yield from _sshd(tmp_path_factory, "sshd-weak", SSHD_WEAK, [["-t", "rsa", "-b", "1024"]])


@pytest.fixture(scope="session")
def sshd_sha1_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    yield from _sshd(tmp_path_factory, "sshd-sha1", SSHD_SHA1_ONLY, [["-t", "rsa", "-b", "2048"]])


# ------------------------------------------------------------------ hostile servers


class TcpServer:
    """A tiny threaded TCP server running ``handler(conn)`` per connection; records peers."""

    def __init__(self, handler: Callable[[socket.socket], None], tls: ssl.SSLContext | None = None,
                 host: str = "127.0.0.1") -> None:
        self.handler = handler
        self.tls = tls
        self.connections: list[tuple[str, int]] = []
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, peer = self._sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections.append(peer)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn.settimeout(10)
                conn = self.tls.wrap_socket(conn, server_side=True)
            self.handler(conn)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    @property
    def stopped(self) -> threading.Event:
        return self._stop

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=2)


@pytest.fixture
def tcp_server() -> Iterator[Callable[..., TcpServer]]:
    servers: list[TcpServer] = []

    def make(handler: Callable[[socket.socket], None], tls: ssl.SSLContext | None = None,
             host: str = "127.0.0.1") -> TcpServer:
        server = TcpServer(handler, tls, host)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def tls_server_context(pki: ServerFiles) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(pki.chain, pki.key)
    return context


# ------------------------------------------------------------------ running the command

REPO = HERE.parents[1]


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    duration: float
    data: dict | None  # the --json output when asked
    cwd: Path

    def results(self, source_suffix: str = "") -> dict[str, dict]:
        """check id -> result dict, for the result set whose source ends with ``source_suffix``."""
        assert self.data is not None, self.stderr
        chosen: dict[str, dict] = {}
        for result_set in self.data["result_sets"]:
            if result_set["source"].endswith(source_suffix):
                for result in result_set["results"]:
                    chosen[result["check_id"]] = result
        return chosen

    def sources(self) -> list[str]:
        assert self.data is not None, self.stderr
        return [rs["source"] for rs in self.data["result_sets"]]


def expertise(*args: str, cwd: Path, timeout: float = 300, env: dict[str, str] | None = None,
              prefix: list[str] | None = None) -> CliRun:
    """Run `python -m expertise ARGS` as a user would; parse --json FILE when given."""
    import json

    full_env = dict(os.environ, PYTHONPATH=str(REPO), EXPERTISE_OPERATOR="test-operator", COLUMNS="400")
    full_env.update(env or {})
    started = time.monotonic()
    completed = subprocess.run([*(prefix or []), sys.executable, "-m", "expertise", *map(str, args)], cwd=cwd,
                               env=full_env, capture_output=True, text=True, timeout=timeout)
    duration = time.monotonic() - started
    data = None
    if "--json" in args:
        target = Path(args[list(args).index("--json") + 1])
        target = target if target.is_absolute() else cwd / target
        if str(args[list(args).index("--json") + 1]) == "-":
            data = json.loads(completed.stdout) if completed.stdout.strip() else None
        elif target.exists():
            data = json.loads(target.read_text())
    for result_set in (data or {}).get("result_sets", []):  # what real servers produced reads in both languages
        for result in result_set["results"]:
            assert message_problems(result) == [], message_problems(result)
    return CliRun(completed.returncode, completed.stdout, completed.stderr, duration, data, cwd)


@pytest.fixture(scope="session")
def cli() -> Callable[..., CliRun]:
    """`cli("probe", ..., cwd=folder)` runs the real command in a subprocess."""
    return expertise


# ------------------------------------------------------------------ recorded observations


@pytest.fixture
def recorded() -> Callable[[str], dict]:
    """Load a recorded file from tests/probe/data (JSON, optionally gzip-compressed)."""
    import gzip
    import json

    def load(name: str) -> dict:
        path = DATA / name
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        return json.loads(raw)

    return load


@pytest.fixture
def evaluate_probe() -> Callable[..., dict]:
    """Run every probe rule on a ProbeObservation; check id -> Result (one result per id here)."""
    from expertise import catalogue
    from expertise.probe.rules import RULES as PROBE_RULES
    from expertise.domain import evaluate

    def run(observation) -> dict:  # type: ignore[no-untyped-def]
        results = evaluate(PROBE_RULES, observation, catalogue.load())
        by_id: dict = {}
        for result in results:
            assert result.check_id not in by_id, f"{result.check_id} produced twice"
            by_id[result.check_id] = result
            # every branch any rule test reaches reads in English and in French
            assert message_problems(result) == [], message_problems(result)
        return by_id

    return run
