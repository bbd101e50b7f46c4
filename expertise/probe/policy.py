"""The ANSSI profiles the rules apply, as data an expert can read and argue with.

Sources:
- ANSSI, *Recommandations de sécurité relatives à TLS* (ANSSI-PA-035, v1.2, 2020);
- ANSSI, *Recommandations pour un usage sécurisé d'(Open)SSH* (ANSSI-NT-007, 2015);
- ANSSI, *Guide des mécanismes cryptographiques* (RGS annexe B1): RSA ≥ 2048 bits,
  3072 bits for protection beyond 2030; elliptic curves ≥ 256 bits; SHA-2.

Where our verdict departs from a tool's (ssh-audit flags the NIST curves, Mozilla rejects
secp521r1 and brainpool), the ANSSI text wins and the departure is written here.
"""

from __future__ import annotations

from ..i18n import Message, msg

# ------------------------------------------------------------------ TLS

TLS_VERSIONS = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
TLS_ALLOWED_VERSIONS = frozenset({"TLSv1.2", "TLSv1.3"})

# Fragments of IANA suite names that make a suite unacceptable whatever the context.
TLS_FORBIDDEN_FRAGMENTS: dict[str, Message | str] = {
    "_NULL_": msg("probe.policy.null_cipher"),
    "_WITH_NULL": msg("probe.policy.null_cipher"),
    "_anon_": msg("probe.policy.anonymous"),
    "_EXPORT": msg("probe.policy.export"),
    "EXPORT40": msg("probe.policy.export"),
    "_RC4_": "RC4",
    "_RC2_": "RC2",
    "_DES_": msg("probe.policy.single_des"),
    "DES40": msg("probe.policy.single_des"),
    "_DES_CBC_": msg("probe.policy.single_des"),
    "3DES": msg("probe.policy.triple_des"),
    "DES_192_EDE3": msg("probe.policy.triple_des"),
    "_IDEA_": msg("probe.policy.idea"),
    "_MD5": msg("probe.policy.md5_mac"),
}

TLS_AEAD_FRAGMENTS = ("_GCM_", "_CCM", "CHACHA20_POLY1305")

# Key-exchange groups ANSSI-PA-035 accepts (names as reported by sslyze/OpenSSL).
TLS_ALLOWED_CURVES = frozenset({
    "secp256r1", "prime256v1", "secp384r1", "secp521r1",
    "brainpoolp256r1", "brainpoolp384r1", "brainpoolp512r1",
    "brainpoolp256r1tls13", "brainpoolp384r1tls13", "brainpoolp512r1tls13",
    "x25519", "x448",
})
TLS_MIN_DH_BITS = 2048

CERT_MIN_RSA_BITS = 2048
CERT_RECOMMENDED_RSA_BITS = 3072
CERT_MIN_EC_BITS = 256
SHA2_HASHES = frozenset({"sha224", "sha256", "sha384", "sha512", "sha512_224", "sha512_256"})
WEAK_HASHES = frozenset({"md2", "md4", "md5", "sha1"})


def suite_forbidden_reason(name: str) -> Message | str | None:
    """Why an (IANA-named) suite is never acceptable, or None."""
    if name.startswith("SSL_CK_"):
        return msg("probe.policy.sslv2_suite")
    for fragment, reason in TLS_FORBIDDEN_FRAGMENTS.items():
        if fragment.lower() in name.lower():
            return reason
    return None


def suite_is_aead(name: str, version: str) -> bool:
    return version == "TLSv1.3" or any(fragment in name for fragment in TLS_AEAD_FRAGMENTS)


def suite_is_cbc(name: str, version: str) -> bool:
    return version != "TLSv1.3" and "_CBC" in name


def suite_has_forward_secrecy(name: str, version: str) -> bool:
    """Ephemeral (EC)DH key exchange: TLS 1.3 always, TLS_ECDHE_*/TLS_DHE_* before it.

    Static RSA, static (EC)DH and PSK-only exchanges lose every past session when the
    server key leaks; anonymous suites are forbidden anyway.
    """
    if version == "TLSv1.3":
        return True
    return name.startswith(("TLS_ECDHE_", "TLS_DHE_"))


# ------------------------------------------------------------------ SSH

# Pseudo-algorithms announced in KEXINIT that are not key exchanges.
SSH_KEX_MARKERS = ("ext-info-", "kex-strict-")

SSH_ALLOWED_KEX = frozenset({
    "curve25519-sha256", "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
    "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
    "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
    "mlkem768x25519-sha256",
})

SSH_ALLOWED_CIPHERS = frozenset({
    "chacha20-poly1305@openssh.com",
    "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
    "aes128-ctr", "aes192-ctr", "aes256-ctr",
})

SSH_ALLOWED_MACS = frozenset({
    "hmac-sha2-256", "hmac-sha2-512",
    "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
    "umac-128-etm@openssh.com", "umac-128@openssh.com",
})

# Host-key algorithms: signature scheme acceptable, key size checked separately.
SSH_ALLOWED_HOST_KEYS = frozenset({
    "ssh-ed25519", "ssh-ed448",
    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "rsa-sha2-256", "rsa-sha2-512",
    "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
})
SSH_SHA1_HOST_KEYS = frozenset({"ssh-rsa", "ssh-dss"})
SSH_MIN_RSA_BITS = 2048
SSH_RECOMMENDED_RSA_BITS = 3072


def ssh_base_algorithm(name: str) -> str:
    """Certificate variants are judged by the algorithm they certify."""
    return name.replace("-cert-v01@openssh.com", "")


def ssh_is_rsa(name: str) -> bool:
    return ssh_base_algorithm(name) in ("ssh-rsa", "rsa-sha2-256", "rsa-sha2-512")


# ------------------------------------------------------------------ exposed services

# Services that must never face voters' networks: clear-text logins, remote desktops,
# file sharing, databases and caches. Keys are TCP ports; names are nmap's.
# A product name alone is data; a description is a message.
RISKY_PORTS: dict[int, Message | str] = {
    21: msg("probe.policy.ftp"),
    23: msg("probe.policy.telnet"),
    69: "TFTP",
    111: "RPC portmapper",
    135: "MS-RPC",
    139: msg("probe.policy.netbios"),
    445: msg("probe.policy.smb"),
    512: msg("probe.policy.rexec"),
    513: msg("probe.policy.rlogin"),
    514: msg("probe.policy.rsh"),
    873: msg("probe.policy.rsync"),
    1433: "Microsoft SQL Server",
    1521: msg("probe.policy.oracle"),
    2049: "NFS",
    2375: msg("probe.policy.docker"),
    3306: "MySQL/MariaDB",
    3389: msg("probe.policy.rdp"),
    5432: "PostgreSQL",
    5900: msg("probe.policy.vnc"),
    5984: "CouchDB",
    6000: "X11",
    6379: "Redis",
    9200: "Elasticsearch",
    11211: "memcached",
    27017: "MongoDB",
}
RISKY_SERVICES: dict[str, Message | str] = {
    "ftp": msg("probe.policy.ftp"),
    "telnet": msg("probe.policy.telnet"),
    "login": msg("probe.policy.rlogin"),
    "shell": msg("probe.policy.rsh"),
    "exec": msg("probe.policy.rexec"),
    "vnc": msg("probe.policy.vnc"),
    "ms-wbt-server": msg("probe.policy.rdp"),
    "microsoft-ds": msg("probe.policy.smb"),
    "netbios-ssn": msg("probe.policy.netbios"),
    "mysql": "MySQL/MariaDB",
    "postgresql": "PostgreSQL",
    "ms-sql-s": "Microsoft SQL Server",
    "oracle-tns": msg("probe.policy.oracle"),
    "mongodb": "MongoDB",
    "redis": "Redis",
    "memcached": "memcached",
    "x11": "X11",
    "nfs": "NFS",
    "rpcbind": "RPC portmapper",
}
