"""TLS rules: the ANSSI-PA-035 profile over one endpoint's :class:`TlsObservation`."""

from __future__ import annotations

import ipaddress

from ...results import Status
from .. import policy
from ..observations import CertificateInfo, TlsObservation
from .common import Outcome, failed, listing, listing_fr, not_applicable, passed, tls_rule, untested
from ..french import reason_fr

LEGACY = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1")

# French wording of policy.suite_forbidden_reason()
_FORBIDDEN_FR = {
    "SSLv2 suite": "suite SSLv2",
    "no encryption (NULL)": "aucun chiffrement (NULL)",
    "anonymous key exchange (no server authentication)": "échange de clés anonyme (serveur non authentifié)",
    "export-grade cryptography": "cryptographie « export » affaiblie",
    "single DES": "DES simple",
    "3DES (64-bit block, Sweet32)": "3DES (blocs de 64 bits, Sweet32)",
    "IDEA (64-bit block)": "IDEA (blocs de 64 bits)",
    "MD5 MAC": "MAC MD5",
}


# sslyze's name for the trust store built from probe.ca_file; the public stores keep their names
STORE_FR = {"Supplied CA file": "autorité déclarée par l’expert (ca_file)"}


def _forbidden_fr(name: str) -> str:
    reason = policy.suite_forbidden_reason(name) or ""
    return _FORBIDDEN_FR.get(reason, reason)


def _suite_names(tls: TlsObservation, keep) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{s.name} ({s.version})" for s in tls.suites if keep(s)]


def _untested_suffix(tls: TlsObservation, lang: str = "en") -> str:
    missing = tls.untested_versions()
    if not missing:
        return ""
    return f" ; test impossible pour {', '.join(missing)}" if lang == "fr" else f"; could not test {', '.join(missing)}"


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
        return failed(f"accepts {', '.join(legacy)} (only TLS 1.2 and 1.3 are acceptable)",
                      fr=f"accepte {', '.join(legacy)} (seuls TLS 1.2 et 1.3 sont admis)", accepted=accepted)
    not_tested = [v for v in LEGACY if tls.versions.get(v) is None]
    if not_tested:
        return untested(f"could not test {', '.join(not_tested)}",
                        fr=f"test impossible pour {', '.join(not_tested)}", accepted=accepted)
    if not accepted:
        return untested("no protocol version was accepted during the scan",
                        fr="aucune version du protocole n’a été acceptée pendant l’analyse")
    return passed(f"accepts only {', '.join(accepted)}", fr=f"n’accepte que {', '.join(accepted)}",
                  accepted=accepted)


@tls_rule("TLS-002")
def tls13_offered(tls: TlsObservation) -> Outcome:
    """TLS 1.3 is the version ANSSI recommends."""
    value = tls.versions.get("TLSv1.3")
    if value is None:
        return untested("could not test TLS 1.3", fr="test impossible pour TLS 1.3")
    if value:
        return passed("TLS 1.3 is offered", fr="TLS 1.3 est proposé")
    return failed("TLS 1.3 is not offered", fr="TLS 1.3 n’est pas proposé")


@tls_rule("TLS-003")
def no_forbidden_suites(tls: TlsObservation) -> Outcome:
    """No NULL, anonymous, export, RC4, DES/3DES, IDEA or MD5 suite."""
    bad = [f"{s.name} ({s.version}): {policy.suite_forbidden_reason(s.name)}"
           for s in tls.suites if policy.suite_forbidden_reason(s.name)]
    if bad:
        bad_fr = [f"{s.name} ({s.version}) : {_forbidden_fr(s.name)}"
                  for s in tls.suites if policy.suite_forbidden_reason(s.name)]
        return failed(f"accepts forbidden suites: {listing(bad, 6)}",
                      fr=f"accepte des suites cryptographiques interdites : {listing_fr(bad_fr, 6)}", suites=bad)
    if tls.untested_versions():
        return untested(f"no forbidden suite among those tested{_untested_suffix(tls)}",
                        fr=f"aucune suite interdite parmi celles testées{_untested_suffix(tls, 'fr')}")
    return passed(f"none of the {len(tls.suites)} accepted suites is forbidden",
                  fr=f"aucune des {len(tls.suites)} suites acceptées n’est interdite")


@tls_rule("TLS-004")
def forward_secrecy(tls: TlsObservation) -> Outcome:
    """Every suite uses an ephemeral (EC)DH key exchange."""
    bad = _suite_names(tls, lambda s: not policy.suite_has_forward_secrecy(s.name, s.version))
    if bad:
        return failed(f"suites without forward secrecy: {listing(bad, 6)}",
                      fr=f"suites sans confidentialité persistante : {listing_fr(bad, 6)}", suites=bad)
    if tls.untested_versions():
        return untested(f"all tested suites are forward secret{_untested_suffix(tls)}",
                        fr=f"toutes les suites testées assurent la confidentialité persistante"
                           f"{_untested_suffix(tls, 'fr')}")
    return passed("every accepted suite uses an ephemeral key exchange",
                  fr="toutes les suites acceptées utilisent un échange de clés éphémère")


@tls_rule("TLS-005")
def aead_only(tls: TlsObservation) -> Outcome:
    """AEAD suites (AES-GCM, AES-CCM, ChaCha20-Poly1305) only; CBC is a degraded mode."""
    bad = _suite_names(tls, lambda s: not policy.suite_is_aead(s.name, s.version))
    if bad:
        return failed(f"non-AEAD suites accepted: {listing(bad, 6)}",
                      fr=f"suites non AEAD acceptées : {listing_fr(bad, 6)}", suites=bad)
    if tls.untested_versions():
        return untested(f"all tested suites are AEAD{_untested_suffix(tls)}",
                        fr=f"toutes les suites testées sont AEAD{_untested_suffix(tls, 'fr')}")
    return passed("every accepted suite is AEAD", fr="toutes les suites acceptées sont AEAD")


@tls_rule("TLS-006")
def cbc_with_encrypt_then_mac(tls: TlsObservation) -> Outcome:
    """CBC suites are tolerated only with the Encrypt-then-MAC extension (RFC 7366)."""
    cbc = _suite_names(tls, lambda s: policy.suite_is_cbc(s.name, s.version))
    if not cbc:
        return not_applicable("no CBC suite accepted", fr="aucune suite CBC acceptée")
    if tls.encrypt_then_mac is None:
        reason = tls.encrypt_then_mac_error or "no answer"
        return Outcome(Status.ERROR, f"could not test Encrypt-then-MAC: {reason}",
                       {"cbc_suites": cbc}, ("s_client",), fr=f"test d’Encrypt-then-MAC impossible : {reason_fr(reason)}")
    if tls.encrypt_then_mac:
        return Outcome(Status.PASS, f"Encrypt-then-MAC negotiated with CBC suites ({listing(cbc, 3)})",
                       {"cbc_suites": cbc}, ("s_client",),
                       fr=f"Encrypt-then-MAC négocié avec les suites CBC ({listing_fr(cbc, 3)})")
    return Outcome(Status.FAIL, f"CBC suites without Encrypt-then-MAC: {listing(cbc, 4)}",
                   {"cbc_suites": cbc}, ("s_client",), fr=f"suites CBC sans Encrypt-then-MAC : {listing_fr(cbc, 4)}")


@tls_rule("TLS-007")
def key_exchange_groups(tls: TlsObservation) -> Outcome | None:
    """ECDHE on ANSSI curves (P-256/384/521, brainpool, X25519/X448), DHE ≥ 2048 bits."""
    problems: list[str] = []
    problems_fr: list[str] = []
    ephemeral = [s for s in tls.suites if s.kex_type]
    for suite in ephemeral:
        if suite.kex_type == "DH" and suite.kex_size is not None and suite.kex_size < policy.TLS_MIN_DH_BITS:
            problems.append(f"{suite.name}: DH group of {suite.kex_size} bits")
            problems_fr.append(f"{suite.name} : groupe DH de {suite.kex_size} bits")
        if suite.kex_type == "ECDH" and suite.curve and suite.curve.lower() not in policy.TLS_ALLOWED_CURVES:
            problems.append(f"{suite.name}: curve {suite.curve}")
            problems_fr.append(f"{suite.name} : courbe {suite.curve}")
    for curve in tls.curves or []:
        if curve.lower() not in policy.TLS_ALLOWED_CURVES:
            problems.append(f"curve {curve} accepted")
            problems_fr.append(f"courbe {curve} acceptée")
    if problems:
        return failed(f"weak key-exchange groups: {listing(problems, 6)}",
                      fr=f"groupes d’échange de clés trop faibles : {listing_fr(problems_fr, 6)}", problems=problems)
    if not ephemeral and not tls.curves:
        if tls.curves is None and "elliptic_curves" in tls.command_errors:
            reason = tls.command_errors["elliptic_curves"]
            return untested(f"could not list the groups: {reason}",
                            fr=f"impossible d’énumérer les groupes : {reason_fr(reason)}")
        return not_applicable("no ephemeral key exchange accepted (see TLS-004)",
                              fr="aucun échange de clés éphémère accepté (voir TLS-004)")
    groups = sorted({s.curve or f"DH-{s.kex_size}" for s in ephemeral if s.curve or s.kex_size} | set(tls.curves or []))
    return passed(f"key-exchange groups acceptable: {listing(groups)}",
                  fr=f"groupes d’échange de clés acceptables : {listing_fr(groups)}", groups=groups)


@tls_rule("TLS-008")
def extended_master_secret(tls: TlsObservation) -> Outcome:
    """Extended Master Secret (RFC 7627) below TLS 1.3, against session-binding attacks."""
    if not _below_13(tls):
        return not_applicable("only TLS 1.3 is accepted (the master secret is always bound)",
                              fr="seul TLS 1.3 est accepté (le secret maître y est toujours lié à la session)")
    if tls.extended_master_secret is None:
        return untested("could not test the Extended Master Secret extension",
                        fr="test impossible de l’extension Extended Master Secret")
    if tls.extended_master_secret:
        return passed("Extended Master Secret supported", fr="extension Extended Master Secret prise en charge")
    return failed("Extended Master Secret not supported", fr="extension Extended Master Secret non prise en charge")


@tls_rule("TLS-009")
def no_compression(tls: TlsObservation) -> Outcome:
    """No TLS-level compression (CRIME)."""
    if tls.compression is None:
        return untested("could not test TLS compression", fr="test impossible de la compression TLS")
    if tls.compression:
        return failed("TLS compression enabled (CRIME)", fr="compression TLS activée (CRIME)")
    return passed("TLS compression disabled", fr="compression TLS désactivée")


@tls_rule("TLS-010")
def renegotiation(tls: TlsObservation) -> Outcome:
    """Secure renegotiation (RFC 5746) only, and no client-initiated renegotiation."""
    if not _below_13(tls):
        return not_applicable("only TLS 1.3 is accepted (no renegotiation)",
                              fr="seul TLS 1.3 est accepté (pas de renégociation)")
    if tls.secure_renegotiation is None or tls.client_renegotiation is None:
        return untested("could not test renegotiation", fr="test impossible de la renégociation")
    problems, problems_fr = [], []
    if not tls.secure_renegotiation:
        problems.append("secure renegotiation (RFC 5746) not supported")
        problems_fr.append("renégociation sécurisée (RFC 5746) non prise en charge")
    if tls.client_renegotiation:
        problems.append("client-initiated renegotiation accepted (denial of service)")
        problems_fr.append("renégociation à l’initiative du client acceptée (déni de service)")
    if problems:
        return failed("; ".join(problems), fr=" ; ".join(problems_fr))
    return passed("secure renegotiation only, client-initiated renegotiation refused",
                  fr="renégociation sécurisée uniquement, renégociation à l’initiative du client refusée")


@tls_rule("TLS-011")
def heartbleed(tls: TlsObservation) -> Outcome:
    """Not vulnerable to Heartbleed (CVE-2014-0160)."""
    if tls.heartbleed is None:
        return untested("could not test Heartbleed", fr="test impossible de Heartbleed")
    if tls.heartbleed:
        return failed("vulnerable to Heartbleed (CVE-2014-0160)", fr="vulnérable à Heartbleed (CVE-2014-0160)")
    return passed("not vulnerable to Heartbleed", fr="non vulnérable à Heartbleed")


@tls_rule("TLS-012")
def robot(tls: TlsObservation) -> Outcome:
    """Not vulnerable to ROBOT (Bleichenbacher oracle on RSA key exchange)."""
    value = tls.robot
    if value is None or value.startswith("UNKNOWN"):
        return untested(f"could not test ROBOT ({value or 'no result'})",
                        fr=f"test impossible de ROBOT ({value or 'aucun résultat'})")
    if value.startswith("VULNERABLE"):
        return failed(f"vulnerable to ROBOT ({value})", fr=f"vulnérable à ROBOT ({value})", robot=value)
    return passed(f"not vulnerable to ROBOT ({value})", fr=f"non vulnérable à ROBOT ({value})", robot=value)


@tls_rule("TLS-013")
def ccs_injection(tls: TlsObservation) -> Outcome:
    """Not vulnerable to the OpenSSL CCS injection (CVE-2014-0224)."""
    if tls.ccs_injection is None:
        return untested("could not test CCS injection", fr="test impossible de l’injection CCS")
    if tls.ccs_injection:
        return failed("vulnerable to CCS injection (CVE-2014-0224)", fr="vulnérable à l’injection CCS (CVE-2014-0224)")
    return passed("not vulnerable to CCS injection", fr="non vulnérable à l’injection CCS")


@tls_rule("TLS-014")
def downgrade_protection(tls: TlsObservation) -> Outcome:
    """TLS_FALLBACK_SCSV (RFC 7507) when several versions are accepted."""
    if len(tls.accepted_versions()) < 2:
        return not_applicable("a single protocol version is accepted",
                              fr="une seule version du protocole est acceptée")
    if tls.fallback_scsv is None:
        return untested("could not test TLS_FALLBACK_SCSV", fr="test impossible de TLS_FALLBACK_SCSV")
    if tls.fallback_scsv:
        return passed("TLS_FALLBACK_SCSV honoured", fr="TLS_FALLBACK_SCSV respecté")
    return failed("TLS_FALLBACK_SCSV not honoured: a forced downgrade goes unnoticed",
                  fr="TLS_FALLBACK_SCSV non respecté : un repli de version forcé passe inaperçu")


@tls_rule("TLS-015")
def no_early_data(tls: TlsObservation) -> Outcome:
    """No TLS 1.3 0-RTT early data (replayable requests)."""
    if not tls.versions.get("TLSv1.3"):
        return not_applicable("TLS 1.3 not accepted", fr="TLS 1.3 non accepté")
    if tls.early_data is None:
        return untested("could not test 0-RTT early data", fr="test impossible des données précoces 0-RTT")
    if tls.early_data:
        return failed("0-RTT early data accepted (replayable)", fr="données précoces 0-RTT acceptées (rejouables)")
    return passed("0-RTT early data refused", fr="données précoces 0-RTT refusées")


# ------------------------------------------------------------------ certificate


def _no_certificate() -> Outcome:
    return untested("no certificate received", fr="aucun certificat reçu")


@tls_rule("TLS-020")
def certificate_key_size(tls: TlsObservation) -> Outcome:
    """RSA ≥ 2048 bits, ECDSA ≥ 256 bits, no DSA (RGS B1)."""
    leaf = _leaf(tls)
    if leaf is None:
        return _no_certificate()
    kind, size = leaf.key_type, leaf.key_size
    described = f"{kind} {size} bits" + (f" ({leaf.curve})" if leaf.curve else "")  # same in French
    if kind == "RSA":
        ok = size is not None and size >= policy.CERT_MIN_RSA_BITS
    elif kind == "EC":
        ok = size is not None and size >= policy.CERT_MIN_EC_BITS
    elif kind in ("Ed25519", "Ed448"):
        ok = True
    else:
        ok = False
    if ok:
        return passed(f"server key {described}", fr=f"clé du serveur {described}")
    return failed(f"server key too weak: {described}", fr=f"clé du serveur trop faible : {described}", key=described)


@tls_rule("TLS-021")
def certificate_rsa_3072(tls: TlsObservation) -> Outcome:
    """RSA keys of 3072 bits or more for protection beyond 2030 (RGS B1)."""
    leaf = _leaf(tls)
    if leaf is None:
        return _no_certificate()
    if leaf.key_type != "RSA":
        return not_applicable(f"{leaf.key_type} key, not RSA", fr=f"clé {leaf.key_type}, pas RSA")
    if leaf.key_size is not None and leaf.key_size >= policy.CERT_RECOMMENDED_RSA_BITS:
        return passed(f"RSA {leaf.key_size} bits", fr=f"clé RSA de {leaf.key_size} bits")
    return failed(f"RSA {leaf.key_size} bits, below the 3072 bits recommended beyond 2030",
                  fr=f"clé RSA de {leaf.key_size} bits, sous les 3072 bits recommandés au-delà de 2030")


@tls_rule("TLS-022")
def certificate_signatures(tls: TlsObservation) -> Outcome:
    """Leaf and intermediate certificates signed with SHA-2 (no MD5, no SHA-1)."""
    if not tls.chain:
        return _no_certificate()
    weak, weak_fr = [], []
    for index, cert in enumerate(tls.chain):
        is_anchor = index > 0 and cert.self_signed
        if is_anchor:
            continue  # a root's self-signature is not verified by clients
        digest = (cert.signature_hash or "").lower()
        if digest in policy.WEAK_HASHES or (digest and digest not in policy.SHA2_HASHES):
            weak.append(f"{cert.subject}: {cert.signature_algorithm or digest}")
            weak_fr.append(f"{cert.subject} : {cert.signature_algorithm or digest}")
        elif not digest and "ed25519" not in cert.signature_algorithm.lower() and "ed448" not in cert.signature_algorithm.lower():
            weak.append(f"{cert.subject}: unknown signature algorithm {cert.signature_algorithm!r}")
            weak_fr.append(f"{cert.subject} : algorithme de signature inconnu {cert.signature_algorithm!r}")
    if weak:
        return failed(f"weak certificate signatures: {listing(weak, 4)}",
                      fr=f"signatures de certificat faibles : {listing_fr(weak_fr, 4)}", certificates=weak)
    algorithms = sorted({c.signature_algorithm for c in tls.chain if c.signature_algorithm})
    return passed(f"SHA-2 signatures ({listing(algorithms)})", fr=f"signatures SHA-2 ({listing_fr(algorithms)})")


@tls_rule("TLS-023")
def certificate_trusted(tls: TlsObservation) -> Outcome:
    """The chain validates to a trusted root (public trust stores, or the CA declared by the expert)."""
    if not tls.chain:
        return _no_certificate()
    if not tls.trust:
        return untested("no path validation result", fr="aucun résultat de validation du chemin de certification")
    trusted = [t.store for t in tls.trust if t.ok]
    if trusted:
        return passed(f"chain validated by: {', '.join(trusted)}",
                      fr=f"chaîne validée par : {', '.join(STORE_FR.get(t, t) for t in trusted)}", stores=trusted)
    errors = sorted({t.error or "validation failed" for t in tls.trust})
    # the validator's own message is quoted as it is: it is the tool's wording, not ours
    errors_fr = sorted({f"« {t.error} »" if t.error else "échec de la validation" for t in tls.trust})
    return failed(f"chain not trusted by any store ({listing(errors, 3)})",
                  fr=f"aucun magasin de confiance ne reconnaît la chaîne ({listing_fr(errors_fr, 3)})", errors=errors)


@tls_rule("TLS-024")
def certificate_dates(tls: TlsObservation) -> Outcome:
    """Every certificate sent is within its validity period at the time of the probe."""
    if not tls.chain:
        return _no_certificate()
    now = tls.observed_at
    problems, problems_fr = [], []
    for cert in tls.chain:
        if now < cert.not_before:
            problems.append(f"{cert.subject} not valid before {cert.not_before.isoformat()}")
            problems_fr.append(f"{cert.subject} non valide avant le {cert.not_before.isoformat()}")
        elif now > cert.not_after:
            problems.append(f"{cert.subject} expired on {cert.not_after.isoformat()}")
            problems_fr.append(f"{cert.subject} expiré le {cert.not_after.isoformat()}")
    if problems:
        return failed("; ".join(problems), fr=" ; ".join(problems_fr))
    leaf = tls.chain[0]
    days = (leaf.not_after - now).days
    return passed(f"valid until {leaf.not_after.date().isoformat()} ({days} days left at probe time)",
                  fr=f"valide jusqu’au {leaf.not_after.date().isoformat()} ({days} jours restants au moment de la sonde)",
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
        return passed(f"{tls.host} is named in the certificate", fr=f"{tls.host} figure parmi les noms du certificat",
                      names=names)
    if not names:
        return failed(f"the certificate has no subjectAltName (CN {listing(leaf.common_names)} is not used by clients)",
                      fr=f"le certificat n’a pas d’extension subjectAltName (le CN {listing_fr(leaf.common_names)} "
                         "n’est pas utilisé par les clients)")
    return failed(f"{tls.host} is not among the certificate's names ({listing(names)})",
                  fr=f"{tls.host} ne figure pas parmi les noms du certificat ({listing_fr(names)})", names=names)


@tls_rule("TLS-026")
def revocation_information(tls: TlsObservation) -> Outcome:
    """Revocation can be checked: OCSP stapling, or an OCSP/CRL address in the certificate."""
    leaf = _leaf(tls)
    if leaf is None:
        return _no_certificate()
    if tls.ocsp_stapled:
        return passed("OCSP response stapled", fr="réponse OCSP agrafée (OCSP stapling)")
    if leaf.ocsp_urls or leaf.crl_urls:
        where = leaf.ocsp_urls + leaf.crl_urls
        return passed(f"revocation information published ({listing(where, 3)}); no OCSP stapling",
                      fr=f"informations de révocation publiées ({listing_fr(where, 3)}) ; pas d’agrafage OCSP",
                      ocsp=leaf.ocsp_urls, crl=leaf.crl_urls)
    return failed("no OCSP stapling and no OCSP/CRL address in the certificate: revocation cannot be checked",
                  fr="ni agrafage OCSP ni adresse OCSP/CRL dans le certificat : la révocation ne peut pas être vérifiée")


@tls_rule("TLS-027")
def chain_complete(tls: TlsObservation) -> Outcome:
    """The server sends the intermediates, in order."""
    if not tls.chain:
        return _no_certificate()
    if tls.chain_order_valid is False:
        return failed("certificates are not sent in order (leaf, then each issuer)",
                      fr="les certificats ne sont pas envoyés dans l’ordre (feuille, puis chaque émetteur)")
    if tls.verified_chain_length is None:
        return untested("the chain could not be validated, so its completeness cannot be judged (see TLS-023)",
                        fr="la chaîne n’a pas pu être validée, sa complétude ne peut donc pas être jugée (voir TLS-023)")
    needed = tls.verified_chain_length - 1  # the anchor need not be sent
    if len(tls.chain) < needed:
        return failed(f"incomplete chain: {len(tls.chain)} certificate(s) sent, {needed} needed",
                      fr=f"chaîne incomplète : {len(tls.chain)} certificat(s) envoyé(s), {needed} nécessaire(s)")
    return passed(f"complete chain sent in order ({len(tls.chain)} certificate(s))",
                  fr=f"chaîne complète envoyée dans l’ordre ({len(tls.chain)} certificat(s))")


RULES = (protocol_versions, tls13_offered, no_forbidden_suites, forward_secrecy, aead_only,
         cbc_with_encrypt_then_mac, key_exchange_groups, extended_master_secret, no_compression,
         renegotiation, heartbleed, robot, ccs_injection, downgrade_protection, no_early_data,
         certificate_key_size, certificate_rsa_3072, certificate_signatures, certificate_trusted,
         certificate_dates, certificate_hostname, revocation_information, chain_complete)
