"""The small, JSON-serialisable digest of one source that the report's « Plateforme » chapter shows.

The full observation is in the evidence; the summary keeps what a reader needs on one
page: open ports, TLS versions and certificate, the security headers as received, the
SSH algorithms, and the counts of results.
"""

from __future__ import annotations

from typing import Any

from ..i18n import Message, msg
from ..results import Result, count_by_status
from . import observatory
from .observations import ProbeObservation
from .tls import store_name

SECURITY_HEADERS = ("strict-transport-security", "content-security-policy", "x-content-type-options",
                    "x-frame-options", "referrer-policy", "cross-origin-resource-policy", "permissions-policy",
                    "access-control-allow-origin", "server", "x-powered-by")
MAX_VALUE = 300


def _clip(value: str) -> str:
    return value if len(value) <= MAX_VALUE else value[:MAX_VALUE] + "…"


def _reason(reason: Message | None) -> dict[str, Any] | None:
    """A collector's reason as its code and arguments: the report renders it in its language."""
    return reason.to_dict() if reason is not None else None


def _store(name: str) -> Any:
    """A trust store's name; the one built from probe.ca_file is named in the report's language."""
    shown = store_name(name)
    return shown.to_dict() if isinstance(shown, Message) else shown


def summarise(observation: ProbeObservation, results: list[Result]) -> dict[str, Any]:
    summary: dict[str, Any] = {"kind": observation.kind, "target": observation.target,
                               "counts": count_by_status(results)}
    if observation.ports is not None:
        ports = observation.ports
        summary["ports"] = {
            "host": ports.host, "address": ports.address, "spec": ports.ports_spec, "scanned": ports.scanned,
            "error": _reason(ports.error), "expected": ports.expected,
            "open": [{"port": p.port, "service": p.service, "product": p.product, "version": p.version,
                      "tunnel": p.tunnel, "expected": p.port in ports.expected} for p in ports.open_ports]}
    if observation.tls is not None:
        tls = observation.tls
        leaf = tls.chain[0] if tls.chain else None
        by_version: dict[str, list[str]] = {}
        for suite in tls.suites:
            by_version.setdefault(suite.version, []).append(suite.name)
        summary["tls"] = {
            "endpoint": tls.endpoint, "address": tls.address, "error": _reason(tls.error),
            "versions": {v: accepted for v, accepted in tls.versions.items()},
            "suites": by_version,
            "certificate": None if leaf is None else {
                "subject": leaf.subject, "issuer": leaf.issuer, "key": f"{leaf.key_type} {leaf.key_size or ''}".strip(),
                "not_after": leaf.not_after.date().isoformat(), "signature": leaf.signature_algorithm,
                "names": (leaf.san_dns + leaf.san_ip)[:10], "sha256": leaf.sha256},
            "trusted_by": [_store(t.store) for t in tls.trust if t.ok],
            "encrypt_then_mac": tls.encrypt_then_mac, "extended_master_secret": tls.extended_master_secret}
    if observation.http is not None:
        http = observation.http
        final = http.final
        score = observatory.observatory_score(http) if http.url.startswith("https://") else None
        page_error = next((e.error for e in http.exchanges if e.error), None)
        summary["http"] = {
            "url": http.url, "error": _reason(http.error), "refused_redirect": _reason(http.refused_redirect),
            "status": final.status if final else None, "final_url": final.url if final else None,
            "page_error": _reason(page_error),
            "headers": {name: _clip(value) for name in SECURITY_HEADERS
                        if final is not None and (value := final.header(name)) is not None},
            "cookies": [{"name": c.name, "secure": c.secure, "httponly": c.http_only, "samesite": c.same_site}
                        for c in observatory.cookies_of(http.exchanges)][:20],
            "observatory": None if score is None else {"score": score["score"], "grade": score["grade"]},
            "plain": [{"url": e.url, "status": e.status, "location": e.header("location"), "error": _reason(e.error)}
                      for e in http.plain]
            + [{"url": u, "status": None, "location": None, "error": _reason(msg("probe.reason.refused"))}
               for u in http.plain_unreachable]}
    if observation.ssh is not None:
        ssh = observation.ssh
        summary["ssh"] = {
            "endpoint": ssh.endpoint, "error": _reason(ssh.error), "banner": _clip(ssh.banner),
            "kex": ssh.kex,
            "ciphers": ssh.ciphers, "macs": ssh.macs,
            "host_keys": [f"{k.algorithm}" + (f" ({k.size} bits)" if k.size else "") for k in ssh.host_keys],
            "auth_methods": ssh.auth_methods, "fingerprint": ssh.host_key_fingerprint,
            "audit_error": _reason(ssh.audit_error)}
    return summary
