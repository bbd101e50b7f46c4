"""Real components for the seal tests: git repositories, an OpenSSH server, an RFC 3161 authority.

Every server listens on 127.0.0.1 on a free port and is stopped when the test ends,
even when it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from expertise.seal.keys import PublicKey, generate
from expertise.seal.localtsa import LocalTsa, running_tsa

SSHD = "/usr/sbin/sshd"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Vendor Dev",
    "GIT_AUTHOR_EMAIL": "dev@vendor.example",
    "GIT_COMMITTER_NAME": "Vendor Dev",
    "GIT_COMMITTER_EMAIL": "dev@vendor.example",
    "GIT_AUTHOR_DATE": "2026-10-01T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-10-01T12:00:00+00:00",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def git(repo: Path, *args: str) -> str:
    env = dict(os.environ, **GIT_ENV)
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def run_cli(run_cli):  # type: ignore[no-untyped-def]
    """The shared runner, with a wide terminal so that messages are not wrapped mid-path."""

    def run(*args, env=None, **kwargs):  # type: ignore[no-untyped-def]
        return run_cli(*args, env={"COLUMNS": "500", **(env or {})}, **kwargs)

    return run


@dataclass
class Key:
    path: Path
    public: PublicKey

    @property
    def pub(self) -> Path:
        return self.path.with_name(self.path.name + ".pub")


@pytest.fixture
def expert_key(tmp_path: Path) -> Key:
    path = tmp_path / "keys" / "expert"
    return Key(path, generate(path))


@pytest.fixture
def other_key(tmp_path: Path) -> Key:
    path = tmp_path / "keys" / "intruder"
    return Key(path, generate(path, comment="intruder"))


def make_tree(root: Path) -> Path:
    """A small tree with the names and kinds a seal must get right."""
    (root / "app" / "lib").mkdir(parents=True)
    (root / "app" / "main.py").write_text("print('vote')\n")
    (root / "app" / "lib" / "crypto.py").write_text("KEY_BITS = 4096\n")
    (root / "app" / "run.sh").write_text("#!/bin/sh\nexec python3 main.py\n")
    (root / "app" / "run.sh").chmod(0o755)
    (root / "app-extra.txt").write_text("sorts between app and app/ in byte order\n")
    (root / "empty-dir").mkdir()
    (root / "space name.txt").write_text("spaces\n")
    (root / "é-accent.txt").write_text("utf-8 name\n")
    (root / "back\\slash.txt").write_text("backslash\n")
    (root / "new\nline.txt").write_text("newline\n")
    (root / "carriage\rreturn.txt").write_text("carriage return\n")
    (root / "-dash.txt").write_text("leading dash\n")
    (root / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    (root / "empty.txt").write_bytes(b"")
    os.symlink("app/main.py", root / "link-to-main")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "src")


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[LocalTsa]:
    with running_tsa(tmp_path / "tsa") as authority:
        yield authority


@dataclass
class SshServer:
    port: int
    host_key_fingerprint: str
    known_hosts: Path
    identity: Path
    log: Path

    def url(self, path: Path | str) -> str:
        return f"ssh://root@127.0.0.1:{self.port}{path}"


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sshd exited with {process.returncode}: {log.read_text(errors='replace')}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"sshd did not listen on {port}: {log.read_text(errors='replace')}")


@pytest.fixture
def start_sshd(tmp_path: Path) -> Iterator[Callable[..., SshServer]]:
    """Start Debian's sshd on 127.0.0.1 (root login by key only); stopped after the test."""
    if not os.path.exists(SSHD):
        pytest.fail("openssh-server is required (apt-get install openssh-server)")
    processes: list[subprocess.Popen[bytes]] = []
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)

    def start(sftp_only: bool = False) -> SshServer:
        folder = tmp_path / f"sshd-{len(processes)}"
        folder.mkdir()
        for name in ("host_key", "user_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(folder / name)],
                check=True,
            )
        shutil.copyfile(folder / "user_key.pub", folder / "authorized_keys")
        port = free_port()
        config = folder / "sshd_config"
        lines = [
            f"Port {port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {folder / 'host_key'}",
            f"PidFile {folder / 'sshd.pid'}",
            f"AuthorizedKeysFile {folder / 'authorized_keys'}",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "Subsystem sftp internal-sftp",
            "LogLevel VERBOSE",
        ]
        if sftp_only:
            lines.append("ForceCommand internal-sftp")
        config.write_text("\n".join(lines) + "\n")
        log = folder / "sshd.log"
        process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=open(log, "wb"), stderr=subprocess.STDOUT
        )
        processes.append(process)
        _wait_for_port(port, process, log)
        host_pub = (folder / "host_key.pub").read_text().split()
        known_hosts = folder / "known_hosts"
        known_hosts.write_text(f"[127.0.0.1]:{port} {host_pub[0]} {host_pub[1]}\n")
        fingerprint = subprocess.run(
            ["ssh-keygen", "-lf", str(folder / "host_key.pub")], capture_output=True, text=True, check=True
        ).stdout.split()[1]
        key = folder / "user_key"
        key.chmod(stat.S_IRUSR | stat.S_IWUSR)
        return SshServer(port, fingerprint, known_hosts, key, log)

    try:
        yield start
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def sshd(start_sshd: Callable[..., SshServer]) -> SshServer:
    return start_sshd()


def stock(command: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a stock command line (from VERIFY.md) with bash, as a judge's adviser would."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, **(env or {})),
    )
