"""A throw-away certification authority for the demo and the tests: a CA, certificates it issues
(the expert's, a time-stamping authority's), a CRL and a PKCS#12 file.

Why in the package: the demo signs its report with a certificate it makes (clearly labelled DEMO,
never a real expert's), and the tests sign and validate with the same code, so both exercise the
real signing path. Nothing here is meant for a real engagement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

if TYPE_CHECKING:
    from .signature import Signer


@dataclass(frozen=True)
class Issued:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "expertise demo PKI")])


def make_ca(common_name: str, *, days: int = 365) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(timezone.utc) - timedelta(minutes=5)
    certificate = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now).not_valid_after(now + timedelta(days=days))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                  critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                   .sign(key, hashes.SHA256()))
    return Issued(key, certificate)


def issue(ca: Issued, common_name: str, *, time_stamping: bool = False, crl_url: str | None = None,
          not_before: datetime | None = None, days: int = 365) -> Issued:
    """A leaf certificate: a document signer's (non-repudiation) or, with ``time_stamping``, a TSA's."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = not_before or datetime.now(timezone.utc) - timedelta(minutes=5)
    builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca.certificate.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if time_stamping:
        builder = (builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                   .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                                  critical=True))
    else:
        builder = builder.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                                        critical=True)
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(crl_url)], None, None, None)]), critical=False)
    return Issued(key, builder.sign(ca.key, hashes.SHA256()))


def crl(ca: Issued, *, revoked: list[x509.Certificate] | None = None) -> bytes:
    """A DER CRL of ``ca`` (empty unless ``revoked``), valid for a day."""
    now = datetime.now(timezone.utc) - timedelta(minutes=5)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.certificate.subject)
               .last_update(now).next_update(now + timedelta(days=1))
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
               .add_extension(x509.CRLNumber(1), critical=False))
    for certificate in revoked or []:
        builder = builder.add_revoked_certificate(x509.RevokedCertificateBuilder()
                                                  .serial_number(certificate.serial_number)
                                                  .revocation_date(now).build())
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def write_pkcs12(path: Path, holder: Issued, ca: Issued, passphrase: bytes | None) -> None:
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"expert", holder.key, holder.certificate, [ca.certificate], encryption))


def demo_signer(folder: Path, *, location: str | None) -> "Signer":
    """The demo's signer: a DEMO CA and a DEMO certificate written to ``folder`` (outside the case,
    so no private key travels with its archive), whose names say they are no real expert's."""
    from .signature import load_signer

    folder.mkdir(parents=True, exist_ok=True)
    ca = make_ca("DEMO CA — expertise demo, not a real authority")
    expert = issue(ca, "DEMO — not a real expert")
    (folder / "demo-ca.pem").write_bytes(ca.pem())
    write_pkcs12(folder / "demo-expert.p12", expert, ca, None)
    return load_signer(folder / "demo-expert.p12", None, reason="DEMO", location=location)
