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

# ------------------------------------------------------------------ TLS

TLS_VERSIONS = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
TLS_ALLOWED_VERSIONS = frozenset({"TLSv1.2", "TLSv1.3"})

# Fragments of IANA suite names that make a suite unacceptable whatever the context.
TLS_FORBIDDEN_FRAGMENTS = {
    "_NULL_": "no encryption (NULL)",
    "_WITH_NULL": "no encryption (NULL)",
    "_anon_": "anonymous key exchange (no server authentication)",
    "_EXPORT": "export-grade cryptography",
    "EXPORT40": "export-grade cryptography",
    "_RC4_": "RC4",
    "_RC2_": "RC2",
    "_DES_": "single DES",
    "DES40": "single DES",
    "_DES_CBC_": "single DES",
    "3DES": "3DES (64-bit block, Sweet32)",
    "DES_192_EDE3": "3DES (64-bit block, Sweet32)",
    "_IDEA_": "IDEA (64-bit block)",
    "_MD5": "MD5 MAC",
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


def suite_forbidden_reason(name: str) -> str | None:
    """Why an (IANA-named) suite is never acceptable, or None."""
    if name.startswith("SSL_CK_"):
        return "SSLv2 suite"
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
RISKY_PORTS = {
    21: "FTP (clear-text credentials)",
    23: "Telnet (clear-text administration)",
    69: "TFTP",
    111: "RPC portmapper",
    135: "MS-RPC",
    139: "NetBIOS session (SMB)",
    445: "SMB file sharing",
    512: "rexec (clear-text)",
    513: "rlogin (clear-text)",
    514: "rsh (clear-text)",
    873: "rsync daemon",
    1433: "Microsoft SQL Server",
    1521: "Oracle database",
    2049: "NFS",
    2375: "Docker API without TLS",
    3306: "MySQL/MariaDB",
    3389: "RDP remote desktop",
    5432: "PostgreSQL",
    5900: "VNC remote desktop",
    5984: "CouchDB",
    6000: "X11",
    6379: "Redis",
    9200: "Elasticsearch",
    11211: "memcached",
    27017: "MongoDB",
}
RISKY_SERVICES = {
    "ftp": "FTP (clear-text credentials)",
    "telnet": "Telnet (clear-text administration)",
    "login": "rlogin (clear-text)",
    "shell": "rsh (clear-text)",
    "exec": "rexec (clear-text)",
    "vnc": "VNC remote desktop",
    "ms-wbt-server": "RDP remote desktop",
    "microsoft-ds": "SMB file sharing",
    "netbios-ssn": "NetBIOS session (SMB)",
    "mysql": "MySQL/MariaDB",
    "postgresql": "PostgreSQL",
    "ms-sql-s": "Microsoft SQL Server",
    "oracle-tns": "Oracle database",
    "mongodb": "MongoDB",
    "redis": "Redis",
    "memcached": "memcached",
    "x11": "X11",
    "nfs": "NFS",
    "rpcbind": "RPC portmapper",
}
