"""RFC 3161 time-stamping of ``SHA256SUMS``: request, check, and verify later.

A signature proves who sealed, not when; a token from a time-stamping authority proves
that ``SHA256SUMS`` existed at the time the authority signed, which is what shows that a
seal was made before the vote. The token is kept as ``SHA256SUMS.tsr`` and checks with
``openssl ts -verify``; here it is checked with rfc3161-client.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from ..errors import UsageError
from ..i18n import msg
from .errors import SealBroken

MAX_RESPONSE = 1 << 20
_SHA256_OID = "2.16.840.1.101.3.4.2.1"
_SHA512_OID = "2.16.840.1.101.3.4.2.3"


@dataclass(frozen=True)
class TokenInfo:
    gen_time: str
    serial: str
    policy: str
    hash_algorithm: str
    tsa_name: str
    chain_verified: bool
    ca_fingerprint: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def request_token(url: str, data: bytes, timeout: float = 30.0) -> bytes:
    """Ask the authority at ``url`` for a token over SHA-256(data); the reply is checked."""
    if not url.startswith(("http://", "https://")):
        raise UsageError(
            msg("seal.tsa.bad_url", url=repr(url)), field="--tsa"
        )
    request = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    http = urllib.request.Request(
        url,
        data=request.as_bytes(),
        method="POST",
        headers={"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"},
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            body = response.read(MAX_RESPONSE + 1)
    except urllib.error.HTTPError as exc:
        raise UsageError(
            msg("seal.tsa.http", status=str(exc.code), reason=str(exc.reason)), path=url
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UsageError(msg("seal.tsa.unreachable", reason=str(reason)), path=url) from None
    if len(body) > MAX_RESPONSE:
        raise UsageError(msg("seal.tsa.too_large"), path=url)
    try:
        reply = decode_timestamp_response(body)
    except ValueError as exc:
        raise UsageError(msg("seal.tsa.not_a_response", reason=str(exc)), path=url) from None
    if reply.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise UsageError(
            msg("seal.tsa.refused", status=str(reply.status), reason="; ".join(reply.status_string) or "—"),
            path=url,
        )
    if reply.tst_info.message_imprint.message != hashlib.sha256(data).digest():
        raise UsageError(msg("seal.tsa.wrong_imprint"), path=url)
    if reply.tst_info.nonce != request.nonce:
        raise UsageError(msg("seal.tsa.nonce"), path=url)
    return body


def _load_certificates(path: Path) -> list[x509.Certificate]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(msg("seal.tsa.ca_unreadable", reason=str(exc.strerror)), path=str(path)) from None
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        try:
            certificates = [x509.load_der_x509_certificate(data)]
        except ValueError:
            raise UsageError(msg("seal.tsa.ca_not_certificate"), path=str(path)) from None
    return certificates


def verify_token(token_path: Path, data: bytes, ca_file: Path | None) -> TokenInfo:
    """Check the token covers ``data``; with ``ca_file`` also its signature and chain."""
    try:
        reply = decode_timestamp_response(token_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SealBroken(
            msg("seal.tsa.token_unreadable", reason=str(exc)), path=str(token_path)
        ) from None
    info = reply.tst_info
    algorithm = info.message_imprint.hash_algorithm.dotted_string
    if algorithm == _SHA256_OID:
        name, digest = "sha256", hashlib.sha256(data).digest()
    elif algorithm == _SHA512_OID:
        name, digest = "sha512", hashlib.sha512(data).digest()
    else:
        raise SealBroken(msg("seal.tsa.token_hash", algorithm=algorithm), path=str(token_path))
    if reply.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise SealBroken(msg("seal.tsa.token_status", status=str(reply.status)), path=str(token_path))
    if info.message_imprint.message != digest:
        raise SealBroken(
            msg("seal.tsa.token_imprint"),
            path=str(token_path),
        )
    chain_verified = False
    ca_fingerprint = None
    if ca_file is not None:
        certificates = _load_certificates(ca_file)
        roots = [c for c in certificates if c.issuer == c.subject] or certificates[:1]
        builder = VerifierBuilder()
        for root in roots:
            builder = builder.add_root_certificate(root)
        for other in certificates:
            if other not in roots:
                builder = builder.add_intermediate_certificate(other)
        try:
            builder.build().verify_message(reply, data)
        except VerificationError as exc:
            raise SealBroken(
                msg("seal.tsa.token_chain", file=ca_file.name, reason=str(exc)), path=str(token_path)
            ) from None
        chain_verified = True
        from cryptography.hazmat.primitives import hashes

        ca_fingerprint = "SHA256:" + roots[0].fingerprint(hashes.SHA256()).hex()
    try:
        tsa_name = str(info.name.value) if info.name is not None else ""
    except Exception:  # the name is optional and free-form
        tsa_name = ""
    return TokenInfo(
        gen_time=info.gen_time.isoformat().replace("+00:00", "Z"),
        serial=str(info.serial_number),
        policy=info.policy.dotted_string,
        hash_algorithm=name,
        tsa_name=tsa_name,
        chain_verified=chain_verified,
        ca_fingerprint=ca_fingerprint,
    )
