"""PAdES signature of the report's PDF/A with the expert's X.509 certificate (pyHanko), and its verification.

Why a separate step after ``write_pdf``: the PDF's content (and its tags, attachments, PDF/A
identification) is whatever the renderer wrote; the signature is an *incremental update* on top of
it, so the signed bytes are exactly the rendered report and the attachments stay. The HTML cannot
say « signé électroniquement par … » (it is written before the signature exists): the visible
stamp the signature adds on the closing block carries that statement, and only the signed PDF has it.

Levels: PAdES B-B without a time-stamping authority; with one (``tsa_url``), an RFC 3161 signature
time-stamp plus the validation data pyHanko gathers for the signer's chain (DSS), i.e. B-LT.

The passphrase is never in case.toml: an environment variable the case names, a file outside the
case, or a prompt. Any failure refuses the whole report (nothing is published as signed that is not).
"""

from __future__ import annotations

import logging
import warnings
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from ..errors import UsageError
from ..i18n import msg, render

if TYPE_CHECKING:
    from ..case import Case

FIELD_NAME = "ExpertSignature"
#: the named destination WeasyPrint writes for the closing block's signature line (id="signature")
ANCHOR = "signature"
STAMP_SIZE = (250, 70)


@dataclass(frozen=True)
class Signer:
    """The expert's key and certificate, loaded and checked before the report is rendered."""

    pkcs12: Path
    key: Any
    certificate: x509.Certificate
    chain: list[x509.Certificate]
    tsa_url: str | None = None
    reason: str | None = None
    location: str | None = None
    trust: list[x509.Certificate] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint(_sha256()).hex()

    @property
    def common_name(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.subject


def _sha256() -> Any:
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def load_signer(pkcs12_path: Path, passphrase: bytes | None, *, tsa_url: str | None = None,
                reason: str | None = None, location: str | None = None, trust_file: Path | None = None,
                field_name: str = "report.signature.pkcs12", now: datetime | None = None) -> Signer:
    """Read the PKCS#12 file and check the certificate is usable now: a wrong passphrase, an
    unreadable file or an expired certificate is said here, before anything is rendered."""
    data = _read(pkcs12_path, field_name)
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:  # cryptography says "Invalid password or PKCS12 data" for both
        raise UsageError(msg("report.signature.bad_passphrase", error=str(exc)),
                         path=str(pkcs12_path), field=field_name) from None
    if key is None or certificate is None:
        raise UsageError(msg("report.signature.no_key"), path=str(pkcs12_path), field=field_name)
    moment = now or datetime.now(timezone.utc)
    if certificate.not_valid_after_utc < moment:
        raise UsageError(msg("report.signature.expired", subject=certificate.subject.rfc4514_string(),
                             until=certificate.not_valid_after_utc),
                         path=str(pkcs12_path), field=field_name)
    if certificate.not_valid_before_utc > moment:
        raise UsageError(msg("report.signature.not_yet_valid", subject=certificate.subject.rfc4514_string(),
                             since=certificate.not_valid_before_utc),
                         path=str(pkcs12_path), field=field_name)
    trust = load_certificates(trust_file, field="report.signature.trust") if trust_file else []
    return Signer(pkcs12_path, key, certificate, list(extra), tsa_url=tsa_url, reason=reason,
                  location=location, trust=trust)


def _read(path: Path, field: str) -> bytes:
    """A file the signature needs, or exit 2 naming it and the field that names it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(msg("report.signature.unreadable", error=exc.strerror or str(exc)),
                         path=str(path), field=field) from None


def load_certificates(path: Path, *, field: str) -> list[x509.Certificate]:
    """PEM (one or several) or DER certificates, e.g. the CA a recipient trusts."""
    data = _read(path, field)
    try:
        return (x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data
                else [x509.load_der_x509_certificate(data)])
    except ValueError as exc:
        raise UsageError(msg("report.signature.not_certificate", error=str(exc)), path=str(path), field=field) from None


def resolve_passphrase(*, env: str | None, file: Path | None, case_root: Path,
                       prompt: Callable[[], str] | None) -> bytes | None:
    """The PKCS#12 passphrase from outside case.toml: a named environment variable, a file outside
    the case (the case is archived and sealed: a secret inside it would travel with it), or a prompt."""
    if file is not None:
        resolved = file.resolve()
        if resolved.is_relative_to(case_root.resolve()):
            raise UsageError(msg("report.signature.passphrase_in_case"), path=str(file),
                             field="report.signature.passphrase_file")
        return _read(resolved, "report.signature.passphrase_file").rstrip(b"\r\n")
    if env is not None:
        value = os.environ.get(env)
        if value is not None:
            return value.encode("utf-8")
        if prompt is None:
            raise UsageError(msg("report.signature.no_passphrase", variable=env),
                             field="report.signature.passphrase_env")
    return prompt().encode("utf-8") if prompt is not None else None


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _self_signed(certificate: x509.Certificate) -> bool:
    return certificate.issuer == certificate.subject


def _stamp_box(reader: Any) -> tuple[int, tuple[int, int, int, int]]:
    """Where the stamp goes: under the closing block's « Signature : » line (the named destination
    WeasyPrint writes for its id), else at the foot of the last page."""
    from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject

    pages = [reader.find_page_for_modification(i)[0] for i in range(_page_count(reader))]
    width, height = STAMP_SIZE
    names = reader.root.get("/Names")
    destination = _name_tree_lookup(names.get("/Dests"), ANCHOR) if isinstance(names, DictionaryObject) else None
    if isinstance(destination, DictionaryObject):
        destination = destination.get("/D")
    if isinstance(destination, ArrayObject) and len(destination) >= 4:
        target = destination.raw_get(0)
        for index, page in enumerate(pages):
            if getattr(page, "idnum", None) == getattr(target, "idnum", object()):
                left, top = float(destination[2] or 56), float(destination[3] or 200)
                y_top = int(top) - 18
                if y_top - height >= 20:
                    return index, (int(left), y_top - height, int(left) + width, y_top)
    return len(pages) - 1, (56, 40, 56 + width, 40 + height)


def _page_count(reader: Any) -> int:
    return int(reader.root["/Pages"]["/Count"])


def _name_tree_lookup(node: Any, key: str) -> Any:
    if node is None:
        return None
    node = node.get_object() if hasattr(node, "get_object") else node
    if "/Names" in node:
        entries = node["/Names"]
        for i in range(0, len(entries) - 1, 2):
            if str(entries[i]) == key:
                return entries[i + 1].get_object() if hasattr(entries[i + 1], "get_object") else entries[i + 1]
    for kid in node.get("/Kids", []):
        found = _name_tree_lookup(kid, key)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class SignatureRecord:
    """What the journal and the console say about a signature made."""

    subject: str
    fingerprint: str
    level: str
    signed_at: str
    tsa_url: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "certificate_sha256": self.fingerprint, "level": self.level,
                "signed_at": self.signed_at, "tsa_url": self.tsa_url}


def sign_pdf(pdf: Path, signer: Signer, *, lang: str, quality: str | None = None) -> SignatureRecord:
    """Sign ``pdf`` in place as an incremental update, with a visible stamp on the closing block."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.stamp import StaticStampStyle
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    key_der = signer.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
    pyhanko_signer = signers.SimpleSigner(
        signing_cert=_asn1(signer.certificate), signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [_asn1(c) for c in signer.chain]))
    long_term = signer.tsa_url is not None
    roots = [c for c in (*signer.chain, *signer.trust) if _self_signed(c)] or [signer.certificate]
    context = (ValidationContext(trust_roots=[_asn1(c) for c in roots],
                                 other_certs=[_asn1(c) for c in signer.chain], allow_fetching=True)
               if long_term else None)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    statement = render(msg("report.signature.stamp", signer=signer.common_name, quality=quality or "",
                           date=now), lang)
    stamp_pdf = pdf.with_name(pdf.stem + ".stamp.pdf")
    _write_stamp(statement, stamp_pdf)
    style = StaticStampStyle.from_pdf_file(str(stamp_pdf), border_width=0)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=signer.reason, location=signer.location, name=signer.common_name,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        embed_validation_info=long_term, validation_context=context)
    timestamper = (timestamps.HTTPTimeStamper(signer.tsa_url, timeout=15)  # type: ignore[no-untyped-call]
                   if signer.tsa_url else None)
    original = pdf.read_bytes()
    try:
        with pdf.open("rb") as source:
            writer = IncrementalPdfFileWriter(source)
            _producer_as_xmp_will_say(writer)
            page, box = _stamp_box(writer.prev)
            spec = fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box)
            pdf_signer = _pdf17_signer_class()(meta, pyhanko_signer, timestamper=timestamper, stamp_style=style,
                                                new_field_spec=spec)
            signed = pdf_signer.sign_pdf(writer)
            data = signed.getvalue()
    except Exception as exc:  # pyHanko's TSA, validation and I/O errors share no base class
        pdf.write_bytes(original)
        raise _signing_error(exc, signer) from None
    finally:
        stamp_pdf.unlink(missing_ok=True)
    pdf.write_bytes(data)
    level = "B-LT" if long_term else "B-B"
    return SignatureRecord(signer.subject, signer.fingerprint, level, now.isoformat(), signer.tsa_url)


def _pdf17_signer_class() -> type:
    from pyhanko.sign import signers
    from pyhanko.sign.signers import constants

    class Pdf17Signer(signers.PdfSigner):  # type: ignore[misc]
        """A PAdES signer that keeps the report a PDF 1.7 file.

        pyHanko declares PDF 2.0 (ISO 32002) in the catalogue for an ECDSA or EdDSA key, and the
        report is PDF/A-3, which ISO 19005-3 builds on PDF 1.7 (PDF 2.0 is PDF/A-4's): a signed
        report would then claim a version its archival profile does not admit. PAdES signatures
        in PDF 1.7 declare the ETSI extension (ESIC) instead, which is all this registers."""

        def register_extensions(self, pdf_out: Any, *, md_algorithm: str) -> None:
            pdf_out.ensure_output_version(version=(1, 7))
            if pdf_out.output_version < (2, 0):
                pdf_out.register_extension(constants.ESIC_EXTENSION_1)

    return Pdf17Signer


def _producer_as_xmp_will_say(writer: Any) -> None:
    """PDF/A wants the document information and the XMP metadata to agree. pyHanko rewrites the XMP
    (pdf:Producer = "pyHanko x.y", xmp:ModifyDate) but appends itself to the information dictionary's
    /Producer: set it to the same value now, in the signed revision (the rendered revision underneath
    still names WeasyPrint)."""
    from pyhanko.pdf_utils.generic import TextStringObject
    from pyhanko.pdf_utils.metadata.model import VENDOR

    reference = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if reference is not None:
        info = reference.get_object()
        info["/Producer"] = TextStringObject(VENDOR)
        writer.mark_update(reference)


def _write_stamp(statement: str, target: Path) -> None:
    """The stamp's appearance, drawn by WeasyPrint like the report (same fonts, embedded, correctly
    shaped: pyHanko's own text stamp uses a non-embedded Courier, or spaces glyphs badly with the
    OpenType engine), then placed by pyHanko as the signature field's appearance."""
    import html

    import weasyprint

    from .pdf import _inline_only

    width, height = STAMP_SIZE
    page = (f"<html><head><style>@page {{ size: {width}pt {height}pt; margin: 0 }}"
            "body { margin: 0; font-family: 'DejaVu Sans', 'Liberation Sans', sans-serif; font-size: 8pt; }"
            f"div {{ box-sizing: border-box; height: {height}pt; border: 0.8pt solid #1f4e79; padding: 5pt 7pt;"
            " white-space: pre-line; color: #1f4e79; line-height: 1.35 }</style></head>"
            f"<body><div>{html.escape(statement)}</div></body></html>")
    weasyprint.HTML(string=page, base_url=None, url_fetcher=_inline_only()).write_pdf(str(target))


def _signing_error(exc: Exception, signer: Signer) -> UsageError:
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    if signer.tsa_url and (isinstance(exc, TimestampRequestError) or "timestamp" in type(exc).__name__.lower()
                           or "time stamp" in str(exc).lower() or "timestamp" in str(exc).lower()):
        return UsageError(msg("report.signature.tsa_failed", url=signer.tsa_url, error=str(exc) or type(exc).__name__),
                          field="report.signature.tsa_url")
    return UsageError(msg("report.signature.failed", error=str(exc) or type(exc).__name__),
                      path=str(signer.pkcs12), field="report.signature")


@dataclass(frozen=True)
class Verification:
    """One signature of a PDF as pyHanko's validator sees it, for the expert's recipients."""

    field: str
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    signer: str
    certificate_sha256: str
    signed_at: str | None
    timestamp: str | None
    level: str
    summary: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_document

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "intact": self.intact, "valid": self.valid, "trusted": self.trusted,
                "covers_whole_document": self.covers_whole_document, "signer": self.signer,
                "certificate_sha256": self.certificate_sha256, "signed_at": self.signed_at,
                "timestamp": self.timestamp, "level": self.level, "summary": self.summary}


def verify_pdf(pdf: Path, trust: list[x509.Certificate]) -> list[Verification]:
    """Validate every signature of ``pdf`` with pyHanko's own validator. ``trust``: the CAs the
    recipient trusts (none: the system's). Revocation data is taken from the document (B-LT); nothing
    is fetched from the network."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_ltv_signature, validate_pdf_signature
    from pyhanko.sign.validation.ltv import RevocationInfoValidationType
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # its findings are in the statuses, not tracebacks
    try:
        data = pdf.read_bytes()
    except OSError as exc:
        raise UsageError(msg("report.signature.unreadable", error=exc.strerror or str(exc)), path=str(pdf)) from None
    import io

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError) as exc:
        raise UsageError(msg("report.signature.not_pdf", error=str(exc)), path=str(pdf)) from None
    if not signatures:
        raise UsageError(msg("report.signature.none", file=pdf.name), path=str(pdf))
    has_dss = "/DSS" in reader.root
    results = []
    for embedded in signatures:
        context = ValidationContext(trust_roots=[_asn1(c) for c in trust] or None, allow_fetching=False)
        try:
            status = validate_pdf_signature(embedded, context, skip_diff=False)
        except Exception as exc:  # a mangled signature is a finding for the recipient, not a crash
            results.append(Verification(str(embedded.field_name), False, False, False, False, "", "", None, None,
                                        "", f"{type(exc).__name__}: {exc}"))
            continue
        timestamp = status.timestamp_validity.timestamp.isoformat() if status.timestamp_validity else None
        level = "B-T" if timestamp else "B-B"
        if timestamp and has_dss:  # B-LT only if the document's own revocation data validates the chain
            try:
                # pyHanko deprecates this function for its AdES validation (ades_lta_validation), which
                # its own documentation still calls incubating and incomplete: the pinned version's LT
                # validation is the one tested here (tests/core/test_signature.py), warning silenced.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    long_term = validate_pdf_ltv_signature(
                        embedded, RevocationInfoValidationType.PADES_LT, force_revinfo=True,
                        validation_context_kwargs={"trust_roots": [_asn1(c) for c in trust] or None})
            except Exception:  # no usable validation data: B-T is what the document proves
                long_term = None
            if long_term is not None and long_term.bottom_line:
                level, status = "B-LT", long_term
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
            status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.modification_level is not None
            and status.modification_level.name in {"NONE", "LTA_UPDATES"})
        cert = status.signing_cert
        results.append(Verification(
            field=str(embedded.field_name), intact=bool(status.intact), valid=bool(status.valid),
            trusted=bool(status.trusted), covers_whole_document=whole,
            signer=cert.subject.human_friendly if cert is not None else "",
            certificate_sha256=cert.sha256.hex() if cert is not None else "",
            signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
            timestamp=timestamp, level=level, summary=status.summary()))
    return results


def _tty_prompt(label: str) -> Callable[[], str] | None:
    """Ask the expert for the passphrase when a person is at the terminal; never in a pipe."""
    import sys

    if not sys.stdin.isatty():
        return None
    import click

    return lambda: str(click.prompt(label, hide_input=True, default="", show_default=False))


def signer_for_case(case: "Case", *, pkcs12_path: Path | None = None, tsa_url: str | None = None,
                    lang: str = "en") -> Signer | None:
    """The signer ``[report.signature]`` (or the ``--sign-p12`` / ``--tsa-url`` options) declares, checked
    now; None when the case asks for no signature. ``reason``/``location`` are the expert's words or
    ``[report] place``; nothing is invented."""
    settings = case.data.report.signature
    if settings is None and pkcs12_path is None:
        return None
    path = pkcs12_path or case.resolve(settings.pkcs12)
    passphrase = resolve_passphrase(
        env=settings.passphrase_env if settings else ("EXPERTISE_P12_PASSPHRASE" if "EXPERTISE_P12_PASSPHRASE"
                                                      in os.environ else None),
        file=Path(settings.passphrase_file).expanduser() if settings and settings.passphrase_file else None,
        case_root=case.root, prompt=_tty_prompt(render(msg("report.signature.prompt", file=path.name), lang)))
    return load_signer(path, passphrase, tsa_url=tsa_url or (settings.tsa_url if settings else None),
                       reason=settings.reason if settings else None,
                       location=(settings.location if settings and settings.location else case.data.report.place),
                       trust_file=case.resolve(settings.trust) if settings and settings.trust else None)
