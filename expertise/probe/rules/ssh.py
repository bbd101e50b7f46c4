"""SSH rules: the ANSSI (Open)SSH profile (ANSSI-NT-007) over an :class:`SshObservation`."""

from __future__ import annotations

from ...results import Status
from .. import policy
from ..observations import SshObservation
from .common import Outcome, failed, listing, listing_fr, manual, not_applicable, passed, ssh_rule, untested
from ..french import reason_fr


def _algorithms_untested(ssh: SshObservation) -> Outcome | None:
    if ssh.audit_error:
        return untested(f"could not list the server's algorithms: {ssh.audit_error}",
                        fr=f"impossible d’énumérer les algorithmes du serveur : {reason_fr(ssh.audit_error)}")
    return None


@ssh_rule("SSH-001")
def protocol_2_only(ssh: SshObservation) -> Outcome:
    """Only protocol version 2 (a "1.99" banner still accepts SSH-1)."""
    if not ssh.protocol:
        return untested(f"no protocol version in the banner {ssh.banner!r}",
                        fr=f"aucune version du protocole dans la bannière {ssh.banner!r}")
    if ssh.protocol == "2.0":
        return passed(f"protocol 2.0 only ({ssh.banner})", fr=f"protocole 2.0 uniquement ({ssh.banner})")
    return failed(f"protocol {ssh.protocol} announced ({ssh.banner}): SSH-1 accepted",
                  fr=f"protocole {ssh.protocol} annoncé ({ssh.banner}) : SSH-1 accepté")


def _outside(values: list[str], allowed: frozenset[str]) -> list[str]:
    return [v for v in values if v not in allowed and not v.startswith(policy.SSH_KEX_MARKERS)]


@ssh_rule("SSH-002")
def key_exchange(ssh: SshObservation) -> Outcome:
    """Key exchange by (EC)DH with SHA-2 only: Curve25519, NIST P-256/384/521, DH groups ≥ 2048 bits."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.kex:
        return untested("no key-exchange algorithm reported", fr="aucun algorithme d’échange de clés annoncé")
    bad = _outside(ssh.kex, policy.SSH_ALLOWED_KEX)
    if bad:
        return failed(f"key exchanges outside the ANSSI profile: {listing(bad)}",
                      fr=f"échanges de clés hors du profil ANSSI : {listing_fr(bad)}", algorithms=bad)
    offered = _outside(ssh.kex, frozenset())
    return passed(f"key exchanges: {listing(offered)}", fr=f"échanges de clés : {listing_fr(offered)}")


@ssh_rule("SSH-003")
def ciphers(ssh: SshObservation) -> Outcome:
    """Ciphers: AES-CTR, AES-GCM or ChaCha20-Poly1305 only (no CBC, 3DES, RC4, Blowfish)."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.ciphers:
        return untested("no cipher reported", fr="aucun algorithme de chiffrement annoncé")
    bad = _outside(ssh.ciphers, policy.SSH_ALLOWED_CIPHERS)
    if bad:
        return failed(f"ciphers outside the ANSSI profile: {listing(bad)}",
                      fr=f"algorithmes de chiffrement hors du profil ANSSI : {listing_fr(bad)}", algorithms=bad)
    return passed(f"ciphers: {listing(ssh.ciphers)}", fr=f"algorithmes de chiffrement : {listing_fr(ssh.ciphers)}")


@ssh_rule("SSH-004")
def macs(ssh: SshObservation) -> Outcome:
    """MACs from SHA-2 (or UMAC-128), no MD5, SHA-1 or 64-bit tags."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.macs:
        return untested("no MAC reported", fr="aucun algorithme d’intégrité (MAC) annoncé")
    bad = _outside(ssh.macs, policy.SSH_ALLOWED_MACS)
    if bad:
        return failed(f"MACs outside the ANSSI profile: {listing(bad)}",
                      fr=f"algorithmes d’intégrité (MAC) hors du profil ANSSI : {listing_fr(bad)}", algorithms=bad)
    return passed(f"MACs: {listing(ssh.macs)}", fr=f"algorithmes d’intégrité (MAC) : {listing_fr(ssh.macs)}")


@ssh_rule("SSH-005")
def host_keys(ssh: SshObservation) -> Outcome:
    """Host keys: Ed25519, ECDSA ≥ 256 bits or RSA ≥ 2048 bits; no DSA."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.host_keys:
        return untested("no host key reported", fr="aucune clé d’hôte annoncée")
    bad, bad_fr = [], []
    for key in ssh.host_keys:
        base = policy.ssh_base_algorithm(key.algorithm)
        if base == "ssh-dss":
            bad.append(f"{key.algorithm} (DSA)")
            bad_fr.append(f"{key.algorithm} (DSA)")
        elif policy.ssh_is_rsa(base):
            if key.size is None:
                bad.append(f"{key.algorithm} (size unknown)")
                bad_fr.append(f"{key.algorithm} (taille inconnue)")
            elif key.size < policy.SSH_MIN_RSA_BITS:
                bad.append(f"{key.algorithm} ({key.size} bits)")
                bad_fr.append(f"{key.algorithm} ({key.size} bits)")
        elif base not in policy.SSH_ALLOWED_HOST_KEYS:
            bad.append(key.algorithm)
            bad_fr.append(key.algorithm)
    described = [f"{k.algorithm}" + (f" {k.size}" if k.size else "") for k in ssh.host_keys]
    if bad:
        return failed(f"weak host keys: {listing(bad)}", fr=f"clés d’hôte trop faibles : {listing_fr(bad_fr)}",
                      keys=described)
    return passed(f"host keys: {listing(described)}", fr=f"clés d’hôte : {listing_fr(described)}", keys=described)


@ssh_rule("SSH-006")
def host_key_rsa_3072(ssh: SshObservation) -> Outcome:
    """RSA host keys of 3072 bits or more for protection beyond 2030."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    rsa = [k for k in ssh.host_keys if policy.ssh_is_rsa(policy.ssh_base_algorithm(k.algorithm))]
    if not rsa:
        return not_applicable("no RSA host key", fr="aucune clé d’hôte RSA")
    small = sorted({k.size or 0 for k in rsa if (k.size or 0) < policy.SSH_RECOMMENDED_RSA_BITS})
    if small:
        sizes = ", ".join(str(s) for s in small)
        return failed(f"RSA host key of {sizes} bits, below the 3072 recommended",
                      fr=f"clé d’hôte RSA de {sizes} bits, sous les 3072 bits recommandés")
    return passed(f"RSA host key of {rsa[0].size} bits", fr=f"clé d’hôte RSA de {rsa[0].size} bits")


@ssh_rule("SSH-007")
def no_sha1_signatures(ssh: SshObservation) -> Outcome:
    """No host-key signature with SHA-1 (ssh-rsa, ssh-dss)."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    bad = [k.algorithm for k in ssh.host_keys if policy.ssh_base_algorithm(k.algorithm) in policy.SSH_SHA1_HOST_KEYS]
    if bad:
        return failed(f"SHA-1 host-key signatures offered: {listing(bad)}",
                      fr=f"signatures SHA-1 de clé d’hôte proposées : {listing_fr(bad)}")
    return passed("no SHA-1 host-key signature offered", fr="aucune signature SHA-1 de clé d’hôte proposée")


@ssh_rule("SSH-008")
def public_key_authentication_only(ssh: SshObservation) -> Outcome:
    """Only public-key authentication is offered (no password, no keyboard-interactive)."""
    if ssh.auth_methods is None:
        reason = ssh.auth_error or "no answer"
        return Outcome(Status.ERROR, f"could not list the authentication methods: {reason}",
                       evidence_filter=("paramiko",),
                       fr=f"impossible d’énumérer les méthodes d’authentification : {reason_fr(reason)}")
    weak = [m for m in ssh.auth_methods if m in ("password", "keyboard-interactive")]
    offered = listing(ssh.auth_methods) or "none"
    offered_fr = listing_fr(ssh.auth_methods) or "aucune"
    if weak:
        return Outcome(Status.FAIL, f"password-type authentication offered ({offered})",
                       {"methods": ssh.auth_methods}, ("paramiko",),
                       fr=f"authentification par mot de passe proposée ({offered_fr})")
    return Outcome(Status.PASS, f"authentication methods offered: {offered}", {"methods": ssh.auth_methods},
                   ("paramiko",), fr=f"méthodes d’authentification proposées : {offered_fr}")


@ssh_rule("SSH-009")
def known_vulnerabilities(ssh: SshObservation) -> Outcome:
    """No published vulnerability for the announced software version."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.cves:
        return passed(f"no known vulnerability listed for {ssh.software or ssh.banner}",
                      fr=f"aucune vulnérabilité connue répertoriée pour {ssh.software or ssh.banner}")
    names = [str(c.get("name", "?")) for c in ssh.cves]
    # Distributions back-port fixes without changing the upstream version: the expert must
    # compare with the vendor's patch level before concluding.
    return manual(f"{len(names)} published vulnerabilities for {ssh.software} ({listing(names, 5)}); check the "
                  "vendor's patch level (distributions back-port fixes)",
                  fr=f"{len(names)} vulnérabilité(s) publiée(s) pour {ssh.software} ({listing_fr(names, 5)}) ; "
                     "vérifier le niveau de correctifs de l’éditeur (les distributions rétroportent les correctifs)",
                  cves=ssh.cves)


@ssh_rule("SSH-010")
def host_key_fingerprint(ssh: SshObservation) -> Outcome:
    """The host key seen, recorded for later comparison (e.g. by the seal's SSH collection)."""
    if not ssh.host_key_fingerprint:
        reason = ssh.auth_error or "no answer"
        return Outcome(Status.ERROR, f"host key not captured: {reason}", evidence_filter=("paramiko",),
                       fr=f"clé d’hôte non relevée : {reason_fr(reason)}")
    return Outcome(Status.INFORMATIONAL, f"{ssh.host_key_type} {ssh.host_key_fingerprint}",
                   {"type": ssh.host_key_type, "fingerprint": ssh.host_key_fingerprint}, ("paramiko", "ssh-audit"),
                   fr=f"clé d’hôte {ssh.host_key_type}, empreinte {ssh.host_key_fingerprint}")


RULES = (protocol_2_only, key_exchange, ciphers, macs, host_keys, host_key_rsa_3072, no_sha1_signatures,
         public_key_authentication_only, known_vulnerabilities, host_key_fingerprint)
