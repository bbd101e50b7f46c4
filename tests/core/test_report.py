"""The expert report: content, PDF/A-3b with attachments, escaping, typography, languages."""

from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from expertise import catalogue as catalogue_mod
from expertise import journal
from expertise.report.build import build_report


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def french_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import shutil

    case = tmp_path_factory.mktemp("report") / "case"
    shutil.copytree(Path(__file__).resolve().parents[2] / "fixtures" / "demo", case)
    (case / "evidence").mkdir(exist_ok=True)
    with journal.operation(case, "note", ["expertise", "test"]) as op:
        op.store_text("note.txt", "a first operation so the journal exists")
    written = build_report(case, out_dir=case / "out", argv=["expertise", "report"])
    written["case"] = case
    return written


def test_html_lists_every_level_2_objective_verbatim(french_report: dict[str, Path]) -> None:
    page = html.unescape(french_report["html"].read_text(encoding="utf-8"))
    framework = catalogue_mod.load().framework
    for objective in framework.applicable(2):
        assert objective.text_fr in page, objective.id
    for objective in framework.objectives:
        if objective.level == 3:
            assert objective.text_fr not in page
    for item in (*framework.guarantees, *framework.elements):
        assert item.text_fr in page.replace("\u00a0", " ").replace("\u202f", " ") or item.text_fr in page
    assert "Partie spécifique — évaluation au regard de la délibération n° 2019-053" in page
    assert "Annexe — Journal des opérations" in page


def test_pdf_is_pdf_a_3b_with_results_and_journal_attached(french_report: dict[str, Path]) -> None:
    pdf = french_report["pdf"]
    meta = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    reader = PdfReader(str(pdf))
    attachments = reader.attachments
    assert set(attachments) == {"results.json", "journal.jsonl"}
    assert attachments["results.json"][0] == french_report["results"].read_bytes()
    results = json.loads(attachments["results.json"][0])
    assert len(results["objectives"]) == 18 and results["risk"]["computed_level"] == 2
    text = "".join(page.extract_text() for page in reader.pages[:3])
    assert "Rapport d’expertise indépendante" in text
    assert len(reader.pages) >= 10


def test_the_report_is_journaled_with_copies_as_evidence(french_report: dict[str, Path]) -> None:
    case = french_report["case"]
    entry = journal.read_entries(case)[-1]
    assert entry["action"] == "report" and entry["status"] == "completed"
    names = sorted(Path(o["path"]).name for o in entry["outputs"])
    assert names == ["report.html", "report.pdf", "results.json"]
    assert journal.verify(case).intact


def test_french_typography(french_report: dict[str, Path]) -> None:
    page = french_report["html"].read_text(encoding="utf-8")
    assert "1\u202f850" in page  # thousands separator
    assert "Revue du code du parcours de vote\u00a0: choix" in page  # rationale from case.toml
    assert "«\u00a0" in page or "«&nbsp;" in page


def test_hostile_strings_are_escaped_not_executed(demo_case: Path, tmp_path: Path) -> None:
    replace_in(demo_case / "case.toml", 'name = "Élections professionnelles 2026 du Groupe Hexagone Mutualité"',
               'name = "<script>alert(1)</script> {{ 7*7 }} {% raw %}"')
    replace_in(demo_case / "case.toml", 'rationale = "Revue du code',
               'rationale = "<img src=x onerror=alert(2)> ${7*7} Revue du code')
    written = build_report(demo_case, out_dir=tmp_path / "out", argv=["x"])
    page = written["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page and "{% raw %}" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert PdfReader(str(written["pdf"])).pages


def test_english_report(demo_case: Path, tmp_path: Path) -> None:
    written = build_report(demo_case, lang="en", out_dir=tmp_path / "en", pdf=False, argv=["x"])
    page = html.unescape(written["html"].read_text(encoding="utf-8"))
    assert '<html lang="en">' in page
    assert "Independent expert report" in page and "Specific part" in page
    objective = catalogue_mod.load().framework.objective("1-05")
    assert objective.text_fr in page and objective.summary_en in page
    assert "pdf" not in written


def test_report_cli_default_output(run_cli, demo_case: Path) -> None:
    proc = run_cli("report", demo_case, "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    assert (demo_case / "report" / "report.html").is_file()
    assert (demo_case / "report" / "results.json").is_file()
