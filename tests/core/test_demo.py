"""`expertise demo`: the bundled case end to end, as `make demo` runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pypdf import PdfReader

from expertise import journal


def test_demo_writes_a_real_report(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    proc = run_cli("demo", "--out", out, timeout=900)
    assert proc.returncode == 0, proc.stderr
    for name in ("report.html", "report.pdf", "results.json"):
        assert (out / name).is_file(), name
        assert str(out / name) in proc.stdout
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["risk"]["chosen_level"] == 2 and len(results["objectives"]) == 18
    assert set(PdfReader(str(out / "report.pdf")).attachments) >= {"results.json"}
    meta = subprocess.run(["pdfinfo", "-meta", str(out / "report.pdf")], capture_output=True, text=True).stdout
    assert 'pdfaid:part="3"' in meta
    assert journal.verify(out / "case").intact
    # the case and its reports, sealed and time-stamped, without the expert's private key
    archive = out / "archive"
    assert (archive / "seal" / "SHA256SUMS.tsr").is_file()
    assert {p.name for p in (archive / "report").iterdir()} == {"report.html", "report.pdf", "results.json"}
    assert not (archive / "case" / "keys" / "expert").exists() and "keys/expert" in proc.stderr
    checked = run_cli("archive", "verify", archive)
    assert checked.returncode == 0 and "archive intact" in checked.stdout, checked.stdout + checked.stderr
    again = run_cli("demo", "--out", out)
    assert again.returncode == 2 and "--force" in again.stderr
