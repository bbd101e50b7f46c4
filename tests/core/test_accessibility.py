"""The accessible report: a tagged PDF/A-3b (structure tree, language, title, alt text of the
charts) and an HTML page that axe-core, run in headless Chromium, finds no serious or critical
violation in — checked on the demo's full report (every chapter collected) in both languages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import pytest
from pypdf import PdfReader

from expertise.report import charts
from expertise.report.accessibility import check_page, find_axe
from expertise.report.build import build_report

needs_browser = pytest.mark.skipif(shutil.which("chromium") is None, reason="the Debian package chromium")


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`expertise demo` once (French report), then the same case's report in English."""
    import os
    import sys

    from tests.conftest import REPO

    out = tmp_path_factory.mktemp("a11y") / "demo"
    env = {**os.environ, "PYTHONPATH": str(REPO), "EXPERTISE_LANG": "en", "EXPERTISE_OPERATOR": "test"}
    proc = subprocess.run([sys.executable, "-m", "expertise", "demo", "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    english = build_report(out / "case", lang="en", out_dir=out / "en", argv=["expertise", "report"])
    return {"fr": out, "en": english["pdf"].parent}


def _structure(pdf: Path) -> tuple[Counter[str], list[str]]:
    """The structure types used in the tag tree, and the /Alt of every Figure."""
    root = PdfReader(str(pdf)).trailer["/Root"]
    kinds: Counter[str] = Counter()
    alts: list[str] = []
    pending: list[Any] = [root["/StructTreeRoot"]]
    while pending:
        element = pending.pop().get_object()
        if "/S" in element:
            kinds[str(element["/S"])] += 1
            if element["/S"] == "/Figure":
                alts.append(str(element.get("/Alt", "")))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "keys"):
                pending.append(kid)
    return kinds, alts


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_pdf_is_tagged_with_language_title_and_chart_alt_texts(demo_reports: dict[str, Path],
                                                                    lang: str) -> None:
    pdf = demo_reports[lang] / "report.pdf"
    assert "Tagged:          yes" in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                    check=True).stdout
    meta = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta  # still PDF/A-3b
    reader = PdfReader(str(pdf))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert str(root["/Lang"]) == lang
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    title = str(reader.trailer["/Info"]["/Title"])
    assert title.startswith("Rapport d’expertise" if lang == "fr" else "Independent expert")
    kinds, alts = _structure(pdf)
    for kind in ("/Document", "/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TR", "/TH", "/TD", "/Figure", "/Link"):
        assert kinds[kind], (kind, kinds)
    # every chart (synthesis, ballots per answer, sign-ins per day, probe failures …) has its text
    assert len(alts) == kinds["/Figure"] >= 3 and all(alts), alts
    alts = [" ".join(alt.split()) for alt in alts]  # French no-break spaces as plain ones
    synthesis = next(alt for alt in alts if alt.startswith(("Graphique « Synthèse »", "Chart «Summary»")))
    levels = ("Niveau 1 : Atteint : ", ". Niveau 2 : ") if lang == "fr" else ("Level 1: Met: ", ". Level 2: ")
    assert all(level in synthesis for level in levels), synthesis
    ballots = next(alt for alt in alts if "Liste D — Indépendants" in alt)  # the board's tally, with its counts
    assert re.search(r"Liste D — Indépendants ?: \d+", ballots), ballots


@pytest.mark.slow
@needs_browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_axe_finds_no_serious_or_critical_violation_in_the_html_report(demo_reports: dict[str, Path],
                                                                        lang: str) -> None:
    page = demo_reports[lang] / "report.html"
    assert f'<html lang="{lang}">' in page.read_text(encoding="utf-8")
    result = check_page(page, lang=lang)
    assert result.axe_version
    assert not result.failing, [(v.impact, v.rule, v.targets[:3]) for v in result.failing]


BROKEN = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><main><h1>Report</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<table><tr><th id="h1">Votes</th></tr><tr><td headers="missing">12</td></tr></table>
<p style="color:#eeeeee;background:#ffffff">pale text</p><a href="#nowhere"></a></main></body></html>"""


@needs_browser
def test_a_broken_page_is_reported_by_impact_and_fails(run_cli: Callable[..., subprocess.CompletedProcess[str]],
                                                       tmp_path: Path) -> None:
    """The check can fail: an image without alt, a cell pointing at a header that does not exist,
    pale text, an empty link and no language are each named, and the command exits 1."""
    page = tmp_path / "broken.html"
    page.write_text(BROKEN, encoding="utf-8")
    proc = run_cli("check-accessibility", page, "--json")
    assert proc.returncode == 1, proc.stderr
    found = json.loads(proc.stdout)
    rules = {v["rule"]: v["impact"] for v in found["violations"]}
    assert rules["image-alt"] == "critical" and rules["td-headers-attr"] == "serious"
    assert {"color-contrast", "link-name", "html-has-lang"} <= set(rules)
    assert found["failing"] == sum(1 for impact in rules.values() if impact in ("serious", "critical"))
    image = next(v for v in found["violations"] if v["rule"] == "image-alt")
    assert image["targets"] == ["img"] and image["code"] == "report.a11y.violation"
    french = run_cli("check-accessibility", page, "--lang", "fr")
    assert french.returncode == 1 and "critique — image-alt" in french.stdout, french.stdout
    assert f"dont {found['failing']} graves ou critiques" in french.stdout


def test_missing_page_or_axe_is_a_usage_error(run_cli: Callable[..., subprocess.CompletedProcess[str]],
                                              tmp_path: Path) -> None:
    proc = run_cli("check-accessibility", tmp_path / "absent.html")
    assert proc.returncode == 2 and "absent.html" in proc.stderr and "Traceback" not in proc.stderr
    page = tmp_path / "page.html"
    page.write_text("<html></html>", encoding="utf-8")
    proc = run_cli("check-accessibility", page, "--axe", tmp_path / "no-axe")
    assert proc.returncode == 2 and "no-axe" in proc.stderr and "npm ci" in proc.stderr, proc.stderr


def test_axe_is_the_locked_local_copy() -> None:
    """axe-core is injected from tools/a11y's npm install, at the version package-lock.json pins."""
    lock = json.loads((Path(__file__).resolve().parents[2] / "tools/a11y/package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/axe-core"]
    assert pinned["integrity"].startswith("sha512-") and "resolved" not in pinned
    folder = find_axe()
    assert json.loads((folder / "package.json").read_text())["version"] == pinned["version"]


def test_charts_carry_their_numbers_as_alternative_text() -> None:
    bars = charts.bars(["Liste A", "Blanc"], [1850, 12], "Bulletins", lang="fr")
    assert bars.startswith("<svg") and 'role="img"><title>' in bars
    alt = bars[bars.index("<title>") + 7:bars.index("</title>")]
    assert alt.replace("\u202f", " ").replace("\u00a0", " ") == \
        "Diagramme en barres « Bulletins » : Liste A : 1 850 et Blanc : 12"
    english = charts.ChartHelpers("en").bars(["<b>x</b>"], [2.5], "Share")
    assert "<title>Bar chart «Share»: &lt;b&gt;x&lt;/b&gt;: 2.50</title>" in english  # labels are escaped
    line = charts.timeline([["2026-03-02T08:00:00Z", 0], ["2026-03-02T12:00:00Z", 40], ["2026-03-02T18:00:00Z", 25]],
                           "Ballots", lang="en")
    alt = line[line.index("<title>") + 7:line.index("</title>")]
    assert "3 points" in alt and "value 0 at the start, 25 at the end, at most 40" in alt, alt


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_row_header_says_it_heads_a_row(demo_reports: dict[str, Path], lang: str) -> None:
    """A header cell in a table's body (the key-value tables of the chapters: seal, probe, board …) is
    marked scope="row", so that a screen reader reads it with its row, not as a column heading."""
    from html.parser import HTMLParser

    class Headers(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.in_head = 0
            self.unscoped: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "thead":
                self.in_head += 1
            elif tag == "th" and not self.in_head and dict(attrs).get("scope") not in ("row", "rowgroup"):
                self.unscoped.append(f"line {self.getpos()[0]}")

        def handle_endtag(self, tag: str) -> None:
            if tag == "thead":
                self.in_head -= 1

    parser = Headers()
    parser.feed((demo_reports[lang] / "report.html").read_text(encoding="utf-8"))
    assert parser.unscoped == []
