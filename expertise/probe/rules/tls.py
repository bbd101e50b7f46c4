"""TLS rules: the ANSSI-PA-035 profile over one endpoint's :class:`TlsObservation`."""

from __future__ import annotations

import ipaddress

from ...i18n import Message, msg
from ...results import Status
from .. import policy
from ..observations import CertificateInfo, TlsObservation
from ..tls import store_name
from .common import Outcome, failed, listing, not_applicable, passed, reason_or_no_answer, tls_rule, untested

LEGACY = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1")

def _suite_names(tls: TlsObservation, keep) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{s.name} ({s.version})" for s in tls.suites if keep(s)]


def _with_untested(message: Message, tls: TlsObservation) -> Message:
    """``message``, and the versions that could not be tested when there are any."""
    missing = tls.untested_versions()
    return msg("probe.tls.partly_untested", finding=message, versions=missing) if missing else message


def _leaf(tls: TlsObservation) -> CertificateInfo | None:
    return tls.chain[0] if tls.chain else None


def _below_13(tls: TlsObservation) -> list[str]:
    return [v for v in tls.accepted_versions() if v != "TLSv1.3"]


@tls_rule("TLS-001")
def protocol_versions(tls: TlsObservation) -> Outcome:
    """Only TLS 1.2 and 1.3 (ANSSI-PA-035: SSLv2/SSLv3 forbidden, TLS 1.0/1.1 no longer accepted)."""
    accepted = tls.accepted_versions()
    legacy = [v for v in accepted if v in LEGACY]
    if legacy:
        return failed(msg("probe.tls_001.fail", versions=legacy), accepted=accepted)
    not_tested = [v for v in LEGACY if tls.versions.get(v) is None]
    if not_tested:
        return untested(msg("probe.tls_001.untested", versions=not_tested), accepted=accepted)
    if not accepted:
        return untested(msg("probe.tls_001.none_accepted"))
    return passed(msg("probe.tls_001.pass", versions=accepted), accepted=accepted)


@tls_rule("TLS-002")
def tls13_offered(tls: TlsObservation) -> Outcome:
    """TLS 1.3 is the version ANSSI recommends."""
    value = tls.versions.get("TLSv1.3")
    if value is None:
        return untested(msg("probe.tls_002.untested"))
    if value:
        return passed(msg("probe.tls_002.pass"))
    return failed(msg("probe.tls_002.fail"))


@tls_rule("TLS-003")
def no_forbidden_suites(tls: TlsObservation) -> Outcome:
    """No NULL, anonymous, export, RC4, DES/3DES, IDEA or MD5 suite."""
    forbidden = [(s, reason) for s in tls.suites if (reason := policy.suite_forbidden_reason(s.name))]
    if forbidden:
        bad = [msg("probe.tls_003.suite", suite=s.name, version=s.version, reason=reason) for s, reason in forbidden]
        return failed(msg("probe.tls_003.fail", suites=listing(bad, 6)),
                      suites=[f"{s.name} ({s.version})" for s, _ in forbidden])
    if tls.untested_versions():
        return untested(_with_untested(msg("probe.tls_003.tested_clean"), tls))
    return passed(msg("probe.tls_003.pass", count=len(tls.suites)))


@tls_rule("TLS-004")
def forward_secrecy(tls: TlsObservation) -> Outcome:
    """Every suite uses an ephemeral (EC)DH key exchange."""
    bad = _suite_names(tls, lambda s: not policy.suite_has_forward_secrecy(s.name, s.version))
    if bad:
        return failed(msg("probe.tls_004.fail", suites=listing(bad, 6)), suites=bad)
    if tls.untested_versions():
        return untested(_with_untested(msg("probe.tls_004.tested_clean"), tls))
    return passed(msg("probe.tls_004.pass"))


@tls_rule("TLS-005")
def aead_only(tls: TlsObservation) -> Outcome:
    """AEAD suites (AES-GCM, AES-CCM, ChaCha20-Poly1305) only; CBC is a degraded mode."""
    bad = _suite_names(tls, lambda s: not policy.suite_is_aead(s.name, s.version))
    if bad:
        return failed(msg("probe.tls_005.fail", suites=listing(bad, 6)), suites=bad)
    if tls.untested_versions():
        return untested(_with_untested(msg("probe.tls_005.tested_clean"), tls))
    return passed(msg("probe.tls_005.pass"))


@tls_rule("TLS-006")
def cbc_with_encrypt_then_mac(tls: TlsObservation) -> Outcome:
    """CBC suites are tolerated only with the Encrypt-then-MAC extension (RFC 7366)."""
    cbc = _suite_names(tls, lambda s: policy.suite_is_cbc(s.name, s.version))
    if not cbc:
        return not_applicable(msg("probe.tls_006.no_cbc"))
    if tls.encrypt_then_mac is None:
        return Outcome(Status.ERROR, msg("probe.tls_006.untested", reason=reason_or_no_answer(tls.encrypt_then_mac_error)),
                       {"cbc_suites": cbc}, ("s_client",))
    if tls.encrypt_then_mac:
        return Outcome(Status.PASS, msg("probe.tls_006.pass", suites=listing(cbc, 3)), {"cbc_suites": cbc},
                       ("s_client",))
    return Outcome(Status.FAIL, msg("probe.tls_006.fail", suites=listing(cbc, 4)), {"cbc_suites": cbc}, ("s_client",))


@tls_rule("TLS-007")
def key_exchange_groups(tls: TlsObservation) -> Outcome | None:
    """ECDHE on ANSSI curves (P-256/384/521, brainpool, X25519/X448), DHE ≥ 2048 bits."""
    problems: list[Message] = []
    ephemeral = [s for s in tls.suites if s.kex_type]
    for suite in ephemeral:
        if suite.kex_type == "DH" and suite.kex_size is not None and suite.kex_size < policy.TLS_MIN_DH_BITS:
            problems.append(msg("probe.tls_007.small_dh", suite=suite.name, bits=str(suite.kex_size)))
        if suite.kex_type == "ECDH" and suite.curve and suite.curve.lower() not in policy.TLS_ALLOWED_CURVES:
            problems.append(msg("probe.tls_007.suite_curve", suite=suite.name, curve=suite.curve))
    for curve in tls.curves or []:
        if curve.lower() not in policy.TLS_ALLOWED_CURVES:
            problems.append(msg("probe.tls_007.curve", curve=curve))
    if problems:
        return failed(msg("probe.tls_007.fail", problems=listing(problems, 6)),
                      problems=[str(p) for p in problems])
    if not ephemeral and not tls.curves:
        if tls.curves is None and "elliptic_curves" in tls.command_errors:
            return untested(msg("probe.tls_007.untested", reason=tls.command_errors["elliptic_curves"]))
        return not_applicable(msg("probe.tls_007.no_ephemeral"))
    groups = sorted({s.curve or f"DH-{s.kex_size}" for s in ephemeral if s.curve or s.kex_size} | set(tls.curves or []))
    return passed(msg("probe.tls_007.pass", groups=listing(groups)), groups=groups)


@tls_rule("TLS-008")
def extended_master_secret(tls: TlsObservation) -> Outcome:
    """Extended Master Secret (RFC 7627) below TLS 1.3, against session-binding attacks."""
    if not _below_13(tls):
        return not_applicable(msg("probe.tls_008.tls13_only"))
    if tls.extended_master_secret is None:
        return untested(msg("probe.tls_008.untested"))
    if tls.extended_master_secret:
        return passed(msg("probe.tls_008.pass"))
    return failed(msg("probe.tls_008.fail"))


@tls_rule("TLS-009")
def no_compression(tls: TlsObservation) -> Outcome:
    """No TLS-level compression (CRIME)."""
    if tls.compression is None:
        return untested(msg("probe.tls_009.untested"))
    if tls.compression:
        return failed(msg("probe.tls_009.fail"))
    return passed(msg("probe.tls_009.pass"))


@tls_rule("TLS-010")
def renegotiation(tls: TlsObservation) -> Outcome:
    """Secure renegotiation (RFC 5746) only, and no client-initiated renegotiation."""
    if not _below_13(tls):
        return not_applicable(msg("probe.tls_010.tls13_only"))
    if tls.secure_renegotiation is None or tls.client_renegotiation is None:
        return untested(msg("probe.tls_010.untested"))
    insecure, client = not tls.secure_renegotiation, bool(tls.client_renegotiation)
    if insecure and client:
        return failed(msg("probe.tls_010.fail_both"))
    if insecure:
        return failed(msg("probe.tls_010.fail_insecure"))
    if client:
        return failed(msg("probe.tls_010.fail_client"))
    return passed(msg("probe.tls_010.pass"))


@tls_rule("TLS-011")
def heartbleed(tls: TlsObservation) -> Outcome:
    """Not vulnerable to Heartbleed (CVE-2014-0160)."""
    if tls.heartbleed is None:
        return untested(msg("probe.tls_011.untested"))
    if tls.heartbleed:
        return failed(msg("probe.tls_011.fail"))
    return passed(msg("probe.tls_011.pass"))


@tls_rule("TLS-012")
def robot(tls: TlsObservation) -> Outcome:
    """Not vulnerable to ROBOT (Bleichenbacher oracle on RSA key exchange)."""
    value = tls.robot
    if value is None or value.startswith("UNKNOWN"):
        return untested(msg("probe.tls_012.untested", result=value or msg("probe.reason.no_result")))
    if value.startswith("VULNERABLE"):
        return failed(msg("probe.tls_012.fail", result=value), robot=value)
    return passed(msg("probe.tls_012.pass", result=value), robot=value)


@tls_rule("TLS-013")
def ccs_injection(tls: TlsObservation) -> Outcome:
    """Not vulnerable to the OpenSSL CCS injection (CVE-2014-0224)."""
    if tls.ccs_injection is None:
        return untested(msg("probe.tls_013.untested"))
    if tls.ccs_injection:
        return failed(msg("probe.tls_013.fail"))
    return passed(msg("probe.tls_013.pass"))


@tls_rule("TLS-014")
def downgrade_protection(tls: TlsObservation) -> Outcome:
    """TLS_FALLBACK_SCSV (RFC 7507) when several versions are accepted."""
    if len(tls.accepted_versions()) < 2:
        return not_applicable(msg("probe.tls_014.single_version"))
    if tls.fallback_scsv is None:
        return untested(msg("probe.tls_014.untested"))
    if tls.fallback_scsv:
        return passed(msg("probe.tls_014.pass"))
    return failed(msg("probe.tls_014.fail"))


@tls_rule("TLS-015")
def no_early_data(tls: TlsObservation) -> Outcome:
    """No TLS 1.3 0-RTT early data (replayable requests)."""
    if not tls.versions.get("TLSv1.3"):
        return not_applicable(msg("probe.tls_015.no_tls13"))
    if tls.early_data is None:
        return untested(msg("probe.tls_015.untested"))
    if tls.early_data:
        return failed(msg("probe.tls_015.fail"))
    return passed(msg("probe.tls_015.pass"))


# ------------------------------------------------------------------ certificate


def _no_certificate() -> Outcome:
    return untested(msg("probe.tls.no_certificate"))


def _key(leaf: CertificateInfo) -> Message:
    if leaf.curve:
        return msg("probe.tls.key_curve", type=leaf.key_type, bits=str(leaf.key_size), curve=leaf.curve)
    return msg("probe.tls.key", type=leaf.key_type, bits=str(leaf.key_size))


@tls_rule("TLS-020")
def certificate_key_size(tls: TlsObservation) -> Outcome:
    """RSA ≥ 2048 bits, ECDSA ≥ 256 bits, no DSA (RGS B1)."""
    leaf = _leaf(tls)
    if leaf is None:
        return _no_certificate()
    kind, size = leaf.key_type, leaf.key_size
    if kind == "RSA":
        ok = size is not None and size >= policy.CERT_MIN_RSA_BITS
    elif kind == "EC":
        ok = size is not None and size >= policy.CERT_MIN_EC_BITS
    elif kind in ("Ed25519", "Ed448"):
        ok = True
    else:
        ok = False
    if ok:
        return passed(msg("probe.tls_020.pass", key=_key(leaf)))
    return failed(msg("probe.tls_020.fail", key=_key(leaf)), key=str(_key(leaf)))


@tls_rule("TLS-021")
def certificate_rsa_3072(tls: TlsObservation) -> Outcome:
    """RSA keys of 3072 bits or more for protection beyond 2030 (RGS B1)."""
    leaf = _leaf(tls)
    if leaf is None:
        return _no_certificate()
    if leaf.key_type != "RSA":
        return not_applicable(msg("probe.tls_021.not_rsa", type=leaf.key_type))
    if leaf.key_size is not None and leaf.key_size >= policy.CERT_RECOMMENDED_RSA_BITS:
        return passed(msg("probe.tls_021.pass", bits=str(leaf.key_size)))
    return failed(msg("probe.tls_021.fail", bits=str(leaf.key_size)))


@tls_rule("TLS-022")
def certificate_signatures(tls: TlsObservation) -> Outcome:
    """Leaf and intermediate certificates signed with SHA-2 (no MD5, no SHA-1)."""
    if not tls.chain:
        return _no_certificate()
    weak: list[Message] = []
    for index, cert in enumerate(tls.chain):
        is_anchor = index > 0 and cert.self_signed
        if is_anchor:
            continue  # a root's self-signature is not verified by clients
        digest = (cert.signature_hash or "").lower()
        if digest in policy.WEAK_HASHES or (digest and digest not in policy.SHA2_HASHES):
            weak.append(msg("probe.tls_022.weak", subject=cert.subject, algorithm=cert.signature_algorithm or digest))
        elif not digest and "ed25519" not in cert.signature_algorithm.lower() and "ed448" not in cert.signature_algorithm.lower():
            weak.append(msg("probe.tls_022.unknown", subject=cert.subject, algorithm=repr(cert.signature_algorithm)))
    if weak:
        return failed(msg("probe.tls_022.fail", certificates=listing(weak, 4)), certificates=[str(w) for w in weak])
    algorithms = sorted({c.signature_algorithm for c in tls.chain if c.signature_algorithm})
    return passed(msg("probe.tls_022.pass", algorithms=listing(algorithms)))


@tls_rule("TLS-023")
def certificate_trusted(tls: TlsObservation) -> Outcome:
    """The chain validates to a trusted root (public trust stores, or the CA declared by the expert)."""
    if not tls.chain:
        return _no_certificate()
    if not tls.trust:
        return untested(msg("probe.tls_023.untested"))
    trusted = [t.store for t in tls.trust if t.ok]
    if trusted:
        return passed(msg("probe.tls_023.pass", stores=[store_name(t) for t in trusted]), stores=trusted)
    errors = sorted({t.error for t in tls.trust if t.error})  # the validator's own words, quoted as they are
    if not errors:
        return failed(msg("probe.tls_023.fail_unexplained"))
    return failed(msg("probe.tls_023.fail", errors=listing(errors, 3)), errors=errors)


@tls_rule("TLS-024")
def certificate_dates(tls: TlsObservation) -> Outcome:
    """Every certificate sent is valid now and over the whole voting period, when the case gives it.

    A certificate valid today but expiring before the closing would break the vote halfway:
    "now" alone is no evidence for the period, so a standalone probe says the period was not checked.
    """
    if not tls.chain:
        return _no_certificate()
    now = tls.observed_at
    opens, closes = tls.voting_opens, tls.voting_closes
    problems: list[Message] = []
    for cert in tls.chain:
        if now < cert.not_before:
            problems.append(msg("probe.tls_024.not_yet", subject=cert.subject, date=cert.not_before))
        elif now > cert.not_after:
            problems.append(msg("probe.tls_024.expired", subject=cert.subject, date=cert.not_after))
        elif opens is not None and closes is not None:
            if cert.not_before > opens:
                problems.append(msg("probe.tls_024.starts_after_opening", subject=cert.subject,
                                    date=cert.not_before, opens=opens))
            if cert.not_after < closes:
                problems.append(msg("probe.tls_024.expires_before_closing", subject=cert.subject,
                                    date=cert.not_after, closes=closes))
    if problems:
        return failed(msg("probe.tls_024.fail", problems=problems))
    leaf = tls.chain[0]
    days = (leaf.not_after - now).days
    if opens is None or closes is None:
        return passed(msg("probe.tls_024.pass_now_only", date=leaf.not_after.date(), count=days),
                      not_after=leaf.not_after.isoformat(), days_left=days, voting_period="unknown")
    return passed(msg("probe.tls_024.pass_period", date=leaf.not_after.date(), opens=opens, closes=closes),
                  not_after=leaf.not_after.isoformat(), days_left=days)


def name_matches(host: str, cert: CertificateInfo) -> bool:
    """RFC 6125: subjectAltName only; one wildcard, whole left-most label only."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return any(ipaddress.ip_address(ip) == address for ip in cert.san_ip)
    host = host.lower().rstrip(".")
    for pattern in cert.san_dns:
        pattern = pattern.lower().rstrip(".")
        if pattern == host:
            return True
        if pattern.startswith("*.") and "*" not in pattern[2:]:
            head, _, rest = host.partition(".")
            if head and rest == pattern[2:] and rest.count(".") >= 1:
                return True
    return False


@tls_rule("TLS-025")
def certificate_hostname(tls: TlsObservation) -> Outcome:
    """The certificate names the host (subjectAltName, RFC 6125)."""
    leaf = _leaf(tls)
    if leaf is None:
        return _no_certificate()
    names = leaf.san_dns + leaf.san_ip
    if name_matches(tls.host, leaf):
        return passed(msg("probe.tls_025.pass", host=tls.host), names=names)
    if not names:
        return failed(msg("probe.tls_025.no_san", names=listing(leaf.common_names)))
    return failed(msg("probe.tls_025.fail", host=tls.host, names=listing(names)), names=names)


@tls_rule("TLS-026")
def revocation_information(tls: TlsObservation) -> Outcome:
    """Revocation can be checked: OCSP stapling, or an OCSP/CRL address in the certificate."""
    leaf = _leaf(tls)
    if leaf is None:
        return _no_certificate()
    if tls.ocsp_stapled:
        return passed(msg("probe.tls_026.stapled"))
    if leaf.ocsp_urls or leaf.crl_urls:
        where = leaf.ocsp_urls + leaf.crl_urls
        return passed(msg("probe.tls_026.published", where=listing(where, 3)), ocsp=leaf.ocsp_urls, crl=leaf.crl_urls)
    return failed(msg("probe.tls_026.fail"))


@tls_rule("TLS-027")
def chain_complete(tls: TlsObservation) -> Outcome:
    """The server sends the intermediates, in order."""
    if not tls.chain:
        return _no_certificate()
    if tls.chain_order_valid is False:
        return failed(msg("probe.tls_027.order"))
    if tls.verified_chain_length is None:
        return untested(msg("probe.tls_027.untested"))
    needed = tls.verified_chain_length - 1  # the anchor need not be sent
    if len(tls.chain) < needed:
        return failed(msg("probe.tls_027.fail", count=len(tls.chain), needed=needed))
    return passed(msg("probe.tls_027.pass", count=len(tls.chain)))


RULES = (protocol_versions, tls13_offered, no_forbidden_suites, forward_secrecy, aead_only,
         cbc_with_encrypt_then_mac, key_exchange_groups, extended_master_secret, no_compression,
         renegotiation, heartbleed, robot, ccs_injection, downgrade_protection, no_early_data,
         certificate_key_size, certificate_rsa_3072, certificate_signatures, certificate_trusted,
         certificate_dates, certificate_hostname, revocation_information, chain_complete)
