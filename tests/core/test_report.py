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
    assert "Partie spécifique — évaluation au regard de la délibération n°\u00a02019-053" in page
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


def xmp_properties(xmp: str) -> dict[str, str]:
    """The XMP packet's properties by prefixed name, whether written as attributes or elements (a
    signature's incremental update rewrites the packet in the other RDF form): the check is on
    meaning, not serialisation."""
    import xml.etree.ElementTree as ET

    prefixes = {"http://purl.org/dc/elements/1.1/": "dc", "http://ns.adobe.com/pdf/1.3/": "pdf",
                "http://ns.adobe.com/xap/1.0/": "xmp", "http://www.aiim.org/pdfa/ns/id/": "pdfaid"}

    def short(name: str) -> str:
        uri, _, local = name[1:].partition("}")
        return f"{prefixes.get(uri, uri)}:{local}"

    found: dict[str, str] = {}
    for description in ET.fromstring(xmp[xmp.index("<x:xmpmeta"):xmp.rindex("</x:xmpmeta>") + 12]).iter(
            "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
        found.update({short(k): v for k, v in description.attrib.items() if k.startswith("{") and "rdf-syntax" not in k})
        for child in description:
            items = [li.text or "" for li in child.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")]
            found[short(child.tag)] = items[0] if items else (child.text or "")
    return found


def test_pdf_a_structure(french_report: dict[str, Path]) -> None:
    """What PDF/A-3b asks beyond the XMP identification, checked as far as we can without veraPDF
    (not installable here): sRGB output intent with its profile, every font embedded, each
    attachment an associated file (/AF, /AFRelationship, MIME subtype, modification date), and
    the document information matching the XMP metadata."""
    import re

    reader = PdfReader(str(french_report["pdf"]))
    root = reader.trailer["/Root"]
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and intent["/DestOutputProfile"].get_object().get_data()
    fonts = subprocess.run(["pdffonts", str(french_report["pdf"])], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    specs = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    assert sorted(str(ref) for ref in root["/AF"]) == sorted(str(ref) for ref in specs.values())
    for spec in specs.values():
        spec = spec.get_object()
        stream = spec["/EF"]["/F"].get_object()
        assert spec["/AFRelationship"] == "/Data" and spec["/Desc"]
        assert stream["/Subtype"] and "/ModDate" in stream["/Params"]
    xmp = xmp_properties(root["/Metadata"].get_object().get_data().decode("utf-8"))
    info = reader.trailer["/Info"].get_object()
    assert xmp["dc:title"] == info["/Title"] and xmp["dc:creator"] == info["/Author"]
    assert xmp["pdf:Producer"] == info["/Producer"] and xmp["xmp:CreatorTool"] == info["/Creator"]
    created = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\+00:00", xmp["xmp:CreateDate"])
    assert created, "xmp:CreateDate in whole seconds, UTC"
    assert info["/CreationDate"].startswith("D:" + "".join(created.groups()))


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
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    proc = run_cli("report", demo_case, "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    assert (demo_case / "report" / "report.html").is_file()
    assert (demo_case / "report" / "results.json").is_file()


def test_an_override_is_shown_and_hostile_results_are_escaped(demo_case: Path, tmp_path: Path) -> None:
    """The expert's "met" on 1-05 (with rationale and evidence) against a failing check of 1-05: the
    report lists it among the overrides; the failing result's own strings, which come from the
    audited platform, are shown escaped."""
    from expertise.results import Result, Status

    check = next(meta for meta in catalogue_mod.load().checks.values() if "1-05" in meta.objectives)
    from expertise.i18n import msg

    hostile = Result(check.id, Status.FAIL, msg("core.error.at", where="banner",
                                                problem="bannière <script>alert(3)</script>"),
                     subject="<b>host</b>", evidence=("evidence/<i>x</i>.json",))
    with journal.operation(demo_case, "probe", ["expertise", "probe"]) as op:
        op.add_results(journal.ResultSet("probe:hostile", "probe", [hostile]))
    written = build_report(demo_case, out_dir=tmp_path / "out", pdf=False, argv=["x"])
    page = written["html"].read_text(encoding="utf-8")
    results = json.loads(written["results"].read_text(encoding="utf-8"))
    row = next(o for o in results["objectives"] if o["id"] == "1-05")
    assert row["conclusion"] == "met" and row["basis"] == "override" and check.id in row["checks"]
    assert 'id="overrides"' in page and "Jugements de l’expert contraires à un contrôle automatisé" in page
    assert '<tr class="override"><td class="id">1-05</td>' in page
    assert "Dérogation motivée" in page
    assert "<script>alert(3)" not in page and "bannière &lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "<b>host</b>" not in page and "<i>x</i>" not in page


def test_collectors_that_did_not_run_are_named_in_the_report_language(demo_case: Path, tmp_path: Path) -> None:
    from expertise.audit import CollectorState, Outcome
    from expertise.errors import UsageError
    from expertise.i18n import msg

    refused = UsageError(msg("archive.error.no_such_path"), path="board/nothere.bel", field="board.path")
    states = {"seal": CollectorState(Outcome.FAILED, "the TSA did not answer"),
              "probe": CollectorState(Outcome.UNAVAILABLE, "no nmap"), "board": CollectorState(Outcome.FAILED,
                                                                                                refused.describe()),
              "registers": CollectorState(Outcome.SKIPPED)}
    page = build_report(demo_case, out_dir=tmp_path / "fr", pdf=False, collectors_state=states,
                        argv=["x"])["html"].read_text(encoding="utf-8")
    assert "<td>Scellement</td>" in page and "échec\u00a0: the TSA did not answer" in page
    assert "<td>Sonde de la plateforme</td>" in page and "indisponible\u00a0: no nmap" in page
    assert "échec\u00a0: board/nothere.bel\u00a0: board.path\u00a0: fichier ou dossier introuvable" in page
    assert "<td>Registres</td>" not in page
    english = build_report(demo_case, lang="en", out_dir=tmp_path / "en", pdf=False, collectors_state=states,
                           argv=["x"])["html"].read_text(encoding="utf-8")
    assert "<td>Sealing</td>" in english and "failed: the TSA did not answer" in english
    assert "failed: board/nothere.bel: board.path: no such file or folder" in english and "échec\u00a0:" not in english
    results = json.loads((tmp_path / "en" / "results.json").read_text(encoding="utf-8"))
    assert results["collectors"]["board"] == "failed: board/nothere.bel: board.path: no such file or folder"
    board = results["collector_states"]["board"]
    assert board["state"] == "failed" and board["code"] == "audit.state.failed"
    assert board["args"]["reason"]["args"]["field"] == "board.path"


def test_the_synthesis_chart_shows_objective_status_by_level(french_report: dict[str, Path]) -> None:
    """The chart is a real drawing of the table beside it: one bar per level, a segment per
    conclusion reached, labelled with its count, and the French legend."""
    import re

    page = french_report["html"].read_text(encoding="utf-8")
    chart = page[page.index('<div class="chart">'):]
    chart = chart[:chart.index("</svg>")]
    assert "<svg" in chart and 'role="img"><title>Graphique' in chart  # its alt text (a11y)
    assert "Graphique « Synthèse »" in " ".join(chart.split())
    for label in ("Niveau 1", "Niveau 2", "Atteint", "Partiellement atteint", "Non atteint", "Non évalué"):
        assert f">{label}<" in chart, label
    results = json.loads(french_report["results"].read_text(encoding="utf-8"))
    totals = {level: sum(1 for o in results["objectives"] if o["level"] == level) for level in (1, 2)}
    assert totals == {1: 11, 2: 7}
    # each level's total is written at the end of its bar
    assert all(re.search(rf">{total}<", chart) for total in totals.values())


def test_measured_quantities_take_the_decimal_comma_in_french() -> None:
    from expertise.typography import NNBSP, fmt_decimal

    assert fmt_decimal(1.736, "fr") == "1,74"
    assert fmt_decimal(12345.5, "fr", 1) == f"12{NNBSP}345,5"
    assert fmt_decimal(1.736, "en") == "1.74"
    assert fmt_decimal(3, "fr", 0) == "3"
    assert fmt_decimal("n/a", "fr") == "n/a"


def test_recipients_and_closing_block(run_cli, demo_case: Path) -> None:
    """The report names its recipients (the organiser and the providers, as the recommendation
    requires) on the cover and in a distribution list, and ends with « Fait à …, le … », the expert's
    name and quality; a case naming neither recipient is warned, and the report says so."""
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    proc = run_cli("report", demo_case, "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    page = html.unescape((demo_case / "report" / "report.html").read_text(encoding="utf-8"))
    closing = page[page.index('id="closing"'):]
    assert "Liste de diffusion" in closing and "VoteSûr SAS (fictif) — prestataire" in closing
    assert "responsable de traitement" in closing
    assert "Fait à Marseille, le " in closing and "experte indépendante (fictive, démonstration)" in closing
    assert "n’est pas parmi les destinataires" not in page and "among the recipients" not in proc.stderr

    case_file = demo_case / "case.toml"
    text = case_file.read_text(encoding="utf-8")
    case_file.write_text(text[:text.index("[report]")], encoding="utf-8")
    proc = run_cli("report", demo_case, "--no-pdf", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "the organiser is not among the recipients" in proc.stderr
    assert "no provider is among the recipients" in proc.stderr
    page = html.unescape((demo_case / "report" / "report.html").read_text(encoding="utf-8"))
    closing = page[page.index('id="closing"'):]
    assert "not declared" in closing and "Done at ……………………, on " in closing  # a blank to fill by hand


def test_documents_received_are_listed_with_their_hash_and_bound(run_cli, demo_case: Path) -> None:
    """[report] documents: each file with its SHA-256 in an annex, journaled as an input of the report,
    so a document changed afterwards is named by `journal verify`."""
    from expertise.hashing import sha256_file

    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    assert run_cli("report", demo_case, "--no-pdf").returncode == 0
    page = html.unescape((demo_case / "report" / "report.html").read_text(encoding="utf-8"))
    annex = page[page.index('id="annex-documents"'):]
    documents = sorted((demo_case / "docs").iterdir())
    assert documents and f"Les {len(documents)} documents reçus" in annex
    for document in documents:
        assert f"docs/{document.name}" in annex and sha256_file(document) in annex
    assert run_cli("journal", "verify", demo_case).returncode == 0
    documents[0].write_text("modifié après le rapport\n", encoding="utf-8")
    proc = run_cli("journal", "verify", demo_case)
    assert proc.returncode == 1 and f"docs/{documents[0].name} changed since operation" in proc.stderr
    case_file = demo_case / "case.toml"
    case_file.write_text(case_file.read_text(encoding="utf-8").replace('documents = "docs"', 'documents = "nope"'),
                         encoding="utf-8")
    refused = run_cli("report", demo_case, "--no-pdf")
    assert refused.returncode == 2 and "report.documents" in refused.stderr
    operations = len(journal.read_entries(demo_case))
    refused = run_cli("audit", demo_case, "--no-pdf")  # refused before collecting anything
    assert refused.returncode == 2 and "report.documents" in refused.stderr
    assert len(journal.read_entries(demo_case)) == operations


def test_a_document_changed_since_the_last_report_is_listed_anew_not_refused(run_cli, demo_case: Path,
                                                                             tmp_path: Path) -> None:
    """A report lists the documents as they are: a later report is not refused for a changed one (no
    result rests on it), but an archive is, until the expert re-reports or accepts the change."""
    from expertise.seal.keys import generate

    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    assert run_cli("report", demo_case, "--no-pdf").returncode == 0
    document = sorted((demo_case / "docs").iterdir())[0]
    document.write_text("version 2\n", encoding="utf-8")
    key = tmp_path / "keys" / "expert"
    generate(key, comment="test expert")
    refused = run_cli("archive", "create", demo_case, "--out", tmp_path / "a1", "--no-tsa", "--key", key)
    assert refused.returncode == 1 and f"docs/{document.name}" in refused.stderr
    assert run_cli("report", demo_case, "--no-pdf").returncode == 0  # lists the new version
    assert json.loads((demo_case / "report" / "results.json").read_text(encoding="utf-8"))["changed_inputs"] == []
    assert run_cli("journal", "verify", demo_case).returncode == 0
    made = run_cli("archive", "create", demo_case, "--out", tmp_path / "a2", "--no-tsa", "--key", key)
    assert made.returncode == 0, made.stderr
