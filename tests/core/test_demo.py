"""`expertise demo`: the bundled case end to end, as `make demo` runs it."""

from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path

from pypdf import PdfReader

from expertise import catalogue as catalogue_mod
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
    _matrix_lists_every_requirement(out, results)
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


def _matrix_lists_every_requirement(out: Path, results: dict) -> None:
    """The traceability matrix (issue 12): every requirement of both CNIL texts, with its source
    sentence, in the report; a realistic subset answered, the rest visibly not assessed."""
    cat = catalogue_mod.load()
    every = [(f.id, r) for fid in ("cnil-2019-053", "cnil-2012-083") for f in [cat.frameworks[fid]]
             for r in f.requirements]
    rows = {row["id"]: row for row in results["requirements"]}
    assert sorted(rows) == sorted(r.id for _, r in every)
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    annex = page[page.index('id="annex-requirements"'):]
    for _, requirement in every:
        assert requirement.id in annex and requirement.text_fr in annex, requirement.id
    statuses = [row["status"] for row in rows.values()]
    assert statuses.count("not_assessed") > len(statuses) / 2
    assert {"met", "not_met", "not_applicable"} <= set(statuses)
    assert "cnil-2019-053, version 2019-04-25" in page
