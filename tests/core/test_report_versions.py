"""Versions of the report (issue 13): numbered, dated, kept, journaled, and what changed between them.

The scenario is the demo's registers: a pre-vote report (its émargement checks left to after the
vote), then the vote closes and the final report lists each check whose status changed — from the
pre-vote version's own results.json kept in the journal's evidence.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from expertise import journal
from expertise.catalogue import CatalogueError, load, load_checks
from expertise.errors import UsageError
from expertise.hashing import sha256_file
from expertise.report.build import build_report
from expertise.seal.keys import generate


def _date(path: Path, opens: datetime, closes: datetime) -> None:
    """The case's vote dates, as the expert sets them in case.toml."""
    text = (path / "case.toml").read_text(encoding="utf-8")
    text = re.sub(r"^opens = \S+$", f"opens = {opens.replace(microsecond=0).isoformat()}", text, count=1, flags=re.M)
    text = re.sub(r"^closes = \S+$", f"closes = {closes.replace(microsecond=0).isoformat()}", text, count=1, flags=re.M)
    (path / "case.toml").write_text(text, encoding="utf-8")


def _statuses(results: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for source in results["sources"]:
        for result in source["results"]:
            found.setdefault(result["check_id"], set()).add(result["status"])
    return found


def _page(path: Path) -> str:
    return re.sub(r"\s+", " ", html.unescape(path.read_text(encoding="utf-8")))


NOW = datetime.now(timezone.utc)


def test_catalogue_phase_marks_the_checks_that_need_the_vote(tmp_path: Path) -> None:
    checks = load().checks
    assert checks["BOARD-013"].phase == "post-vote" and checks["REG-005"].phase == "post-vote"
    assert checks["BOARD-001"].phase == "pre-vote" and checks["REG-009"].phase == "pre-vote"  # the default
    (tmp_path / "x.toml").write_text('[[checks]]\nid = "X-001"\ntitle_fr = "t"\ntitle_en = "t"\n'
                                     'severity = "low"\nphase = "during"\n', encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_checks(tmp_path)
    assert caught.value.field == "checks[0].phase" and "during" in caught.value.render("en")


def test_pre_vote_then_final_lists_the_changes_and_keeps_version_one(run_cli, demo_case: Path, tmp_path: Path) -> None:
    _date(demo_case, NOW + timedelta(days=20), NOW + timedelta(days=27))
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    first = build_report(demo_case, lang="en", pdf=False, kind="pre-vote", argv=["expertise", "report"])
    results = json.loads(first["results"].read_text(encoding="utf-8"))
    assert results["version"]["number"] == 1 and results["version"]["kind"] == "pre-vote"
    assert results["version"]["notes"] == [] and results["changes"] is None  # 20 days ahead: in time
    pending = {r["check_id"] for r in results["pending"]}
    assert {"REG-001", "REG-002", "REG-005"} <= pending  # need the vote: remain to be examined
    assert "REG-009" not in pending and "REG-001" not in _statuses(results)
    assert _statuses(results)["REG-003"] == {"fail"}  # a failure already found stays a finding
    page = _page(first["html"])
    assert "Remains to be examined after the vote" in page and "version 1: pre-vote report" in page
    assert "This is the first version of the report." in page
    kept = demo_case / "report" / "versions" / "1-pre-vote"
    assert {p.name for p in kept.iterdir()} == {"report.html", "results.json"}
    hashes = {p.name: sha256_file(p) for p in kept.iterdir()}
    assert hashes["results.json"] == sha256_file(first["results"])

    # the vote took place and closed; the registers are checked again, the final report written
    _date(demo_case, NOW - timedelta(days=10), NOW - timedelta(hours=1))
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    proc = run_cli("report", demo_case, "--no-pdf", "--lang", "en", "--kind", "final", "--accept-changed")
    assert proc.returncode == 0, proc.stderr
    final = json.loads((demo_case / "report" / "results.json").read_text(encoding="utf-8"))
    assert final["version"]["number"] == 2 and final["version"]["kind"] == "final" and final["pending"] == []
    changes = final["changes"]
    assert changes["from"]["number"] == 1 and changes["from"]["kind"] == "pre-vote"
    assert {"check_id": "REG-001", "before": "pending", "after": "pass"} in changes["checks"]
    assert {"check_id": "REG-001", "subject": "registers/emargement.csv", "before": "pending",
            "after": "pass"} in changes["subjects"]
    page = _page(demo_case / "report" / "report.html")
    section = page[page.index('id="versions"'):]  # the section, not its line in the table of contents
    assert "Compared with version 1 (pre-vote report)" in section
    table = section[section.index('<table class="grid version-checks">'):section.index("</table>")]
    row = re.search(r'<td class="id">REG-001</td>.*?</tr>', table)
    assert row and "to examine after the vote" in row[0] and 'class="badge s-pass"' in row[0]
    assert "Remains to be examined after the vote" not in page and "version 2: final report" in page
    # version 1 unchanged, both kept; the journal records kind and number
    assert {p.name: sha256_file(p) for p in kept.iterdir()} == hashes
    assert (demo_case / "report" / "versions" / "2-final" / "results.json").is_file()
    reports = [e for e in journal.read_entries(demo_case) if e["action"] == "report"]
    assert [(e["notes"]["report_kind"], e["notes"]["version"]) for e in reports] == [("pre-vote", 1), ("final", 2)]
    assert journal.verify(demo_case).intact

    # the same changes without writing a report, from the two journaled results.json
    diff = run_cli("report-diff", demo_case, "--json")
    assert diff.returncode == 0, diff.stderr
    assert json.loads(diff.stdout) == changes
    listed = run_cli("report-diff", demo_case, "--from", "1", "--to", "2")
    assert listed.returncode == 0 and "REG-001" in listed.stdout and "to examine after the vote → Pass" in listed.stdout
    assert run_cli("report-diff", demo_case, "--from", "7").returncode == 2

    # a supplementary report follows the final one; the archive holds every version
    assert run_cli("report", demo_case, "--no-pdf", "--kind", "supplementary").returncode == 0
    key = tmp_path / "keys" / "expert"
    generate(key, comment="test expert")
    archive = tmp_path / "archive"
    made = run_cli("archive", "create", demo_case, "--out", archive, "--key", key, "--retain-until", "2027-06-30")
    assert made.returncode == 0, made.stderr
    assert {p.name for p in (archive / "case" / "report" / "versions").iterdir()} == {
        "1-pre-vote", "2-final", "3-supplementary"}
    assert run_cli("archive", "verify", archive).returncode == 0
    assert journal.verify(demo_case).intact


def test_kinds_the_dates_or_the_history_do_not_allow_are_refused(run_cli, demo_case: Path) -> None:
    _date(demo_case, NOW + timedelta(days=5), NOW + timedelta(days=12))
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    before = journal.read_entries(demo_case)
    final = run_cli("report", demo_case, "--no-pdf", "--kind", "final")
    assert final.returncode == 2 and "a final report cannot be dated" in final.stderr
    assert "election.closes" in final.stderr and "Traceback" not in final.stderr
    supplementary = run_cli("report", demo_case, "--no-pdf", "--kind", "supplementary")
    assert supplementary.returncode == 2 and "journal records none" in supplementary.stderr
    assert journal.read_entries(demo_case) == before and not (demo_case / "report").exists()
    audit = run_cli("audit", demo_case, "--no-pdf", "--kind", "final")  # refused before any collector runs
    assert audit.returncode == 2 and "a final report cannot be dated" in audit.stderr
    assert journal.read_entries(demo_case) == before
    # five days ahead: a pre-vote report is written, warned late on the console and on its cover
    late = run_cli("report", demo_case, "--no-pdf", "--lang", "en", "--kind", "pre-vote")
    assert late.returncode == 0 and "less than 15 days before the opening" in late.stderr
    results = json.loads((demo_case / "report" / "results.json").read_text(encoding="utf-8"))
    assert [n["code"] for n in results["version"]["notes"]] == ["report.version.pre_vote_late"]
    cover = _page(demo_case / "report" / "report.html")
    assert "less than 15 days before the opening" in cover
    assert 'href="#versions"' in cover and 'href="#remaining"' in cover  # listed in the table of contents
    assert 'class="review-notice"' not in cover  # a note of the version row, not the review copy's notice on every page
    # once the vote is open, no pre-vote report
    _date(demo_case, NOW - timedelta(hours=1), NOW + timedelta(days=6))
    opened = run_cli("report", demo_case, "--no-pdf", "--kind", "pre-vote", "--accept-changed")
    assert opened.returncode == 2 and "once the vote has opened" in opened.stderr


def test_without_kind_a_draft_never_claims_to_be_a_version(demo_case: Path) -> None:
    _date(demo_case, NOW - timedelta(days=10), NOW - timedelta(days=1))
    written = build_report(demo_case, lang="fr", pdf=False, argv=["expertise", "report"])
    results = json.loads(written["results"].read_text(encoding="utf-8"))
    assert results["version"]["kind"] == "draft" and results["version"]["number"] is None
    page = _page(written["html"])
    assert "projet non numéroté : ni une version du rapport, ni le rapport final" in page
    assert not (demo_case / "report" / "versions").exists()
    assert journal.read_entries(demo_case)[-1]["notes"]["report_kind"] == "draft"
    assert "version" not in journal.read_entries(demo_case)[-1]["notes"]
    # a draft is no version: the first version is still number 1
    first = build_report(demo_case, lang="en", pdf=False, kind="final", argv=["expertise", "report"])
    assert json.loads(first["results"].read_text(encoding="utf-8"))["version"]["number"] == 1


def test_a_changed_earlier_version_is_named_not_compared(demo_case: Path) -> None:
    _date(demo_case, NOW - timedelta(days=10), NOW - timedelta(days=1))
    build_report(demo_case, lang="en", pdf=False, kind="final", argv=["expertise", "report"])
    kept = next(demo_case.glob("evidence/*-report-*/report/results.json"))
    kept.write_text(kept.read_text(encoding="utf-8").replace('"pass"', '"fail"'), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        build_report(demo_case, lang="en", pdf=False, kind="supplementary", argv=["expertise", "report"])
    assert caught.value.message.code == "report.version.results_changed" and caught.value.path == str(kept)
