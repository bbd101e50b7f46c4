"""A throwaway PKI for local servers (the demo, the tests): root CA, intermediate, leaf.

A one-shot self-signed certificate is not enough to show a *valid* deployment: strict RFC
5280 verifiers (cryptography's, used by sslyze) refuse a CA certificate used as a server
certificate. So the demo server gets what a real platform has — a leaf (CA:FALSE,
serverAuth, subjectAltName, OCSP and CRL addresses) issued by an intermediate, itself
issued by a root that the case declares in ``probe.ca_file``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: PrivateKey

    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def new_key(kind: str = "ec") -> PrivateKey:
    """``ec`` (P-256), ``ec384``, or ``rsa:BITS``."""
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ec384":
        return ec.generate_private_key(ec.SECP384R1())
    if kind.startswith("rsa:"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind.split(":", 1)[1]))
    raise ValueError(f"unknown key kind {kind!r}")


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "expertise local PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                         encipher_only=False, decipher_only=False)


def make_ca(common_name: str, issuer: Issued | None = None, *, key: str = "ec", days: int = 30) -> Issued:
    private = new_key(key)
    now = datetime.now(timezone.utc)
    signer = issuer or None
    builder = (x509.CertificateBuilder()
               .subject_name(_name(common_name))
               .issuer_name(signer.certificate.subject if signer else _name(common_name))
               .public_key(private.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(hours=1))
               .not_valid_after(now + timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None if signer is None else 0), critical=True)
               .add_extension(_ca_usage(), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(private.public_key()), critical=False))
    if signer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.key.public_key()), critical=False)
    certificate = builder.sign(signer.key if signer else private, hashes.SHA256())
    return Issued(certificate, private)


def make_leaf(issuer: Issued, *, dns_names: list[str], ip_addresses: list[str] = (), key: str = "ec",  # type: ignore[assignment]
              days: int = 30, revocation_urls: bool = True, expired: bool = False) -> Issued:
    """``expired``: valid for ``days`` days ending a day ago (a certificate left to lapse)."""
    private = new_key(key)
    now = datetime.now(timezone.utc) - (timedelta(days=days + 1) if expired else timedelta(0))
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in dns_names]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in ip_addresses]
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False,
                          key_encipherment=isinstance(private, rsa.RSAPrivateKey), data_encipherment=False,
                          key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False,
                          decipher_only=False)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(dns_names[0] if dns_names else str(ip_addresses[0])))
               .issuer_name(issuer.certificate.subject)
               .public_key(private.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(hours=1))
               .not_valid_after(now + timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(usage, critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
               .add_extension(x509.SubjectAlternativeName(names), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(private.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                              critical=False))
    if revocation_urls:
        builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier("http://ocsp.pki.invalid/"))]),
            critical=False)
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier("http://crl.pki.invalid/intermediate.crl")],
            relative_name=None, reasons=None, crl_issuer=None)]), critical=False)
    return Issued(builder.sign(issuer.key, hashes.SHA256()), private)


@dataclass(frozen=True)
class ServerFiles:
    root_ca: Path     # declare as probe.ca_file
    chain: Path       # leaf then intermediate, for the server
    key: Path


def server_pki(folder: Path, *, dns_names: list[str], ip_addresses: list[str] = (), leaf_key: str = "ec",  # type: ignore[assignment]
               days: int = 30) -> ServerFiles:
    """Root → intermediate → leaf, written as PEM files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    root = make_ca("expertise local root CA", days=days + 1)
    intermediate = make_ca("expertise local intermediate CA", root, days=days + 1)
    leaf = make_leaf(intermediate, dns_names=dns_names, ip_addresses=ip_addresses, key=leaf_key, days=days)
    files = ServerFiles(folder / "root-ca.pem", folder / "server-chain.pem", folder / "server-key.pem")
    files.root_ca.write_bytes(root.cert_pem())
    files.chain.write_bytes(leaf.cert_pem() + intermediate.cert_pem())
    files.key.write_bytes(leaf.key_pem())
    files.key.chmod(0o600)
    return files
