"""Assessment: the status of each applicable objective, guarantee and expertise element.

Nothing is "met" by default. A status comes either from the expert's judgment (which
must rest on evidence) or, for objectives the automated checks cover entirely, from the
checks. A failing check is a definite finding: an expert judgment that contradicts it is
accepted only with a rationale, and is then shown as an override.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Callable, Sequence

from . import catalogue as catalogue_mod
from . import journal
from .case import Case, Judgment, unanswered_declarations
from .catalogue import Catalogue, Item, Objective
from .results import Result, Severity, Status, count_by_status
from .risk import RiskScore, score
from .case_checks.observation import observe as observe_case
from .case_checks.rules import RULES as CASE_RULES
from .domain import evaluate
from .findings import load as findings_mod
from .i18n import Message, msg, render


class Conclusion(StrEnum):
    """Where an objective, guarantee or element stands (the expert's own written opinion on the
    whole vote is :class:`expertise.case.ExpertOpinion`)."""

    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    NOT_ASSESSED = "not_assessed"
    NOT_APPLICABLE = "not_applicable"


class Basis(StrEnum):
    AUTOMATED = "automated"
    JUDGMENT = "judgment"
    OVERRIDE = "override"
    NONE = "none"


_WEIGHTY = {Status.PASS, Status.FAIL, Status.ERROR, Status.MANUAL}


@dataclass
class Verdict:
    """How one objective, guarantee or element stands, and why."""

    conclusion: Conclusion
    basis: Basis
    results: list[Result]
    judgment: Judgment | None
    notes: list[Message] = field(default_factory=list)  # what the counts and the conclusion do not say

    @property
    def counts(self) -> dict[str, int]:
        return count_by_status(self.results)

    @property
    def override(self) -> bool:
        return self.basis is Basis.OVERRIDE

    @property
    def evidence(self) -> list[str]:
        refs: list[str] = []
        for result in self.results:
            for ref in result.evidence:
                if ref not in refs:
                    refs.append(ref)
        if self.judgment:
            refs.extend(ref for ref in self.judgment.evidence if ref not in refs)
        return refs

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "conclusion": self.conclusion.value,
            "basis": self.basis.value,
            "counts": self.counts,
            "checks": sorted({r.check_id for r in self.results}),
            "judgment": self.judgment.model_dump() if self.judgment else None,
            "notes": [{**note.to_dict(), "message": render(note, lang)} for note in self.notes],
            "evidence": self.evidence,
        }


def decide(results: Sequence[Result], judgment: Judgment | None, automation: str,
           found: Callable[[str], bool] | None = None) -> Verdict:
    """``found`` tells whether an evidence reference of the judgment exists (see
    :func:`evidence_finder`); a cited file that is not there supports nothing."""
    relevant = [r for r in results if r.status in _WEIGHTY]
    fails = [r for r in relevant if r.status is Status.FAIL]
    passes = [r for r in relevant if r.status is Status.PASS]
    untested = [r for r in relevant if r.status in (Status.ERROR, Status.MANUAL)]
    notes: list[Message] = []
    cited = list(judgment.evidence) if judgment is not None else []
    absent = [ref for ref in cited if found is not None and not found(ref)]
    if absent:
        notes.append(msg("assess.note.evidence_not_found", refs=", ".join(absent)))
    if judgment is not None and judgment.status != "not_assessed":
        wanted = Conclusion(judgment.status)
        if wanted is Conclusion.NOT_APPLICABLE:
            if not judgment.rationale.strip():
                notes.append(msg("assess.note.not_applicable_unjustified"))
            return Verdict(Conclusion.NOT_APPLICABLE, Basis.JUDGMENT, list(results), judgment, notes)
        contradicts = bool(fails) and wanted in (Conclusion.MET, Conclusion.PARTIALLY_MET)
        if contradicts and not judgment.rationale.strip():
            notes.append(msg("assess.note.contradicts_unjustified"))
        elif wanted in (Conclusion.MET, Conclusion.PARTIALLY_MET) and not (len(cited) > len(absent) or passes):
            notes.append(msg("assess.note.no_evidence"))
        else:
            basis = Basis.OVERRIDE if contradicts else Basis.JUDGMENT
            return Verdict(wanted, basis, list(results), judgment, notes)
    if fails:
        worst = max((r.severity or Severity.MEDIUM).rank for r in fails)
        conclusion = Conclusion.NOT_MET if worst >= Severity.HIGH.rank else Conclusion.PARTIALLY_MET
        return Verdict(conclusion, Basis.AUTOMATED, list(results), judgment, notes)
    if passes and automation == "full" and not untested:
        return Verdict(Conclusion.MET, Basis.AUTOMATED, list(results), judgment, notes)
    if passes:
        # the counts are beside the note in the report: the note says what they do not
        notes.append(msg("assess.note.partial_coverage"))
    if untested:
        notes.append(msg("assess.note.untested", count=len(untested)))
    return Verdict(Conclusion.NOT_ASSESSED, Basis.NONE, list(results), judgment, notes)


@dataclass
class ObjectiveAssessment:
    objective: Objective
    verdict: Verdict


@dataclass
class ItemAssessment:
    item: Item
    verdict: Verdict


@dataclass
class SourceResults:
    """One journaled result set and the journal entry that produced it."""

    entry: dict[str, Any]
    result_set: journal.ResultSet


@dataclass
class Assessment:
    case: Case
    catalogue: Catalogue
    risk: RiskScore
    journal: journal.JournalReport
    case_results: list[Result]
    sources: list[SourceResults]
    objectives: list[ObjectiveAssessment]
    guarantees: list[ItemAssessment]
    elements: list[ItemAssessment]
    set_aside: list[Message] = field(default_factory=list)  # the expert's judgments not followed, and why
    pending: list[Result] = field(default_factory=list)  # results set aside until after the vote (assess(pending=))
    expert: findings_mod.ExpertFindings = field(default_factory=findings_mod.ExpertFindings)  # issue 13

    @property
    def level(self) -> int:
        return self.case.level

    @property
    def all_results(self) -> list[Result]:
        results = list(self.case_results)
        for source in self.sources:
            results.extend(source.result_set.results)
        return results

    def conclusion_counts(self) -> dict[int, dict[str, int]]:
        """Per objective level, how many objectives reached each conclusion (the chart)."""
        table: dict[int, dict[str, int]] = {}
        for row in self.objectives:
            counts = table.setdefault(row.objective.level, {c.value: 0 for c in Conclusion})
            counts[row.verdict.conclusion.value] += 1
        return dict(sorted(table.items()))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """``lang``: the language of the rendered messages; ``code`` and ``args`` are beside them."""
        data = self.case.data
        return {
            "framework": {"id": self.catalogue.framework.id, "version": self.catalogue.framework.version},
            "election": data.election.model_dump(mode="json"),
            "expert": data.expert.model_dump(mode="json"),
            "risk": {
                "chosen_level": self.level,
                "computed_level": self.risk.computed_level,
                "score": self.risk.score,
                "missing": self.risk.missing,
                "answers": {a.statement.id: {"value": a.value, "points": a.points} for a in self.risk.answers},
            },
            "journal": {"entries": self.journal.entries, "head": self.journal.head,
                        "intact": self.journal.intact},
            "objectives": [{"id": row.objective.id, "level": row.objective.level, "text_fr": row.objective.text_fr,
                            **row.verdict.to_dict(lang)} for row in self.objectives],
            "guarantees": [{"id": row.item.id, "text_fr": row.item.text_fr, **row.verdict.to_dict(lang)}
                           for row in self.guarantees],
            "elements": [{"id": row.item.id, "text_fr": row.item.text_fr, **row.verdict.to_dict(lang)}
                         for row in self.elements],
            "sources": [{"source": s.result_set.source, "producer": s.result_set.producer,
                         "journal_seq": s.entry.get("seq"), "time": s.entry.get("time"),
                         "summary": s.result_set.summary,
                         "results": [r.to_dict(lang) for r in s.result_set.results]} for s in self.sources],
            "case_results": [r.to_dict(lang) for r in self.case_results],
            "findings": [f.to_dict() for f in self.expert.findings],  # the expert's own, with their source
            "pentests": [{"date": p.date, "tester": p.tester, "scope": p.scope, "tools": list(p.tools),
                          "operations": {"ref": p.operations.ref, "sha256": p.operations.sha256}}
                         for p in self.expert.pentests],
            "set_aside": [{**m.to_dict(), "message": render(m, lang)} for m in self.set_aside],
            "unanswered": [{**m.to_dict(), "message": render(m, lang)} for m in unanswered_declarations(self.case)],
        }


def evidence_finder(case: Case) -> Callable[[str], bool]:
    """Whether a judgment's evidence reference exists.

    A reference without spaces and without a scheme is a file of the case folder (relative to
    it, or absolute) and must exist; anything else (« PV du 17 novembre », a URL) names a
    document outside the case and is taken as the expert declares it."""

    def found(ref: str) -> bool:
        text = ref.strip()
        if not text or any(ch.isspace() for ch in text) or "://" in text:
            return bool(text)
        return case.resolve(text).exists()

    return found


def _judgment_for(case: Case, key: str) -> Judgment | None:
    return case.data.judgments.get(key)


def assess(case: Case, catalogue: Catalogue | None = None, *,
           pending: Callable[[Result], bool] | None = None) -> Assessment:
    """``pending``: results it holds are set aside (``Assessment.pending``), neither judged nor
    counted — a pre-vote report's checks that need the vote (expertise.report.versions)."""
    catalogue = catalogue or catalogue_mod.load(framework_id=case.data.framework)
    framework = catalogue.framework
    risk = score(catalogue.grid, case.data.risk.answers)
    journal_report = journal.verify(case.root)
    case_results = evaluate(CASE_RULES, observe_case(case, risk, journal_report, catalogue.grid), catalogue)
    sources = [SourceResults(entry, result_set) for entry, result_set in journal.latest_result_sets(case.root)]
    # Re-enrich from the current catalogue: the metadata may have been corrected since collection.
    for source in sources:
        source.result_set.results = [_safe_enrich(catalogue, r) for r in source.result_set.results]
    set_aside_pending: list[Result] = []
    if pending is not None:
        for source in sources:
            set_aside_pending += [r for r in source.result_set.results if pending(r)]
            source.result_set.results = [r for r in source.result_set.results if not pending(r)]
    everything = list(case_results) + [r for s in sources for r in s.result_set.results]
    expert = findings_mod.collect(case, catalogue)  # the expert's own findings count like the tools'
    everything += findings_mod.results(expert)

    found = evidence_finder(case)
    objectives = []
    for objective in framework.applicable(case.level):
        cited = [r for r in everything if objective.id in r.objectives]
        objectives.append(ObjectiveAssessment(
            objective, decide(cited, _judgment_for(case, objective.id), objective.automation, found)))
    guarantees = []
    for item in framework.guarantees:
        cited = [r for r in everything if item.id in r.guarantees]
        guarantees.append(ItemAssessment(item, decide(cited, _judgment_for(case, item.id), item.automation, found)))
    elements = []
    for item in framework.elements:
        cited = [r for r in everything if item.id in _elements_of(catalogue, r)]
        elements.append(ItemAssessment(item, decide(cited, _judgment_for(case, item.id), item.automation, found)))
    return Assessment(case, catalogue, risk, journal_report, case_results, sources, objectives, guarantees, elements,
                      set_aside_judgments(case, framework, [(row.objective.id, row.verdict) for row in objectives] +
                                          [(row.item.id, row.verdict) for row in guarantees + elements]),
                      pending=set_aside_pending, expert=expert)


# --- judgments set aside, said where the expert reads them (the console) ---

# The notes of a verdict that mean a judgment (or one of its evidence references) was not followed.
_SETTING_ASIDE = {"assess.note.evidence_not_found", "assess.note.no_evidence", "assess.note.contradicts_unjustified"}


def set_aside_judgments(case: Case, framework: Any, verdicts: Sequence[tuple[str, Verdict]]) -> list[Message]:
    """Each judgment of case.toml the assessment did not follow, or followed without part of its
    evidence, with why: an objective above the case's level (no verdict at all), ``met`` without
    evidence, a cited file that does not exist, a contradiction without rationale. The report's
    notes say it too, but an expert reads the console first."""
    found: list[Message] = []
    levels = {o.id: o.level for o in framework.objectives}
    for key in case.data.judgments:
        if levels.get(key, 0) > case.level:
            found.append(msg("assess.set_aside.above_level", item=key, level=levels[key], chosen=case.level))
    for item, verdict in verdicts:
        if verdict.judgment is None:
            continue
        for note in verdict.notes:
            if note.code in _SETTING_ASIDE:
                found.append(msg("assess.set_aside.judgment", item=item, reason=note))
    return found


def warn_set_aside(assessment: Assessment) -> None:
    """One warning line per judgment set aside (see :func:`set_aside_judgments`)."""
    from .console import say

    for message in assessment.set_aside:
        say(message, style="yellow", label=msg("cli.warning"))


def _elements_of(catalogue: Catalogue, result: Result) -> tuple[str, ...]:
    meta = catalogue.checks.get(result.check_id)
    return meta.elements if meta else ()


def _safe_enrich(catalogue: Catalogue, result: Result) -> Result:
    if result.check_id in catalogue.checks:
        return catalogue.enrich(result)
    return result


def journal_assessment(case_dir: Path, assessment: Assessment, argv: Sequence[str] | None = None) -> str:
    """Store the assessment as evidence in one journaled operation; returns its path."""
    with journal.operation(case_dir, "assess", argv) as op:
        op.add_input(case_dir / journal.CASE_FILE, label="case")
        path = op.store_json("assessment.json", assessment.to_dict(), label="assessment")
    return path
