"""The chapter « the mission » (the expert's free sections, the timeline) and the editable copy
(report --docx): issue 13."""

from __future__ import annotations

import html
import http.server
import re
import shutil
import threading
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from expertise import journal
from expertise.case import load_case
from expertise.hashing import sha256_file
from expertise.i18n import render
from expertise.report.build import build_report
from expertise.report.docx import write_docx
from expertise.report.sections import render_markdown
from expertise.report.timeline import mission_timeline

REPO = Path(__file__).resolve().parents[2]
NOTICE_FR = "Copie de travail non signée — seul le PDF signé fait foi"
NOTICE_EN = "Unsigned working copy — only the signed PDF is authoritative"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- Markdown, rendered safely ---

def test_markdown_headings_lists_and_emphasis_are_rendered_under_the_section() -> None:
    out = render_markdown("# Objet\n\nDu **gras**, de l'*italique*.\n\n- un\n- deux\n\n1. premier\n\n### Détail\n")
    assert "<h3>Objet</h3>" in out and "<h5>Détail</h5>" in out  # demoted under the section's <h2>
    assert "<strong>gras</strong>" in out and "<em>italique</em>" in out
    assert "<ul>" in out and "<li>deux</li>" in out and "<ol>" in out
    assert "<h1" not in out and "<h2" not in out
    assert "<h6>" in render_markdown("###### six")  # never beyond <h6>


def test_hostile_markdown_is_neutralised() -> None:
    out = render_markdown(
        "<script>alert('x')</script>\n\n"
        "<div onclick=\"steal()\">raw html</div>\n\n"
        "Inline <img src=x onerror=alert(1)> and <iframe src=\"https://evil.example\"></iframe>.\n\n"
        "[click](javascript:alert(1)) [file](file:///etc/passwd) [plain](http://insecure.example/)\n\n"
        "<javascript:alert(2)>\n\n"
        "![tracker](https://evil.example/pixel.png) ![local](/etc/passwd)\n\n"
        "[site](https://example.org/a?b=1) [mail](mailto:expert@example.org)\n")
    assert "<script" not in out and "&lt;script&gt;" in out  # shown, not run
    assert "<div" not in out and "<iframe" not in out and "<img" not in out
    assert 'href="javascript' not in out and 'href="file' not in out and 'href="http:' not in out
    assert "click" in out and "file" in out and "plain" in out  # the link's text stays
    assert 'src="https://evil.example' not in out and "[tracker: https://evil.example/pixel.png]" in out
    assert '<a href="https://example.org/a?b=1"' in out and '<a href="mailto:expert@example.org"' in out


# --- the chapter in the report ---

@pytest.fixture(scope="module")
def mission_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo case with a hostile line in its context, reported in English, HTML and DOCX."""
    case = tmp_path_factory.mktemp("mission") / "case"
    shutil.copytree(REPO / "fixtures" / "demo", case)
    (case / "evidence").mkdir(exist_ok=True)
    with (case / "rapport" / "contexte.md").open("a", encoding="utf-8") as handle:
        handle.write("\n<script>alert('x')</script> ![pixel](https://evil.example/p.png) [x](javascript:alert(1))\n")
    with journal.operation(case, "note", ["expertise", "test"]) as op:
        op.store_text("note.txt", "a first operation so the journal exists")
    written = build_report(case, lang="en", out_dir=case / "out", pdf=False, docx=True,
                           argv=["expertise", "report", "--docx"])
    written["case"] = case
    return written


def _chapter(page: str) -> str:
    return page[page.index('id="mission"'):page.index('id="risk"')]


def test_free_sections_are_in_the_report_and_an_empty_one_is_said_not_provided(mission_report: dict[str, Path]) -> None:
    page = mission_report["html"].read_text(encoding="utf-8")
    chapter = _chapter(page)
    assert "Context of the mission" in chapter and "Limits of the expertise" in chapter
    assert "<strong>Groupe Hexagone Mutualité</strong>" in chapter and "<h4>Objet de la mission</h4>" in chapter
    assert "<ol>" in chapter and "<ul>" in chapter
    meetings = chapter[chapter.index('id="mission-meetings"'):chapter.index('id="mission-limits"')]
    assert "Not provided by the expert." in meetings  # declared, left empty: nothing written for the expert
    assert "<script" not in chapter and "&lt;script&gt;" in chapter
    assert 'href="javascript' not in chapter and "<img" not in chapter
    toc = page[page.index('class="toc"'):page.index("</nav>")]
    assert "3.&ensp;The mission" in toc and "4.&ensp;" in toc and 'href="#mission-timeline"' in toc


def test_timeline_merges_journal_election_and_expert_events_in_date_order(mission_report: dict[str, Path]) -> None:
    chapter = html.unescape(_chapter(mission_report["html"].read_text(encoding="utf-8")))
    timeline = chapter[chapter.index('id="mission-timeline"'):]
    order = [timeline.index(text) for text in (
        "Cérémonie de génération des clés",  # 2026-11-28, stated by the expert
        "Operation note",  # the journal's operation (today)
    )]
    assert order == sorted(order)
    assert "Opening of the vote" in timeline and "Closing of the vote" in timeline
    assert timeline.index("Opening of the vote") < timeline.index("Closing of the vote") < timeline.index("Dépouillement")
    assert "docs/pv-ceremonie-des-cles.md" in timeline and "Journal, entry 1" in timeline


def test_timeline_sorts_dates_and_datetimes_and_keeps_what_was_stated(demo_case: Path) -> None:
    with (demo_case / "case.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[report.events]]\ndate = 2026-12-01\nwhat = "Remise des scellés"\n')
    case = load_case(demo_case)
    entries = [{"seq": 2, "action": "archive", "time": "2026-12-09T08:00:00Z"},
               {"seq": 1, "action": "seal", "time": "2026-11-30T23:30:00Z"}]
    rows = mission_timeline(case, entries)
    labels = [row.what if isinstance(row.what, str) else row.what.args.get("action", row.what.code) for row in rows]
    assert labels == ["Cérémonie de génération des clés de déchiffrement, en présence du bureau de vote électronique",
                      "seal",  # 2026-11-30 23:30 UTC: before the day stated without a time
                      "Remise des scellés",  # 2026-12-01, a date alone: the start of its day
                      "report.timeline.opens",  # 2026-12-01 09:00 +01:00
                      "report.timeline.closes",
                      "Dépouillement et proclamation des résultats en présence de l'experte",
                      "archive"]
    stated = rows[2]
    assert stated.when == date(2026, 12, 1) and not stated.has_time  # a date alone stays a date
    assert rows[1].when == datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc) and rows[1].has_time
    assert [e.ref for e in rows[0].evidence] == ["docs/pv-ceremonie-des-cles.md"]
    assert rows[0].evidence[0].sha256 == sha256_file(case.root / "docs/pv-ceremonie-des-cles.md")


def test_a_missing_section_file_is_named_with_its_field(run_cli, demo_case: Path) -> None:
    replace_in(demo_case / "case.toml", 'limits = "rapport/limites.md"', 'limits = "rapport/absent.md"')
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    refused = run_cli("report", demo_case, "--no-pdf")
    assert refused.returncode == 2 and "report.sections.limits" in refused.stderr
    assert "rapport/absent.md" in refused.stderr and "Traceback" not in refused.stderr
    operations = len(journal.read_entries(demo_case))
    refused = run_cli("audit", demo_case, "--no-pdf")  # before any collector runs
    assert refused.returncode == 2 and "report.sections.limits" in refused.stderr
    assert len(journal.read_entries(demo_case)) == operations


def test_a_section_changed_after_the_report_is_named_by_journal_verify(run_cli, demo_case: Path) -> None:
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    assert run_cli("report", demo_case, "--no-pdf").returncode == 0
    assert run_cli("journal", "verify", demo_case).returncode == 0
    with (demo_case / "rapport" / "limites.md").open("a", encoding="utf-8") as handle:
        handle.write("\nAjouté après la remise du rapport.\n")
    proc = run_cli("journal", "verify", demo_case)
    assert proc.returncode == 1 and "rapport/limites.md changed since operation" in proc.stderr



def test_an_event_evidence_is_checked_hashed_and_bound(run_cli, demo_case: Path) -> None:
    """The evidence an event names is a file of the case, shown with its SHA-256 and journaled as an
    input of the report: missing, it is refused before any collector runs; edited, journal verify says so."""
    evidence = 'électronique"\nevidence = ["docs/pv-ceremonie-des-cles.md"]'  # the event's, not a judgment's
    replace_in(demo_case / "case.toml", evidence, 'électronique"\nevidence = ["docs/absent.md"]')
    operations = len(journal.read_entries(demo_case))
    refused = run_cli("audit", demo_case, "--no-pdf")
    assert refused.returncode == 2 and "report.events[0].evidence[0]" in refused.stderr
    assert "docs/absent.md" in refused.stderr and "Traceback" not in refused.stderr
    assert len(journal.read_entries(demo_case)) == operations
    replace_in(demo_case / "case.toml", 'evidence = ["docs/absent.md"]', 'evidence = ["../outside.md"]')
    (demo_case.parent / "outside.md").write_text("hors du dossier\n", encoding="utf-8")
    refused = run_cli("audit", demo_case, "--no-pdf")  # outside the case folder: not bound, refused
    assert refused.returncode == 2 and "report.events[0].evidence[0]" in refused.stderr
    assert len(journal.read_entries(demo_case)) == operations
    replace_in(demo_case / "case.toml", 'evidence = ["../outside.md"]', 'evidence = ["docs/pv-ceremonie-des-cles.md"]')
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    assert run_cli("report", demo_case, "--no-pdf").returncode == 0
    page = html.unescape((demo_case / "report" / "report.html").read_text(encoding="utf-8"))
    digest = sha256_file(demo_case / "docs" / "pv-ceremonie-des-cles.md")
    assert f"SHA-256 {digest}" in page[page.index('id="mission-timeline"'):]
    assert run_cli("journal", "verify", demo_case).returncode == 0
    with (demo_case / "docs" / "pv-ceremonie-des-cles.md").open("a", encoding="utf-8") as handle:
        handle.write("\nAjouté après la remise du rapport.\n")
    proc = run_cli("journal", "verify", demo_case)
    assert proc.returncode == 1 and "docs/pv-ceremonie-des-cles.md changed since operation" in proc.stderr


# --- the editable copy ---

def test_docx_is_marked_on_every_page_and_holds_the_report(mission_report: dict[str, Path]) -> None:
    from docx import Document

    path = mission_report["docx"]
    assert path.name == "report.docx" and path.parent == mission_report["html"].parent
    document = Document(str(path))
    assert document.sections
    for section in document.sections:  # every page: the header and the footer of every section
        for part in (section.header, section.footer, section.first_page_header, section.even_page_header):
            assert not part.is_linked_to_previous
            assert NOTICE_EN in "\n".join(p.text for p in part.paragraphs)
    assert document.paragraphs[0].text == NOTICE_EN  # and a visible note at the top of the body
    headings = {p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")}
    for title in ("The mission", "Context of the mission", "Timeline of the mission", "Detailed findings"):
        assert any(title in heading for heading in headings), title
    assert document.tables and any("Opening of the vote" in cell.text for table in document.tables
                                   for row in table.rows for cell in row.cells)
    assert document.core_properties.language == "en-GB"
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert 'w:val="en-GB"' in styles
    assert "javascript" not in zipfile.ZipFile(path).read("word/_rels/document.xml.rels").decode()  # no such link


def test_docx_is_journaled_and_published_with_the_report(mission_report: dict[str, Path]) -> None:

    entries = journal.read_entries(mission_report["case"])
    report = [e for e in entries if e["action"] == "report"][-1]
    assert any(o["path"].endswith("/report/report.docx") and o.get("label") == "report-docx" for o in report["outputs"])
    inputs = {i["path"]: i.get("label") for i in report["inputs"]}
    assert inputs["rapport/contexte.md"] == "report section context"
    assert inputs["rapport/limites.md"] == "report section limits"


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        type(self).requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_pandoc_fetches_nothing(tmp_path: Path) -> None:
    """An image with a remote address in the HTML is neither fetched nor embedded: pandoc's writer
    would fetch it; the copy shows its description instead (the server on 127.0.0.1 sees nothing)."""
    from docx import Document

    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/pixel.png"
        page = tmp_path / "report.html"
        page.write_text(f'<html lang="fr"><body><h1>Titre</h1><p>Avant <img src="{url}" alt="traceur"> après</p>'
                        f'<p><img src="/etc/hostname" alt="local"></p><table><tr><td>a</td></tr></table></body></html>',
                        encoding="utf-8")
        write_docx(page, tmp_path / "report.docx", lang="fr")
    finally:
        server.shutdown()
    assert _Recorder.requests == []
    document = Document(str(tmp_path / "report.docx"))
    assert "traceur" in "\n".join(p.text for p in document.paragraphs)
    assert not [name for name in zipfile.ZipFile(tmp_path / "report.docx").namelist() if name.startswith("word/media")]
    assert document.sections[0].header.paragraphs[0].text == NOTICE_FR
    assert document.core_properties.language == "fr-FR"


def test_docx_without_pandoc_is_refused_and_the_previous_report_kept(run_cli, demo_case: Path, tmp_path: Path) -> None:
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    assert run_cli("report", demo_case, "--no-pdf").returncode == 0
    before = (demo_case / "report" / "report.html").read_bytes()
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = run_cli("report", demo_case, "--no-pdf", "--docx", env={"PATH": str(empty)})
    assert proc.returncode == 2 and "pandoc" in proc.stderr and "apt-get install pandoc" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (demo_case / "report" / "report.html").read_bytes() == before
    assert not (demo_case / "report" / "report.docx").exists()


def test_an_event_time_without_its_offset_is_refused_naming_the_field(demo_case: Path) -> None:
    from expertise.errors import CaseError

    with (demo_case / "case.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[report.events]]\ndate = 2026-12-01T10:00:00\nwhat = "Remise des scellés"\n')
    with pytest.raises(CaseError) as caught:
        load_case(demo_case)
    assert caught.value.field == "report.events[2].date"
    assert caught.value.message.code == "case.toml.no_time_zone"


def test_the_demo_moves_its_events_with_its_election(demo_case: Path) -> None:
    """The demo is dated from the day it runs: the expert's events keep their place around the vote."""
    from expertise.demo import dated_from_today

    before = load_case(demo_case).data
    dated_from_today(demo_case, today=date(2030, 6, 1))
    after = load_case(demo_case).data
    shift = after.election.opens - before.election.opens
    assert shift.days > 0
    assert [e.date - shift for e in after.report.events] == [e.date for e in before.report.events]


def test_a_ballot_box_open_over_its_own_period_is_in_the_timeline(demo_case: Path) -> None:
    """[[box]] opens/closes over [election]'s: the timeline states that box's opening and closing."""
    text = (demo_case / "case.toml").read_text(encoding="utf-8")
    text = re.sub(r"^\[board\]\n(?:(?!^\[).*\n)*", "", text, flags=re.M)
    text = re.sub(r"^\[registers\]\n(?:(?!^\[).*\n)*", "", text, flags=re.M)
    text += ('\n[[box]]\nid = "college1"\nname = "Collège 1"\n'
             '\n[[box]]\nid = "college2"\nname = "Collège 2"\n'
             'opens = 2026-12-02T09:00:00+01:00\ncloses = 2026-12-03T17:00:00+01:00\n')
    (demo_case / "case.toml").write_text(text, encoding="utf-8")
    rows = mission_timeline(load_case(demo_case), [])
    stated = [(row.what.code, row.what.args.get("name"), row.origin.args.get("id")) for row in rows
              if not isinstance(row.what, str) and row.what.code.startswith("report.timeline.box_")]
    assert stated == [("report.timeline.box_opens", "Collège 2", "college2"),
                      ("report.timeline.box_closes", "Collège 2", "college2")]
    opening = next(row.what for row in rows if not isinstance(row.what, str)
                   and row.what.code == "report.timeline.box_opens")
    assert render(opening, "fr") == "Ouverture de l’urne Collège 2"
