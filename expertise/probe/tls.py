"""TLS collector: sslyze (in its worker process) plus `openssl s_client` for Encrypt-then-MAC.

Returns the normalised :class:`TlsObservation` and the raw outputs to keep as evidence
(sslyze's JSON export and the s_client transcript). Parsing sslyze's JSON is a pure
function (:func:`observation_from_sslyze`) so that it is tested on recorded exports.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID

from ..i18n import Message, msg
from . import policy
from .observations import CertificateInfo, CipherSuite, TlsObservation, TrustResult
from .reasons import sslyze_cause
from .targets import is_ip

VERSION_COMMANDS = {
    "ssl_2_0_cipher_suites": "SSLv2",
    "ssl_3_0_cipher_suites": "SSLv3",
    "tls_1_0_cipher_suites": "TLSv1.0",
    "tls_1_1_cipher_suites": "TLSv1.1",
    "tls_1_2_cipher_suites": "TLSv1.2",
    "tls_1_3_cipher_suites": "TLSv1.3",
}
S_CLIENT_VERSION_FLAGS = {"TLSv1.2": "-tls1_2", "TLSv1.1": "-tls1_1", "TLSv1.0": "-tls1"}

Artifacts = dict[str, bytes]

# sslyze's name for the trust store built from probe.ca_file; the public stores keep their names
CA_FILE_STORE = "Supplied CA file"


def store_name(store: str) -> Message | str:
    """A trust store as the report names it: the expert's own CA in words, the public stores by name."""
    return msg("probe.tls.store_ca_file") if store == CA_FILE_STORE else store


def _last_line(trace: str | None) -> str:
    lines = [line.strip() for line in (trace or "").splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    # "sslyze.errors.ServerRejectedConnection: 127.0.0.1:443 -> \"Server rejected the connection\"."
    match = re.search(r'-> "(.*)"', last)
    return match.group(1) if match else last.split(": ", 1)[-1]


def certificate_info(pem: str) -> CertificateInfo:
    """What the rules need from one certificate, read with cryptography."""
    cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    key = cert.public_key()
    curve = None
    if isinstance(key, rsa.RSAPublicKey):
        key_type, key_size = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, key_size, curve = "EC", key.curve.key_size, key.curve.name
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, key_size = "DSA", key.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key_type, key_size = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        key_type, key_size = "Ed448", 456
    else:
        key_type, key_size = type(key).__name__, None
    try:
        signature_hash = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else None
    except Exception:  # unsupported algorithm: reported by name below
        signature_hash = "unknown"
    try:
        signature_algorithm = cert.signature_algorithm_oid._name  # e.g. sha256WithRSAEncryption
    except Exception:
        signature_algorithm = cert.signature_algorithm_oid.dotted_string
    san_dns: list[str] = []
    san_ip: list[str] = []
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        san_dns = [str(name) for name in san.get_values_for_type(x509.DNSName)]
        san_ip = [str(address) for address in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    is_ca = None
    try:
        is_ca = cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca
    except x509.ExtensionNotFound:
        pass
    ocsp: list[str] = []
    try:
        aia = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
        ocsp = [d.access_location.value for d in aia if d.access_method == AuthorityInformationAccessOID.OCSP]
    except x509.ExtensionNotFound:
        pass
    crl: list[str] = []
    try:
        points = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
        crl = [name.value for point in points for name in (point.full_name or [])
               if isinstance(name, x509.UniformResourceIdentifier)]
    except x509.ExtensionNotFound:
        pass
    common_names = [str(a.value) for a in cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(), serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc, key_type=key_type, key_size=key_size,
        curve=curve, signature_algorithm=signature_algorithm, signature_hash=signature_hash, san_dns=san_dns,
        san_ip=san_ip, common_names=common_names, is_ca=is_ca, self_signed=cert.subject == cert.issuer,
        ocsp_urls=ocsp, crl_urls=crl, sha256=cert.fingerprint(hashes.SHA256()).hex())


def _result(scan_result: dict[str, Any], command: str, errors: dict[str, Message]) -> dict[str, Any] | None:
    attempt = (scan_result or {}).get(command) or {}
    if attempt.get("status") == "COMPLETED" and attempt.get("result") is not None:
        return attempt["result"]
    if attempt:
        # sslyze's own words: its error reason (e.g. BUG_IN_SSLYZE) and the last line of its trace
        reason = attempt.get("error_reason") or attempt.get("status") or msg("probe.reason.not_run")
        detail = _last_line(attempt.get("error_trace"))
        errors[command] = (msg("probe.reason.sslyze_command_trace", reason=reason, detail=detail) if detail
                           else msg("probe.reason.sslyze_command", reason=reason))
    return None


def observation_from_sslyze(export: dict[str, Any], *, endpoint: str, host: str, address: str, port: int,
                            server_name: str, observed_at: datetime) -> TlsObservation:
    """Turn sslyze's JSON export of one server into a :class:`TlsObservation`."""
    base = dict(endpoint=endpoint, host=host, address=address, port=port, server_name=server_name,
                observed_at=observed_at)
    servers = export.get("server_scan_results") or []
    if not servers:
        return TlsObservation(**base, error=msg("probe.reason.sslyze_no_result"))
    server = servers[0]
    if server.get("connectivity_status") != "COMPLETED" or server.get("scan_status") != "COMPLETED":
        reason = _last_line(server.get("connectivity_error_trace"))
        cause = sslyze_cause(reason) if reason else msg("probe.reason.unknown_error")
        return TlsObservation(**base, error=msg("probe.reason.tls_no_connection", cause=cause))
    scan_result = server.get("scan_result") or {}
    errors: dict[str, Message] = {}
    versions: dict[str, bool | None] = {}
    suites: list[CipherSuite] = []
    for command, version in VERSION_COMMANDS.items():
        result = _result(scan_result, command, errors)
        if result is None:
            versions[version] = None
            continue
        versions[version] = bool(result.get("is_tls_version_supported"))
        for accepted in result.get("accepted_cipher_suites") or []:
            suite = accepted["cipher_suite"]
            key = accepted.get("ephemeral_key") or {}
            suites.append(CipherSuite(
                name=suite["name"], openssl_name=suite.get("openssl_name", ""), version=version,
                key_size=suite.get("key_size"), kex_type=key.get("type_name"), kex_size=key.get("size"),
                curve=key.get("curve_name")))
    found: dict[str, Any] = {}
    info = _result(scan_result, "certificate_info", errors)
    if info and info.get("certificate_deployments"):
        deployment = info["certificate_deployments"][0]
        chain = []
        for cert in deployment.get("received_certificate_chain") or []:
            try:
                chain.append(certificate_info(cert["as_pem"]))
            except Exception as exc:  # an unparsable certificate is reported, not fatal
                errors["certificate_info"] = msg("probe.reason.certificate_unparsable", detail=str(exc))
        found["chain"] = chain
        found["trust"] = [TrustResult(store=p["trust_store"]["name"],
                                         ok=p.get("verified_certificate_chain") is not None and not p.get("validation_error"),
                                         error=p.get("validation_error"))
                             for p in deployment.get("path_validation_results") or []]
        found["chain_order_valid"] = deployment.get("received_chain_has_valid_order")
        verified = deployment.get("verified_certificate_chain")
        found["verified_chain_length"] = len(verified) if verified else None
        ocsp = deployment.get("ocsp_response")
        found["ocsp_stapled"] = bool(ocsp) and (ocsp.get("response_status") in (None, "SUCCESSFUL"))
    if (r := _result(scan_result, "tls_compression", errors)) is not None:
        found["compression"] = r.get("supports_compression")
    if (r := _result(scan_result, "session_renegotiation", errors)) is not None:
        found["secure_renegotiation"] = r.get("supports_secure_renegotiation")
        found["client_renegotiation"] = r.get("is_vulnerable_to_client_renegotiation_dos")
    if (r := _result(scan_result, "heartbleed", errors)) is not None:
        found["heartbleed"] = r.get("is_vulnerable_to_heartbleed")
    if (r := _result(scan_result, "robot", errors)) is not None:
        found["robot"] = r.get("robot_result")
    if (r := _result(scan_result, "openssl_ccs_injection", errors)) is not None:
        found["ccs_injection"] = r.get("is_vulnerable_to_ccs_injection")
    if (r := _result(scan_result, "tls_fallback_scsv", errors)) is not None:
        found["fallback_scsv"] = r.get("supports_fallback_scsv")
    if (r := _result(scan_result, "tls_1_3_early_data", errors)) is not None:
        found["early_data"] = r.get("supports_early_data")
    if (r := _result(scan_result, "tls_extended_master_secret", errors)) is not None:
        found["extended_master_secret"] = r.get("supports_ems_extension")
    if (r := _result(scan_result, "elliptic_curves", errors)) is not None:
        found["curves"] = [c["name"] for c in r.get("supported_curves") or []]
    return TlsObservation(**base, versions=versions, suites=suites, command_errors=errors, **found)


# ------------------------------------------------------------------ Encrypt-then-MAC


def s_client_command(address: str, port: int, server_name: str, version: str, ciphers: list[str]) -> list[str]:
    host = f"[{address}]" if ":" in address else address
    command = ["openssl", "s_client", "-connect", f"{host}:{port}", S_CLIENT_VERSION_FLAGS[version],
               "-cipher", ":".join(ciphers) + ":@SECLEVEL=0", "-tlsextdebug", "-no_ticket"]
    if server_name and not is_ip(server_name):
        command += ["-servername", server_name]
    return command


def parse_s_client(output: str) -> tuple[bool | None, str | None, Message | None]:
    """(encrypt-then-mac negotiated, extended master secret seen, error) from an s_client transcript."""
    cipher = re.search(r"Cipher is (\S+)", output)
    if not cipher or cipher.group(1) == "(NONE)":
        reason = re.search(r"(alert [a-z ]+|handshake failure|no cipher match|Connection refused|connect:errno=\d+)",
                           output)
        return None, None, msg("probe.reason.etm_handshake",
                               cause=reason.group(1) if reason else msg("probe.reason.etm_no_cipher"))
    etm = '"encrypt-then-mac"' in output
    ems = "extended master secret" in output
    return etm, "yes" if ems else "no", None


def probe_encrypt_then_mac(observation: TlsObservation,
                           timeout: float) -> tuple[bytes | None, bool | None, Message | None]:
    """Ask for a CBC suite the server accepted: (transcript, Encrypt-then-MAC negotiated, why not known)."""
    cbc = [s for s in observation.suites if policy.suite_is_cbc(s.name, s.version) and s.openssl_name]
    if not cbc:
        return None, None, None
    if shutil.which("openssl") is None:
        return None, None, msg("probe.reason.etm_no_openssl")
    version = next(v for v in ("TLSv1.2", "TLSv1.1", "TLSv1.0") if any(s.version == v for s in cbc)) \
        if any(s.version in S_CLIENT_VERSION_FLAGS for s in cbc) else None
    if version is None:
        return None, None, msg("probe.reason.etm_ssl_only")
    names = list(dict.fromkeys(s.openssl_name for s in cbc if s.version == version))
    command = s_client_command(observation.address, observation.port, observation.server_name, version, names)
    header = b"$ " + " ".join(command).encode() + b"\n"
    try:
        completed = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        transcript = completed.stdout + b"\n--- stderr ---\n" + completed.stderr
    except subprocess.TimeoutExpired as exc:
        transcript = (exc.stdout or b"") + b"\n--- timed out ---\n"
        return header + transcript, None, msg("probe.reason.etm_timeout", seconds=round(timeout))
    etm, _, error = parse_s_client(transcript.decode("utf-8", "replace"))
    return header + transcript, etm, error


# ------------------------------------------------------------------ the collector


def handshake_stalls(address: str, port: int, server_name: str, timeout: float) -> Message | None:
    """Why sslyze should not even start, or None.

    sslyze has no overall deadline per handshake: a server that drips a byte every few
    seconds would hold every one of its scans until the process is killed. One handshake
    of our own, under a watchdog, tells such a server apart in ``2 × timeout`` seconds.
    Only stalls are decided here; any answer — even a TLS alert from an SSLv3-only
    server — leaves the verdict to sslyze.
    """
    import socket
    import ssl

    from .bounded import SocketWatchdog

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with SocketWatchdog(max(2 * timeout, 3.0)) as watchdog:
        try:
            raw = watchdog.watch(socket.create_connection((address, port), timeout=timeout))
            tls = watchdog.watch(context.wrap_socket(raw, server_hostname=None if is_ip(server_name) else server_name))
            tls.close()
        except ssl.SSLError as exc:
            if watchdog.fired:
                return msg("probe.reason.tls_stalled", seconds=round(watchdog.seconds))
            if exc.reason in NOT_TLS_REASONS:  # OpenSSL's reason code, as it names it
                return msg("probe.reason.tls_not_tls", detail=exc.reason)
            return None
        except (socket.timeout, TimeoutError):
            return msg("probe.reason.tls_stalled", seconds=round(timeout))
        except Exception:
            if watchdog.fired:
                return msg("probe.reason.tls_stalled", seconds=round(watchdog.seconds))
            return None
    return None


# OpenSSL's reasons for bytes that cannot be the start of a TLS (or SSLv3) record
NOT_TLS_REASONS = frozenset({"WRONG_VERSION_NUMBER", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE",
                             "HTTP_REQUEST", "HTTPS_PROXY_REQUEST"})


def collect_tls(*, endpoint: str, host: str, address: str, port: int, server_name: str, ca_file: Path | None,
                timeout: float) -> tuple[TlsObservation, Artifacts]:
    """Scan one endpoint; never raises for network trouble (the observation says why)."""
    observed_at = datetime.now(timezone.utc)
    request = {"host": host, "address": address, "port": port, "server_name": server_name,
               "timeout": timeout, "ca_file": str(ca_file) if ca_file else None}
    deadline = max(30.0, 12 * timeout)
    artifacts: Artifacts = {}
    base = dict(endpoint=endpoint, host=host, address=address, port=port, server_name=server_name,
                observed_at=observed_at)
    stalled = handshake_stalls(address, port, server_name, timeout)
    if stalled:
        return TlsObservation(**base, error=stalled), artifacts
    try:
        completed = subprocess.run([sys.executable, "-m", "expertise.probe.sslyze_worker"],
                                   input=json.dumps(request).encode(), capture_output=True, timeout=deadline)
    except subprocess.TimeoutExpired:
        return TlsObservation(**base, error=msg("probe.reason.tls_scan_timeout", seconds=round(deadline))), artifacts
    if completed.returncode != 0 or not completed.stdout.strip():
        tail = completed.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [str(completed.returncode)]
        artifacts["sslyze-stderr.txt"] = completed.stderr
        return TlsObservation(**base, error=msg("probe.reason.tls_scanner_failed", detail=tail[0])), artifacts
    artifacts["sslyze.json"] = completed.stdout
    try:
        export = json.loads(completed.stdout)
        observation = observation_from_sslyze(export, **base)
    except (ValueError, KeyError, TypeError) as exc:
        return TlsObservation(**base, error=msg("probe.reason.sslyze_unreadable", detail=str(exc))), artifacts
    if observation.error is None:
        transcript, etm, why = probe_encrypt_then_mac(observation, timeout=max(5.0, 2 * timeout))
        if transcript is not None:
            artifacts["s_client-etm.txt"] = transcript
        observation = observation.model_copy(update={"encrypt_then_mac": etm, "encrypt_then_mac_error": why})
    return observation, artifacts
