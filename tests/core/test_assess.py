"""How objective conclusions are decided: evidence, judgments, overrides."""

from __future__ import annotations

import json
from pathlib import Path

from expertise import journal
from expertise.i18n import msg
from expertise.assess import Basis, Conclusion, assess, decide, evidence_finder
from expertise.case import Judgment, load_case
from expertise.results import Result, Severity, Status


def res(status: Status, severity: Severity = Severity.HIGH, check: str = "X-001") -> Result:
    return Result(check, status, msg("common.verbatim", text="m"), severity=severity, objectives=("1-05",))


def test_no_evidence_is_not_assessed() -> None:
    verdict = decide([], None, "partial")
    assert verdict.conclusion is Conclusion.NOT_ASSESSED and verdict.basis is Basis.NONE


def test_passing_checks_alone_conclude_only_full_automation_objectives() -> None:
    assert decide([res(Status.PASS)], None, "full").conclusion is Conclusion.MET
    partial = decide([res(Status.PASS)], None, "partial")
    assert partial.conclusion is Conclusion.NOT_ASSESSED
    assert "expert's judgment is needed" in partial.notes[0].render("en")
    assert decide([res(Status.PASS), res(Status.ERROR)], None, "full").conclusion is Conclusion.NOT_ASSESSED


def test_failing_checks_by_severity() -> None:
    assert decide([res(Status.PASS), res(Status.FAIL, Severity.HIGH)], None, "full").conclusion is Conclusion.NOT_MET
    assert decide([res(Status.FAIL, Severity.LOW)], None, "partial").conclusion is Conclusion.PARTIALLY_MET


def test_judgment_of_met_needs_evidence() -> None:
    bare = Judgment(status="met", rationale="trust me")
    verdict = decide([], bare, "none")
    assert verdict.conclusion is Conclusion.NOT_ASSESSED
    assert "nothing is met without evidence" in verdict.notes[0].render("en")
    documented = Judgment(status="met", rationale="PV", evidence=["docs/pv.pdf"])
    assert decide([], documented, "none").conclusion is Conclusion.MET
    assert decide([res(Status.PASS)], bare, "partial").basis is Basis.JUDGMENT


def test_contradicting_a_failing_check_needs_a_rationale() -> None:
    failing = [res(Status.FAIL)]
    unexplained = decide(failing, Judgment(status="met", evidence=["x"]), "partial")
    assert unexplained.conclusion is Conclusion.NOT_MET and unexplained.basis is Basis.AUTOMATED
    assert "set aside" in unexplained.notes[0].render("en")
    explained = decide(failing, Judgment(status="met", rationale="compensating control", evidence=["x"]), "partial")
    assert explained.conclusion is Conclusion.MET and explained.override


def test_not_applicable_and_not_met_judgments() -> None:
    assert decide([res(Status.PASS)], Judgment(status="not_met", rationale="r"), "full").conclusion is Conclusion.NOT_MET
    verdict = decide([], Judgment(status="not_applicable"), "none")
    assert verdict.conclusion is Conclusion.NOT_APPLICABLE and verdict.notes


def test_assessment_of_the_demo_case(demo_case: Path) -> None:
    assessment = assess(load_case(demo_case))
    by_id = {row.objective.id: row.verdict for row in assessment.objectives}
    assert len(by_id) == 18
    assert by_id["1-08"].conclusion is Conclusion.MET and by_id["1-08"].basis is Basis.JUDGMENT
    assert by_id["2-01"].conclusion is Conclusion.PARTIALLY_MET
    assert by_id["1-05"].conclusion is Conclusion.MET and by_id["1-05"].basis is Basis.JUDGMENT
    assert by_id["2-03"].conclusion is Conclusion.NOT_ASSESSED
    assert {r.check_id for r in assessment.case_results} >= {"RISK-001", "EXPERT-001", "JOURNAL-001"}


def test_journaled_results_enter_the_assessment(demo_case: Path) -> None:
    with journal.operation(demo_case, "probe", ["x"]) as op:
        op.add_results(journal.ResultSet("probe:x", "probe", [Result("EXPERT-002", Status.FAIL, msg("common.verbatim", text="x"))]))
    assessment = assess(load_case(demo_case))
    assert any(r.check_id == "EXPERT-002" for r in assessment.all_results)


def test_assess_cli_is_journaled(run_cli, demo_case: Path) -> None:
    proc = run_cli("assess", demo_case, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["objectives"]) == 18
    entry = journal.read_entries(demo_case)[-1]
    assert entry["action"] == "assess" and entry["outputs"][0]["path"].endswith("assessment.json")


def test_guarantees_and_elements_follow_their_own_automation(demo_case: Path) -> None:
    assessment = assess(load_case(demo_case))
    elements = {row.item.id: row.verdict for row in assessment.elements}
    guarantees = {row.item.id: row.verdict for row in assessment.guarantees}
    # the RISK checks cover the risk-level element entirely; nothing covers G7 before a board replay
    assert elements["risk-level"].conclusion is Conclusion.MET
    assert elements["risk-level"].basis is Basis.AUTOMATED
    assert guarantees["G7"].conclusion is Conclusion.NOT_ASSESSED
    # the expert's judgment on G5 cites no document and no check has run yet: set aside
    assert guarantees["G5"].conclusion is Conclusion.NOT_ASSESSED
    assert "nothing is met without evidence" in guarantees["G5"].notes[0].render("en")


def test_cited_evidence_must_exist_in_the_case(demo_case: Path) -> None:
    """A judgment of "met" resting only on a file that is not in the case folder is set aside;
    a paper document (a reference with spaces) or a URL is taken as the expert declares it."""
    text = (demo_case / "case.toml").read_text(encoding="utf-8")
    assert 'evidence = ["docs/pv-ceremonie-des-cles.md"]' in text
    (demo_case / "case.toml").write_text(text.replace(
        'evidence = ["docs/pv-ceremonie-des-cles.md"]', 'evidence = ["docs/pv-ceremonie-des-clés.md"]'),
        encoding="utf-8")
    by_id = {row.objective.id: row.verdict for row in assess(load_case(demo_case)).objectives}
    verdict = by_id["1-08"]
    assert verdict.conclusion is not Conclusion.MET
    assert "not found in the case folder: docs/pv-ceremonie-des-clés.md" in verdict.notes[0].render("en")
    assert any("nothing is met without evidence" in note.render("en") for note in verdict.notes)

    found = evidence_finder(load_case(demo_case))
    assert found("docs/architecture.md") and not found("docs/nowhere.md")
    assert found("PV de la cérémonie des clés du 20 novembre") and found("https://example.org/pv.pdf")
    partly = decide([], Judgment(status="met", rationale="r", evidence=["docs/architecture.md", "docs/x.md"]),
                    "none", found)
    assert partly.conclusion is Conclusion.MET and "docs/x.md" in partly.notes[0].render("en")
