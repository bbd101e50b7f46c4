"""SSH collector: ssh-audit (algorithms, keys, CVEs) and paramiko (banner, host key, auth methods).

ssh-audit runs as a subprocess (``python -m ssh_audit -j``) with its connection-rate test
disabled (it opens dozens of connections, which a platform may rightly treat as an
attack) and a hard timeout; its JSON is kept verbatim. paramiko completes the key
exchange without authenticating, records the host key, then asks for the "none" method,
whose refusal lists the methods the server offers (RFC 4252 §5.2) — no password is tried.
Against a server offering only SHA-1 key exchanges, which paramiko no longer speaks, the
methods come from the OpenSSH client instead (`openssh_client`).
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time
from typing import Any

from ..i18n import Message, msg
from .bounded import SocketWatchdog
from .openssh_client import openssh_facts
from .observations import SshHostKey, SshObservation
from .reasons import exception, os_cause

PROBE_USER = "expertise-probe"


def observation_from_ssh_audit(report: dict[str, Any], observation: SshObservation) -> SshObservation:
    """``observation`` with its algorithm part read from ssh-audit's JSON (pure)."""
    banner = report.get("banner") or {}
    found: dict[str, Any] = {}
    if banner.get("raw"):
        found["banner"] = observation.banner or str(banner.get("raw"))
        found["protocol"] = str(banner.get("protocol") or observation.protocol or "")
        found["software"] = str(banner.get("software") or "")
    found["kex"] = [str(k["algorithm"]) for k in report.get("kex") or []]
    found["host_keys"] = [SshHostKey(algorithm=str(k["algorithm"]), size=k.get("keysize"))
                          for k in report.get("key") or []]
    found["ciphers"] = [str(k["algorithm"]) for k in report.get("enc") or []]
    found["macs"] = [str(k["algorithm"]) for k in report.get("mac") or []]
    found["compression"] = [str(c) for c in report.get("compression") or []]
    found["cves"] = [dict(c) for c in report.get("cves") or []]
    if not found["kex"] and not found["host_keys"]:
        found["audit_error"] = msg("probe.reason.ssh_no_kexinit")
    return observation.model_copy(update=found)


def run_ssh_audit(address: str, port: int, timeout: float) -> tuple[dict[str, Any] | None, bytes, Message | None]:
    command = [sys.executable, "-m", "ssh_audit", "-j", "--skip-rate-test", "-t", str(max(1, int(timeout))),
               "-p", str(port), address]
    try:
        completed = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=2 * timeout + 10)
    except subprocess.TimeoutExpired:
        return None, b"", msg("probe.reason.ssh_audit_timeout", seconds=round(2 * timeout + 10))
    raw = completed.stdout
    try:
        report = json.loads(raw.decode("utf-8", "replace").strip().splitlines()[0]) if raw.strip() else None
    except (ValueError, IndexError):
        report = None
    if report is None:
        return None, raw + completed.stderr, msg("probe.reason.ssh_audit_no_json", status=str(completed.returncode))
    if completed.returncode == 1 or not (report.get("banner") or {}).get("raw"):
        stderr = completed.stderr.decode("utf-8", "replace")
        reason = next((line for line in stderr.splitlines() if "exception" in line or "error" in line.lower()), "")
        return report, raw, (msg("probe.reason.ssh_audit_failed_because", detail=_strip_ansi(reason)) if reason
                             else msg("probe.reason.ssh_audit_failed"))
    return report, raw, None


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text).strip()


def paramiko_facts(address: str, port: int, timeout: float) -> dict[str, Any]:
    """Banner, host key and offered authentication methods, without authenticating."""
    import paramiko

    logging.getLogger("paramiko").addHandler(logging.NullHandler())  # failures are reported, not logged
    facts: dict[str, Any] = {"address": address, "port": port, "user_for_none_method": PROBE_USER}
    started = time.monotonic()
    with SocketWatchdog(max(3 * timeout, 5.0)) as watchdog:
        transport = None
        try:
            sock = watchdog.watch(socket.create_connection((address, port), timeout=timeout))
            transport = paramiko.Transport(sock)
            transport.banner_timeout = timeout
            transport.handshake_timeout = timeout
            transport.auth_timeout = timeout
            transport.start_client(timeout=timeout)
            facts["banner"] = transport.remote_version
            key = transport.get_remote_server_key()
            facts["host_key_type"] = key.get_name()
            facts["host_key_bits"] = key.get_bits()
            facts["host_key_fingerprint"] = key.fingerprint if hasattr(key, "fingerprint") else ""
            facts["negotiated"] = {"cipher": transport.remote_cipher, "mac": transport.remote_mac,
                                   "kex": getattr(transport, "kex_engine", None).__class__.__name__}
            try:
                transport.auth_none(PROBE_USER)
                facts["auth_methods"] = ["none"]  # the server let us in without credentials
            except paramiko.BadAuthenticationType as exc:
                facts["auth_methods"] = list(exc.allowed_types)
            except paramiko.SSHException as exc:
                facts["auth_error"] = msg("probe.reason.ssh_auth_not_listed", detail=str(exc))
        except Exception as exc:  # hostile banners, resets, timeouts: a reason, not a crash
            if transport is not None and transport.remote_version:
                facts["banner"] = transport.remote_version
            if isinstance(exc, paramiko.ssh_exception.IncompatiblePeer):
                facts["error"] = msg("probe.reason.ssh_incompatible", detail=str(exc))
                facts["incompatible"] = True
            elif watchdog.fired:
                facts["error"] = msg("probe.reason.ssh_stalled", seconds=round(watchdog.seconds))
                facts["stalled"] = True
            elif isinstance(exc, ConnectionRefusedError):
                facts["error"] = msg("probe.reason.refused")
            elif isinstance(exc, (socket.timeout, TimeoutError)):
                facts["error"] = msg("probe.reason.timed_out", seconds=round(timeout))
                facts["stalled"] = True
            elif isinstance(exc, OSError) and exc.strerror:
                facts["error"] = msg("probe.reason.network", cause=os_cause(exc))
            else:
                facts["error"] = exception(exc)
                if not facts.get("banner") and time.monotonic() - started >= timeout:
                    facts["stalled"] = True  # e.g. a banner dripping one byte at a time
        finally:
            if transport is not None:
                transport.close()
    return facts


def _fingerprint(facts: dict[str, Any]) -> str:
    value = facts.get("host_key_fingerprint") or ""
    return value if value.startswith("SHA256:") or not value else f"SHA256:{value}"


def collect_ssh(*, endpoint: str, host: str, address: str, port: int,
                timeout: float) -> tuple[SshObservation, dict[str, bytes]]:
    """Both tools, each filling what it sees; "could not test" only when neither got through."""
    base = dict(endpoint=endpoint, host=host, address=address, port=port)
    artifacts: dict[str, bytes] = {}
    facts = paramiko_facts(address, port, timeout)
    artifacts["paramiko.json"] = json.dumps(facts, indent=2, ensure_ascii=False, default=_as_json).encode("utf-8")
    if facts.get("incompatible"):
        # paramiko speaks no SHA-1 key exchange: ask the OpenSSH client, which still does
        fallback = openssh_facts(address, port, timeout, PROBE_USER)
        artifacts["openssh-client.log"] = str(fallback.pop("client_log", "")).encode("utf-8")
        if "auth_methods" in fallback:
            facts = {**facts, **fallback, "auth_via": "OpenSSH client (SHA-1 key exchange)"}
            facts.pop("error", None)
        else:
            facts["error"] = msg("probe.reason.ssh_both_failed", first=facts["error"], second=fallback["error"])
    if facts.get("stalled"):
        # the server drips bytes: ssh-audit's per-read timeout would never fire
        report, raw, audit_error = None, b"", msg("probe.reason.ssh_audit_skipped")
    else:
        report, raw, audit_error = run_ssh_audit(address, port, timeout)
    if raw:
        artifacts["ssh-audit.json"] = raw
    banner = str(facts.get("banner") or ((report or {}).get("banner") or {}).get("raw") or "")
    if not banner:
        error = facts.get("error") or audit_error or msg("probe.reason.ssh_no_banner")
        return SshObservation(**base, error=error), artifacts
    observation = SshObservation(
        **base, banner=banner,
        protocol=banner.split("-")[1] if banner.startswith("SSH-") and banner.count("-") >= 2 else "",
        host_key_type=str(facts.get("host_key_type") or ""), host_key_fingerprint=_fingerprint(facts),
        auth_methods=facts.get("auth_methods"), auth_error=facts.get("auth_error") or facts.get("error"))
    if report is None or audit_error is not None:
        return observation.model_copy(
            update={"audit_error": audit_error or msg("probe.reason.ssh_audit_no_result")}), artifacts
    observation = observation_from_ssh_audit(report, observation)
    if not observation.host_key_fingerprint:
        for entry in report.get("fingerprints") or []:
            if entry.get("hash_alg") == "SHA256":
                observation = observation.model_copy(update={
                    "host_key_type": str(entry.get("hostkey", "")),
                    "host_key_fingerprint": f"SHA256:{entry.get('hash')}"})
                break
    return observation, artifacts


def _as_json(value: object) -> object:
    """The facts' reasons as codes with arguments (the evidence does not depend on a language)."""
    return value.to_dict() if isinstance(value, Message) else str(value)
