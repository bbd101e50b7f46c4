"""PAdES signature of report.pdf (issue 13): signed with a test CA's certificate, validated by
pyHanko's own validator, still PDF/A-3b with its attachments, journaled; tampering, wrong passphrase,
expired certificate and an unreachable TSA refused; B-LT with the project's local `openssl ts`
time-stamping authority and a CRL served on 127.0.0.1."""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from cryptography.hazmat.primitives import hashes
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_ltv_signature, validate_pdf_signature
from pyhanko.sign.validation.ltv import RevocationInfoValidationType
from pyhanko_certvalidator import ValidationContext

from expertise import journal
from expertise.errors import UsageError
from expertise.hashing import sha256_file
from expertise.report import demo_pki
from expertise.report.build import build_report
from expertise.report.signature import _asn1, load_certificates, load_signer, sign_pdf, verify_pdf
from expertise.seal.localtsa import running_tsa

from . import test_report

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("pki")
    ca = demo_pki.make_ca("expertise test CA")
    expert = demo_pki.issue(ca, "Camille Lefèvre (test)")
    demo_pki.write_pkcs12(folder / "expert.p12", expert, ca, PASSPHRASE.encode())
    (folder / "ca.pem").write_bytes(ca.pem())
    return {"folder": folder, "ca": ca, "expert": expert}


@pytest.fixture(scope="module")
def signed_report(tmp_path_factory: pytest.TempPathFactory, pki: dict[str, Any]) -> dict[str, Path]:
    """The demo case's report, signed as `[report.signature]` declares (passphrase from the environment)."""
    case = tmp_path_factory.mktemp("signed") / "case"
    shutil.copytree(REPO / "fixtures" / "demo", case)
    (case / "evidence").mkdir(exist_ok=True)
    with journal.operation(case, "note", ["expertise", "test"]) as op:
        op.store_text("note.txt", "a first operation so the journal exists")
    with (case / "case.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'\n[report.signature]\npkcs12 = "{pki["folder"] / "expert.p12"}"\n'
                   'passphrase_env = "EXPERTISE_TEST_P12"\nreason = "Rapport d\'expertise"\n')
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPERTISE_TEST_P12", PASSPHRASE)
        written = build_report(case, out_dir=case / "out", argv=["expertise", "report"])
    written["case"] = case
    return written


def _validate(pdf: bytes, ca: demo_pki.Issued) -> Any:
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[_asn1(ca.certificate)]))


def test_signed_report_is_intact_and_trusted_by_pyhanko(signed_report: dict[str, Path], pki: dict[str, Any]) -> None:
    status = _validate(signed_report["pdf"].read_bytes(), pki["ca"])
    assert status.intact and status.valid and status.trusted, status.summary()
    assert status.signing_cert.subject.native["common_name"] == "Camille Lefèvre (test)"
    assert status.coverage.name == "ENTIRE_FILE"
    signature = PdfFileReader(io.BytesIO(signed_report["pdf"].read_bytes())).embedded_signatures[0]
    assert signature.sig_object["/Location"] == "Marseille"  # [report] place, not invented
    assert signature.sig_object["/Reason"] == "Rapport d'expertise"


def test_tampering_one_byte_breaks_the_signature(signed_report: dict[str, Path], pki: dict[str, Any]) -> None:
    data = bytearray(signed_report["pdf"].read_bytes())
    data[1000] ^= 0x01  # inside the signed byte range (the rendered report)
    status = _validate(bytes(data), pki["ca"])
    assert not status.intact and not status.bottom_line


def test_signed_report_is_still_pdf_a_with_its_attachments(signed_report: dict[str, Path]) -> None:
    """The project's own PDF/A-3b checks hold on the signed file (incremental update): XMP
    identification, output intent, embedded fonts (the stamp's too), associated files, metadata."""
    test_report.test_pdf_is_pdf_a_3b_with_results_and_journal_attached(signed_report)
    test_report.test_pdf_a_structure(signed_report)
    reader = PdfFileReader(io.BytesIO(signed_report["pdf"].read_bytes()))
    widget = reader.embedded_signatures[0].sig_field
    assert int(widget["/F"]) & 4 and "/AP" in widget  # printed, with an appearance (PDF/A asks both)
    # still PDF 1.7, as PDF/A-3 requires, although the key is ECDSA (pyHanko would declare PDF 2.0)
    assert "/Version" not in reader.root or str(reader.root["/Version"]) == "/1.7"
    assert "/ESIC" in reader.root["/Extensions"]


def test_stamp_is_on_the_closing_page_and_says_who_signed(signed_report: dict[str, Path]) -> None:
    reader = PdfFileReader(io.BytesIO(signed_report["pdf"].read_bytes()))
    widget = reader.embedded_signatures[0].sig_field
    pages = [reader.find_page_for_modification(i)[0].idnum for i in range(int(reader.root["/Pages"]["/Count"]))]
    index = pages.index(widget.raw_get("/P").idnum)
    text = subprocess.run(["pdftotext", "-f", str(index + 1), "-l", str(index + 1), str(signed_report["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Fait à Marseille" in text and "Signature :" in text
    assert "Signé électroniquement par Camille Lefèvre (test)" in text
    assert "Signé électroniquement" not in signed_report["html"].read_text(encoding="utf-8")  # only the PDF says it


def test_signed_report_is_journaled_with_the_certificate(signed_report: dict[str, Path], pki: dict[str, Any]) -> None:
    entry = journal.read_entries(signed_report["case"])[-1]
    outputs = {Path(o["path"]).name: o for o in entry["outputs"]}
    assert outputs["report.pdf"]["sha256"] == sha256_file(signed_report["pdf"])  # the signed file's hash
    signature = entry["notes"]["signature"]
    assert signature["certificate_sha256"] == pki["expert"].certificate.fingerprint(hashes.SHA256()).hex()
    assert "Camille Lefèvre (test)" in signature["subject"] and signature["level"] == "B-B"
    assert journal.verify(signed_report["case"]).intact


def test_verify_signature_command(run_cli, signed_report: dict[str, Path], pki: dict[str, Any],
                                  tmp_path: Path) -> None:
    pdf = signed_report["pdf"]
    proc = run_cli("verify-signature", str(pdf), "--trust", str(pki["folder"] / "ca.pem"), "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["signatures"][0]
    assert result["intact"] and result["trusted"] and result["level"] == "B-B" and result["covers_whole_document"]
    assert "Camille Lefèvre (test)" in result["signer"]
    untrusted = run_cli("verify-signature", str(pdf), "--lang", "fr")
    assert untrusted.returncode == 1 and "NON reconnu" in untrusted.stdout and "intact" in untrusted.stdout
    tampered = tmp_path / "tampered.pdf"
    data = bytearray(pdf.read_bytes())
    data[1000] ^= 0x01
    tampered.write_bytes(bytes(data))
    broken = run_cli("verify-signature", str(tampered), "--trust", str(pki["folder"] / "ca.pem"))
    assert broken.returncode == 1 and "modified" in broken.stdout
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(b"%PDF-1.7\n")
    assert run_cli("verify-signature", str(unsigned)).returncode == 2


def test_pdfsig_from_poppler_validates_the_signature(signed_report: dict[str, Path]) -> None:
    out = subprocess.run(["pdfsig", str(signed_report["pdf"])], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out and "Total document signed" in out


def test_wrong_passphrase_refuses_the_report(run_cli, demo_case: Path, pki: dict[str, Any]) -> None:
    """Exit 2 naming the PKCS#12 file; nothing is published (refusing is safer than an unsigned
    report a reader might take for the signed one)."""
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    proc = run_cli("report", demo_case, "--sign-p12", str(pki["folder"] / "expert.p12"),
                   env={"EXPERTISE_P12_PASSPHRASE": "wrong"})
    assert proc.returncode == 2, proc.stderr
    assert "expert.p12" in proc.stderr and "passphrase" in proc.stderr and "Traceback" not in proc.stderr
    assert not (demo_case / "report" / "report.pdf").exists()


def test_expired_certificate_and_passphrase_file_inside_the_case_are_refused(tmp_path: Path,
                                                                             pki: dict[str, Any]) -> None:
    expired = demo_pki.issue(pki["ca"], "expired expert", not_before=datetime.now(timezone.utc) - timedelta(days=30),
                             days=10)
    demo_pki.write_pkcs12(tmp_path / "expired.p12", expired, pki["ca"], None)
    with pytest.raises(UsageError) as error:
        load_signer(tmp_path / "expired.p12", None)
    assert error.value.message.code == "report.signature.expired"
    from expertise.report.signature import resolve_passphrase

    (tmp_path / "secret.txt").write_text("x")
    with pytest.raises(UsageError) as error:
        resolve_passphrase(env=None, file=tmp_path / "secret.txt", case_root=tmp_path, prompt=None)
    assert error.value.message.code == "report.signature.passphrase_in_case"


# --- B-LT: a real RFC 3161 authority (`openssl ts -reply`) and a CRL, served on 127.0.0.1 ---

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def authority(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The project's local RFC 3161 authority (`openssl ts -reply`, expertise.seal.localtsa), and a CA
    whose expert certificate names a CRL that a tiny HTTP server on 127.0.0.1 serves."""
    port = _free_port()
    ca = demo_pki.make_ca("expertise test CA (LT)")
    expert = demo_pki.issue(ca, "Expert LT (test)", crl_url=f"http://127.0.0.1:{port}/ca.crl")
    demo_pki.write_pkcs12(tmp_path / "expert.p12", expert, ca, b"lt")
    crl = demo_pki.crl(ca)

    class Crl(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(crl)))
            self.end_headers()
            self.wfile.write(crl)

    server = ThreadingHTTPServer(("127.0.0.1", port), Crl)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # the TSA's CA names no CRL: pyHanko's LT profile checks the signature time-stamp's chain as of
    # now (live, not from the DSS); the expert's certificate names one, which the DSS must provide
    with running_tsa(tmp_path / "tsa") as tsa:
        try:
            yield {"url": tsa.url, "tsa_ca": tsa.ca_file, "ca": ca, "folder": tmp_path, "stop": server.shutdown}
        finally:
            server.shutdown()
            server.server_close()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:.*validate_pdf_ltv_signature.*:DeprecationWarning")  # see verify_pdf
def test_b_lt_with_a_local_time_stamping_authority(authority: dict[str, Any], signed_report: dict[str, Path],
                                                   tmp_path: Path) -> None:
    """Signed with a time-stamp from `openssl ts` and the CRLs pyHanko fetched embedded (DSS):
    pyHanko's LTV validation (PAdES-LT: hard-fail revocation checking, the server stopped, so from
    the document's DSS only) holds."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(_rendered(signed_report["pdf"]))
    signer = load_signer(authority["folder"] / "expert.p12", b"lt", tsa_url=authority["url"], location="Marseille",
                         trust_file=authority["tsa_ca"])
    record = sign_pdf(pdf, signer, lang="en", quality="independent expert")
    assert record.level == "B-LT"
    authority["stop"]()  # from now on, only what the document holds: nothing to fetch
    dss = PdfFileReader(io.BytesIO(pdf.read_bytes())).root["/DSS"]
    assert len(dss["/CRLs"]) >= 1 and len(dss["/Certs"]) >= 2  # the CA's CRL, the chain (DSS)
    signature = PdfFileReader(io.BytesIO(pdf.read_bytes())).embedded_signatures[0]
    roots = [authority["ca"].certificate, *load_certificates(authority["tsa_ca"], field="tsa")]
    status = validate_pdf_ltv_signature(signature, RevocationInfoValidationType.PADES_LT,
                                        {"trust_roots": [_asn1(c) for c in roots]})
    assert status.bottom_line, status.summary()
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
    (result,) = verify_pdf(pdf, roots)
    assert result.ok and result.level == "B-LT" and result.timestamp


def _rendered(signed: Path) -> bytes:
    """The report as WeasyPrint wrote it: the signed file's first revision (its first %%EOF)."""
    data = signed.read_bytes()
    end = data.index(b"%%EOF") + len(b"%%EOF")
    return data[:end + 1] if data[end:end + 1] == b"\n" else data[:end]


def test_unreachable_tsa_names_the_url(signed_report: dict[str, Path], pki: dict[str, Any], tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    original = _rendered(signed_report["pdf"])
    pdf.write_bytes(original)
    url = f"http://127.0.0.1:{_free_port()}/tsa"
    signer = load_signer(pki["folder"] / "expert.p12", PASSPHRASE.encode(), tsa_url=url)
    with pytest.raises(UsageError) as error:
        sign_pdf(pdf, signer, lang="en")
    assert error.value.message.code == "report.signature.tsa_failed" and url in str(error.value)
    assert pdf.read_bytes() == original  # left unsigned, and the report build refuses to publish
