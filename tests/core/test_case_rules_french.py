"""The case rules (RISK-*, EXPERT-*, JOURNAL-*) and the assessment notes speak French and English:
every message renders in both languages, without a ``[code]`` fallback, and the French holds no
English word."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from expertise import catalogue as catalogue_mod
from expertise.i18n import msg
from expertise.assess import decide
from expertise.case import Case, Judgment, load_case
from expertise.case_checks.observation import CaseObservation, observe
from expertise.case_checks.rules import RULES as CASE_RULES
from expertise.domain import evaluate
from expertise.journal import JournalProblem, JournalReport
from expertise.results import Result, Severity, Status, message_of
from expertise.risk import score
from tests.french import language_problems, results_named


def _with(case: Case, **sections: dict[str, Any]) -> Case:
    """The case with some fields of some sections replaced (``risk={"chosen_level": 1}``)."""
    data = case.data
    updates = {name: getattr(data, name).model_copy(update=fields) for name, fields in sections.items()}
    return Case(case.root, data.model_copy(update=updates))


def observations(case: Case) -> Iterator[CaseObservation]:
    grid = catalogue_mod.load().grid
    intact = JournalReport(3, "ab" * 32, [])
    # what is wrong with a journal is the journal's own message (tests/core/test_journal.py): data here
    broken = JournalReport(3, "ab" * 32, [JournalProblem(2, 2, "3f2a9c")])
    broken_line = JournalReport(3, "ab" * 32, [JournalProblem(5, None, "3f2a9c")])
    answers = dict(case.data.risk.answers)
    partial = {key: value for key, value in list(answers.items())[:6]}
    expert = case.data.expert
    variants = [
        case,
        _with(case, risk={"chosen_level": 1, "justification": ""}),
        _with(case, risk={"answers": partial, "chosen_level": 1}),
        _with(case, risk={"answers": partial, "chosen_level": 2}),
        _with(case, risk={"answers": {**partial, **dict(list(answers.items())[6:9])}, "chosen_level": 2}),
        _with(case, risk={"answers": {}, "chosen_level": 3}),
        _with(case, expert={"independence": expert.independence.model_copy(update={
            "security_specialist": False, "no_interest_in_provider": False, "no_interest_in_organiser": False,
            "vendors_examined": ["VoteSûr"]})}),
        _with(case, expert={"independence": expert.independence.model_copy(update={
            "no_interest_in_organiser": False, "vendors_examined": []})}),
        # unanswered declarations, the provider counted among the vendors, the grid
        # contradicting the electorate
        _with(case, expert={"name": None, "independence": expert.independence.model_copy(update={
            "security_specialist": None, "no_interest_in_provider": None, "no_interest_in_organiser": None,
            "vendors_examined": None})}),
        _with(case, expert={"independence": expert.independence.model_copy(update={
            "vendors_examined": ["VoteSûr", "ScrutinPlus"]})}),
        _with(case, election={"electorate": 30}),
    ]
    for variant in variants:
        risk = score(grid, variant.data.risk.answers)
        for report in (intact, broken, broken_line):
            yield observe(variant, risk, report, grid)


def test_every_case_result_renders_in_both_languages(demo_case: Path) -> None:
    catalogue = catalogue_mod.load()
    results: list[Result] = []
    for obs in observations(load_case(demo_case)):
        results += evaluate(CASE_RULES, obs, catalogue)
    assert {r.status for r in results} == {Status.PASS, Status.FAIL, Status.MANUAL, Status.ERROR,
                                           Status.NOT_APPLICABLE}  # PENTEST-001 at level 1
    assert {r.check_id for r in results if r.status is Status.FAIL} == {
        "RISK-001", "RISK-002", "RISK-003", "RISK-004", "EXPERT-001", "EXPERT-002", "JOURNAL-001"}
    assert {r.check_id for r in results if r.status is Status.ERROR} == {"EXPERT-001", "EXPERT-002", "RISK-004"}
    problems = language_problems(results_named(results))
    assert not problems, "\n".join(problems)


def test_the_case_results_name_what_they_found(demo_case: Path) -> None:
    case = load_case(demo_case)
    grid = catalogue_mod.load().grid
    partial = dict(list(case.data.risk.answers.items())[:6])
    variant = _with(case, risk={"answers": partial, "chosen_level": 1})
    broken = JournalReport(3, "ab" * 32, [JournalProblem(2, 2, "3f2a9c")])
    results = {r.check_id: r for r in evaluate(CASE_RULES, observe(variant, score(grid, partial), broken, grid),
                                                catalogue_mod.load())}
    missing = [s.id for s in grid.statements if s.id not in partial]
    assert results["RISK-002"].message.args["statements"] == missing
    assert ", ".join(missing[:-1]) in results["RISK-002"].text("en")
    journal = results["JOURNAL-001"]
    assert journal.text("en") == "journal of operations broken at entry 2: 3f2a9c"
    assert journal.text("fr") == "journal des opérations rompu à l’entrée 2\u00a0: 3f2a9c"


def test_assessment_notes_render_in_both_languages() -> None:
    passing = Result("X-001", Status.PASS, msg("common.verbatim", text="m"), severity=Severity.HIGH)
    failing = Result("X-002", Status.FAIL, msg("common.verbatim", text="m"), severity=Severity.HIGH)
    untested = Result("X-003", Status.ERROR, msg("common.verbatim", text="m"), severity=Severity.HIGH)
    verdicts = [
        decide([passing, passing, untested], None, "partial"),
        decide([failing], Judgment(status="met", evidence=["x"]), "partial"),
        decide([], Judgment(status="met", rationale="trust me"), "none"),
        decide([], Judgment(status="not_applicable"), "none"),
        decide([], Judgment(status="met", rationale="r", evidence=["docs/absent.pdf"]), "none", lambda ref: False),
    ]
    notes = [message_of(note.to_dict()) for verdict in verdicts for note in verdict.notes]
    assert len(notes) == 7
    problems = language_problems((f"note {i}", note) for i, note in enumerate(notes))
    assert not problems, "\n".join(problems)
    assert notes[0].render("fr").startswith("les contrôles automatisés conformes ne couvrent")
    assert notes[1].render("fr").startswith("1 contrôle n’a pas pu être mené à terme")
