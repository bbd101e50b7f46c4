"""Authentication methods of an SSH server that only current clients refuse to talk to.

paramiko dropped the SHA-1 key exchanges (diffie-hellman-group1/group14-sha1), so against
a server offering nothing else it cannot even reach the "none" request whose refusal lists
the methods (RFC 4252 §5.2). Those old servers are exactly the ones whose password login
matters most, so the probe falls back to Debian's OpenSSH client with every algorithm it
still implements enabled. No credential is offered: every authentication method of the
client is switched off, the user's configuration and agent are ignored, and the host key is
only recorded (the probe authenticates nobody, so there is nothing to trust it for).
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import subprocess
import time
from typing import Any

from ..i18n import msg

_QUERIES = {"KexAlgorithms": "kex", "HostKeyAlgorithms": "HostKeyAlgorithms", "Ciphers": "cipher", "MACs": "mac"}
_CONTINUE = re.compile(r"Authentications that can continue: ([\w@.,-]*)")
_DENIED = re.compile(r"Permission denied \(([\w@.,-]*)\)")
_BANNER = re.compile(r"Remote protocol version ([\d.]+), remote software version (\S.*)$")
_HOST_KEY = re.compile(r"Server host key: (\S+) (SHA256:\S+)")
_KEX = re.compile(r"kex: algorithm: (\S+)")
_AUTHENTICATED = "Authenticated to "


def _every_algorithm(ssh: str) -> list[str]:
    options: list[str] = []
    for option, query in _QUERIES.items():
        listed = subprocess.run([ssh, "-Q", query], capture_output=True, text=True, timeout=10)
        names = [line.strip() for line in listed.stdout.splitlines() if line.strip()]
        if listed.returncode == 0 and names:
            options += ["-o", f"{option}={','.join(names)}"]
    return options


def command(ssh: str, address: str, port: int, timeout: float, user: str) -> list[str]:
    return [ssh, "-v", "-F", "/dev/null", "-p", str(port),
            "-o", "BatchMode=yes", "-o", f"ConnectTimeout={max(1, int(timeout))}",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "CheckHostIP=no", "-o", "UpdateHostKeys=no",
            "-o", "IdentityAgent=none", "-o", "IdentitiesOnly=yes", "-o", "PubkeyAuthentication=no",
            "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no",
            "-o", "HostbasedAuthentication=no", "-o", "GSSAPIAuthentication=no",
            "-o", "SessionType=none", "-o", "RequestTTY=no", "-o", "ForwardAgent=no", "-o", "ForwardX11=no",
            *_every_algorithm(ssh), "-l", user, "--", address]


def parse(log: str) -> dict[str, Any]:
    """What the client's verbose log says about the server (pure: recorded logs are tested)."""
    facts: dict[str, Any] = {}
    for line in log.splitlines():
        if match := _BANNER.search(line):
            facts["banner"] = f"SSH-{match.group(1)}-{match.group(2).strip()}"
        elif match := _HOST_KEY.search(line):
            facts["host_key_type"], facts["host_key_fingerprint"] = match.group(1), match.group(2)
        elif match := _KEX.search(line):
            facts["negotiated"] = {"kex": match.group(1)}
        elif match := _CONTINUE.search(line) or _DENIED.search(line):
            facts.setdefault("auth_methods", [m for m in match.group(1).split(",") if m])
        elif _AUTHENTICATED in line and '"none"' in line:
            facts["auth_methods"] = ["none"]  # let in without any credential
    return facts


def openssh_facts(address: str, port: int, timeout: float, user: str) -> dict[str, Any]:
    """Run the client until the server lists its methods (or lets us in), then stop it."""
    ssh = shutil.which("ssh")
    if ssh is None:
        return {"error": msg("probe.reason.openssh_missing")}
    try:
        argv = command(ssh, address, port, timeout, user)
    except (OSError, subprocess.SubprocessError) as exc:
        return {"error": msg("probe.reason.openssh_no_algorithms", detail=str(exc))}
    deadline = time.monotonic() + 3 * timeout + 5
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    received = b""
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stderr, selectors.EVENT_READ)
            while time.monotonic() < deadline and len(received) < 1 << 20:
                if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    break
                chunk = os.read(process.stderr.fileno(), 65536)
                if not chunk:
                    break
                received += chunk
                if _AUTHENTICATED.encode() in received or b"Permission denied" in received:
                    break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=5)
        process.stderr.close()
    lines = [line[:1000] for line in received.decode("utf-8", "replace").splitlines()]
    log = "\n".join(lines)
    facts = parse(log)
    facts["client_log"] = log
    if "auth_methods" not in facts:
        reason = next((line for line in reversed(lines) if not line.startswith("debug")), "")
        facts["error"] = (msg("probe.reason.openssh_no_methods", detail=reason) if reason
                          else msg("probe.reason.openssh_no_answer", seconds=round(3 * timeout + 5)))
    return facts
