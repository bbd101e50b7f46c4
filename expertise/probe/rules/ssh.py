"""SSH rules: the ANSSI (Open)SSH profile (ANSSI-NT-007) over an :class:`SshObservation`."""

from __future__ import annotations

from ...i18n import Message, msg
from ...results import Status
from .. import policy
from ..observations import SshObservation
from .common import (Outcome, failed, listing, manual, not_applicable, passed, reason_or_no_answer, ssh_rule,
                     untested)


def _algorithms_untested(ssh: SshObservation) -> Outcome | None:
    if ssh.audit_error:
        return untested(msg("probe.ssh.algorithms_untested", reason=ssh.audit_error))
    return None


@ssh_rule("SSH-001")
def protocol_2_only(ssh: SshObservation) -> Outcome:
    """Only protocol version 2 (a "1.99" banner still accepts SSH-1)."""
    if not ssh.protocol:
        return untested(msg("probe.ssh_001.untested", banner=repr(ssh.banner)))
    if ssh.protocol == "2.0":
        return passed(msg("probe.ssh_001.pass", banner=ssh.banner))
    return failed(msg("probe.ssh_001.fail", protocol=ssh.protocol, banner=ssh.banner))


def _outside(values: list[str], allowed: frozenset[str]) -> list[str]:
    return [v for v in values if v not in allowed and not v.startswith(policy.SSH_KEX_MARKERS)]


@ssh_rule("SSH-002")
def key_exchange(ssh: SshObservation) -> Outcome:
    """Key exchange by (EC)DH with SHA-2 only: Curve25519, NIST P-256/384/521, DH groups ≥ 2048 bits."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.kex:
        return untested(msg("probe.ssh_002.untested"))
    bad = _outside(ssh.kex, policy.SSH_ALLOWED_KEX)
    if bad:
        return failed(msg("probe.ssh_002.fail", algorithms=listing(bad)), algorithms=bad)
    return passed(msg("probe.ssh_002.pass", algorithms=listing(_outside(ssh.kex, frozenset()))))


@ssh_rule("SSH-003")
def ciphers(ssh: SshObservation) -> Outcome:
    """Ciphers: AES-CTR, AES-GCM or ChaCha20-Poly1305 only (no CBC, 3DES, RC4, Blowfish)."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.ciphers:
        return untested(msg("probe.ssh_003.untested"))
    bad = _outside(ssh.ciphers, policy.SSH_ALLOWED_CIPHERS)
    if bad:
        return failed(msg("probe.ssh_003.fail", algorithms=listing(bad)), algorithms=bad)
    return passed(msg("probe.ssh_003.pass", algorithms=listing(ssh.ciphers)))


@ssh_rule("SSH-004")
def macs(ssh: SshObservation) -> Outcome:
    """MACs from SHA-2 (or UMAC-128), no MD5, SHA-1 or 64-bit tags."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.macs:
        return untested(msg("probe.ssh_004.untested"))
    bad = _outside(ssh.macs, policy.SSH_ALLOWED_MACS)
    if bad:
        return failed(msg("probe.ssh_004.fail", algorithms=listing(bad)), algorithms=bad)
    return passed(msg("probe.ssh_004.pass", algorithms=listing(ssh.macs)))


@ssh_rule("SSH-005")
def host_keys(ssh: SshObservation) -> Outcome:
    """Host keys: Ed25519, ECDSA ≥ 256 bits or RSA ≥ 2048 bits; no DSA."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.host_keys:
        return untested(msg("probe.ssh_005.untested"))
    bad: list[Message | str] = []
    for key in ssh.host_keys:
        base = policy.ssh_base_algorithm(key.algorithm)
        if base == "ssh-dss":
            bad.append(f"{key.algorithm} (DSA)")
        elif policy.ssh_is_rsa(base):
            if key.size is None:
                bad.append(msg("probe.ssh_005.size_unknown", algorithm=key.algorithm))
            elif key.size < policy.SSH_MIN_RSA_BITS:
                bad.append(msg("probe.ssh.key_bits", algorithm=key.algorithm, bits=str(key.size)))
        elif base not in policy.SSH_ALLOWED_HOST_KEYS:
            bad.append(key.algorithm)
    described = [f"{k.algorithm}" + (f" {k.size}" if k.size else "") for k in ssh.host_keys]
    if bad:
        return failed(msg("probe.ssh_005.fail", keys=listing(bad)), keys=described)
    return passed(msg("probe.ssh_005.pass", keys=listing(described)), keys=described)


@ssh_rule("SSH-006")
def host_key_rsa_3072(ssh: SshObservation) -> Outcome:
    """RSA host keys of 3072 bits or more for protection beyond 2030."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    rsa = [k for k in ssh.host_keys if policy.ssh_is_rsa(policy.ssh_base_algorithm(k.algorithm))]
    if not rsa:
        return not_applicable(msg("probe.ssh_006.no_rsa"))
    small = sorted({k.size or 0 for k in rsa if (k.size or 0) < policy.SSH_RECOMMENDED_RSA_BITS})
    if small:
        return failed(msg("probe.ssh_006.fail", bits=[str(s) for s in small]))
    return passed(msg("probe.ssh_006.pass", bits=str(rsa[0].size)))


@ssh_rule("SSH-007")
def no_sha1_signatures(ssh: SshObservation) -> Outcome:
    """No host-key signature with SHA-1 (ssh-rsa, ssh-dss)."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    bad = [k.algorithm for k in ssh.host_keys if policy.ssh_base_algorithm(k.algorithm) in policy.SSH_SHA1_HOST_KEYS]
    if bad:
        return failed(msg("probe.ssh_007.fail", algorithms=listing(bad)))
    return passed(msg("probe.ssh_007.pass"))


@ssh_rule("SSH-008")
def public_key_authentication_only(ssh: SshObservation) -> Outcome:
    """Only public-key authentication is offered (no password, no keyboard-interactive)."""
    if ssh.auth_methods is None:
        return Outcome(Status.ERROR, msg("probe.ssh_008.untested", reason=reason_or_no_answer(ssh.auth_error)),
                       evidence_filter=("paramiko",))
    weak = [m for m in ssh.auth_methods if m in ("password", "keyboard-interactive")]
    offered = listing(ssh.auth_methods) if ssh.auth_methods else msg("probe.ssh_008.no_method")
    if weak:
        return Outcome(Status.FAIL, msg("probe.ssh_008.fail", methods=offered), {"methods": ssh.auth_methods},
                       ("paramiko",))
    return Outcome(Status.PASS, msg("probe.ssh_008.pass", methods=offered), {"methods": ssh.auth_methods},
                   ("paramiko",))


@ssh_rule("SSH-009")
def known_vulnerabilities(ssh: SshObservation) -> Outcome:
    """No published vulnerability for the announced software version."""
    if (problem := _algorithms_untested(ssh)) is not None:
        return problem
    if not ssh.cves:
        return passed(msg("probe.ssh_009.pass", software=ssh.software or ssh.banner))
    names = [str(c.get("name", "?")) for c in ssh.cves]
    # Distributions back-port fixes without changing the upstream version: the expert must
    # compare with the vendor's patch level before concluding.
    return manual(msg("probe.ssh_009.manual", count=len(names), software=ssh.software, names=listing(names, 5)),
                  cves=ssh.cves)


@ssh_rule("SSH-010")
def host_key_fingerprint(ssh: SshObservation) -> Outcome:
    """The host key seen, recorded for later comparison (e.g. by the seal's SSH collection)."""
    if not ssh.host_key_fingerprint:
        return Outcome(Status.ERROR, msg("probe.ssh_010.untested", reason=reason_or_no_answer(ssh.auth_error)),
                       evidence_filter=("paramiko",))
    return Outcome(Status.INFORMATIONAL,
                   msg("probe.ssh_010.info", type=ssh.host_key_type, fingerprint=ssh.host_key_fingerprint),
                   {"type": ssh.host_key_type, "fingerprint": ssh.host_key_fingerprint}, ("paramiko", "ssh-audit"))


# The server-side settings ANSSI's OpenSSH guide (NT-007) asks for, and that no network probe can
# see: each keyword as `sshd -T` writes it, with the value wanted.
SERVER_SETTINGS: tuple[tuple[str, str], ...] = (
    ("permitrootlogin", "no"),
    ("passwordauthentication", "no"),
    ("permitemptypasswords", "no"),
    ("pubkeyauthentication", "yes"),
    ("strictmodes", "yes"),
    ("x11forwarding", "no"),
    ("allowagentforwarding", "no"),
)


@ssh_rule("SSH-011")
def server_settings(ssh: SshObservation) -> Outcome:
    """Root login, password and empty-password authentication, forwarding: the server's own
    configuration, judged from the `sshd -T` output the expert collected; without it, say what
    remains unverified rather than pass."""
    names = [key for key, _ in SERVER_SETTINGS]
    config = ssh.server_config
    if config is None:
        return manual(msg("probe.ssh_011.unverified", settings=names))
    if config.error is not None:
        return untested(msg("probe.ssh_011.untested", reason=config.error))
    wrong: list[Message] = []
    unstated: list[str] = []
    for key, wanted in SERVER_SETTINGS:
        value = config.values.get(key)
        if value is None:
            unstated.append(key)
        elif value.casefold() != wanted:
            wrong.append(msg("probe.ssh_011.setting", key=key, value=value, wanted=wanted))
    details = {"file": config.file, "settings": {key: config.values.get(key) for key in names}}
    if wrong:
        return failed(msg("probe.ssh_011.fail", file=config.file, settings=wrong), **details)
    if unstated:
        return manual(msg("probe.ssh_011.unstated", file=config.file, settings=unstated), **details)
    return passed(msg("probe.ssh_011.pass", file=config.file, count=len(names)), **details)


RULES = (protocol_2_only, key_exchange, ciphers, macs, host_keys, host_key_rsa_3072, no_sha1_signatures,
         public_key_authentication_only, known_vulnerabilities, host_key_fingerprint, server_settings)
