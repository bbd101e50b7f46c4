"""The case rules (RISK-*, EXPERT-*, JOURNAL-*) and the assessment notes speak French too."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from expertise import catalogue as catalogue_mod
from expertise.assess import decide
from expertise.case import Case, Judgment, load_case
from expertise.journal import JournalProblem, JournalReport
from expertise.results import Result, Severity, Status
from expertise.risk import score
from expertise.case_checks.rules import RULES as CASE_RULES
from expertise.domain import evaluate
from expertise.case_checks.rules import CaseObservation
from tests.french import french_problems


def _with(case: Case, **sections: dict[str, Any]) -> Case:
    """The case with some fields of some sections replaced (``risk={"chosen_level": 1}``)."""
    data = case.data
    updates = {name: getattr(data, name).model_copy(update=fields) for name, fields in sections.items()}
    return Case(case.root, data.model_copy(update=updates))


def observations(case: Case) -> Iterator[CaseObservation]:
    grid = catalogue_mod.load().grid
    intact = JournalReport(3, "ab" * 32, [])
    broken = JournalReport(3, "ab" * 32, [JournalProblem(2, 2, "content does not match its hash (entry edited)",
                                                         "le contenu ne correspond pas à son empreinte")])
    answers = dict(case.data.risk.answers)
    partial = {key: value for key, value in list(answers.items())[:6]}
    expert = case.data.expert
    variants = [
        case,
        _with(case, risk={"chosen_level": 1, "justification": ""}),
        _with(case, risk={"answers": partial, "chosen_level": 1}),
        _with(case, risk={"answers": partial, "chosen_level": 2}),
        _with(case, risk={"answers": {}, "chosen_level": 3}),
        _with(case, expert={"independence": expert.independence.model_copy(update={
            "security_specialist": False, "no_interest_in_provider": False, "no_interest_in_organiser": False,
            "vendors_examined": ["VoteSûr"]})}),
    ]
    for variant in variants:
        risk = score(grid, variant.data.risk.answers)
        for report in (intact, broken):
            yield CaseObservation(variant, risk, report, grid)


def test_every_case_result_has_a_french_message(demo_case: Path) -> None:
    catalogue = catalogue_mod.load()
    results: list[Result] = []
    for obs in observations(load_case(demo_case)):
        results += evaluate(CASE_RULES, obs, catalogue)
    assert {r.status for r in results} == {Status.PASS, Status.FAIL, Status.MANUAL}
    assert {r.check_id for r in results if r.status is Status.FAIL} == {
        "RISK-001", "RISK-002", "RISK-003", "EXPERT-001", "EXPERT-002", "JOURNAL-001"}
    problems = french_problems(r.to_dict() for r in results)
    assert not problems, "\n".join(problems)


def test_assessment_notes_have_a_french_wording() -> None:
    passing = Result("X-001", Status.PASS, "m", severity=Severity.HIGH)
    failing = Result("X-002", Status.FAIL, "m", severity=Severity.HIGH)
    untested = Result("X-003", Status.ERROR, "m", severity=Severity.HIGH)
    verdicts = [
        decide([passing, passing, untested], None, "partial"),
        decide([failing], Judgment(status="met", evidence=["x"]), "partial"),
        decide([], Judgment(status="met", rationale="trust me"), "none"),
        decide([], Judgment(status="not_applicable"), "none"),
        decide([], Judgment(status="met", rationale="r", evidence=["docs/absent.pdf"]), "none", lambda ref: False),
    ]
    notes = [note.to_dict() for verdict in verdicts for note in verdict.notes]
    assert len(notes) == 7
    problems = french_problems(notes)
    assert not problems, "\n".join(problems)
    assert notes[0]["messages"]["fr"].startswith("les contrôles automatisés conformes ne couvrent")
    assert notes[1]["messages"]["fr"].startswith("1 contrôle n’a pas pu être mené à terme")
