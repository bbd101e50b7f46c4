"""The traceability matrix: every requirement of a case's frameworks, its status and what it rests on.

A requirement (``[[requirements]]`` of a framework file, see docs/requirements.md) is covered by
automatic checks, by a question the expert answers in ``case.toml`` (``[answers."<id>"]``), or by
both. Its status in a case is derived, never declared on the expert's behalf, by one rule
(:func:`decide_requirement`); nothing known leaves it "not assessed", visibly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from .assess import Assessment, Conclusion, evidence_finder
from .case import Answer
from .catalogue import Catalogue, Framework, Requirement
from .i18n import Message, msg, render
from .results import Result, Status

# check statuses that say something about a requirement (info / skipped say nothing)
_UNTESTED = (Status.ERROR, Status.MANUAL)


@dataclass
class MatrixRow:
    """One requirement of the matrix, its status in the case and why."""

    framework: Framework
    requirement: Requirement
    status: Conclusion
    results: list[Result]
    answer: Answer | None
    notes: list[Message] = field(default_factory=list)

    def check_statuses(self) -> dict[str, str]:
        """Each cited check and its worst status in the case (``not run`` when it has no result)."""
        order = [Status.FAIL, Status.ERROR, Status.MANUAL, Status.PASS]
        statuses: dict[str, str] = {}
        for check_id in self.requirement.checks:
            mine = {r.status for r in self.results if r.check_id == check_id}
            statuses[check_id] = next((s.value for s in order if s in mine), "not_run")
        return statuses

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "framework": self.framework.id, "id": self.requirement.id, "text_fr": self.requirement.text_fr,
            "summary_en": self.requirement.summary_en, "levels": list(self.requirement.levels),
            "checks": self.check_statuses(), "question": self.requirement.question,
            "status": self.status.value,
            "answer": self.answer.model_dump() if self.answer else None,
            "notes": [{**note.to_dict(), "message": render(note, lang)} for note in self.notes],
        }


def decide_requirement(requirement: Requirement, level: int, results: Sequence[Result],
                       answer: Answer | None, found: Callable[[str], bool]) -> tuple[Conclusion, list[Message]]:
    """The combination rule (docs/requirements.md), in this order:

    1. a requirement that does not apply at the case's level is not applicable;
    2. a failing cited check, or the answer "no", makes it not met (a failure is a finding that
       no answer overrides here: the objectives' chapter is where an expert argues an override);
    3. the answer "not applicable" makes it not applicable (a rationale is expected);
    4. the answer "yes" makes it met when it rests on something: an evidence file that exists, a
       document named, or a passing cited check; otherwise it stays not assessed;
    5. without an answer, a requirement covered by checks only is met when every cited check ran
       and passed; anything else is not assessed.
    """
    notes: list[Message] = []
    if not requirement.applies_at(level):
        return Conclusion.NOT_APPLICABLE, [msg("requirements.note.other_level", level=level)]
    cited = [r for r in results if r.check_id in requirement.checks]
    fails = sorted({r.check_id for r in cited if r.status is Status.FAIL})
    passes = [r for r in cited if r.status is Status.PASS]
    untested = sorted({r.check_id for r in cited if r.status in _UNTESTED})
    not_run = [c for c in requirement.checks if not any(r.check_id == c for r in cited)]
    evidence = list(answer.evidence) if answer else []
    absent = [ref for ref in evidence if not found(ref)]
    if absent:
        notes.append(msg("requirements.note.evidence_not_found", refs=", ".join(absent)))
    given = answer.answer if answer else "not assessed"
    if fails:
        return Conclusion.NOT_MET, [*notes, msg("requirements.note.check_failed", checks=", ".join(fails))]
    if given == "no":
        return Conclusion.NOT_MET, notes
    if given == "not applicable":
        if answer is not None and not answer.rationale.strip():
            notes.append(msg("requirements.note.not_applicable_unjustified"))
        return Conclusion.NOT_APPLICABLE, notes
    if given == "yes":
        if len(evidence) > len(absent) or passes:
            return Conclusion.MET, notes
        return Conclusion.NOT_ASSESSED, [*notes, msg("requirements.note.no_evidence")]
    if requirement.question:
        notes.append(msg("requirements.note.unanswered"))
    if untested:
        notes.append(msg("requirements.note.untested", checks=", ".join(untested)))
    if not_run:
        notes.append(msg("requirements.note.not_run", checks=", ".join(not_run)))
    if not requirement.question and passes and not untested and not not_run:
        return Conclusion.MET, notes
    return Conclusion.NOT_ASSESSED, notes


def case_frameworks(assessment: Assessment) -> list[Framework]:
    """The case's framework first, then the related ones it names."""
    data = assessment.case.data
    return assessment.catalogue.requirement_frameworks([data.framework, *data.related_frameworks])


def matrix(assessment: Assessment) -> list[MatrixRow]:
    """Every requirement of the case's frameworks, with its status (rule: :func:`decide_requirement`)."""
    results = assessment.all_results
    answers: dict[str, Answer] = assessment.case.data.answers
    found = evidence_finder(assessment.case)
    rows = []
    for framework in case_frameworks(assessment):
        for requirement in framework.requirements:
            answer = answers.get(requirement.id)
            status, notes = decide_requirement(requirement, assessment.level, results, answer, found)
            cited = [r for r in results if r.check_id in requirement.checks]
            # the expert's own findings naming the requirement (issue 13): an open one makes it not met
            named = [f.id for f in assessment.expert.findings if requirement.id in f.requirements]
            if named:
                open_ = [f.id for f in assessment.expert.findings
                         if requirement.id in f.requirements and f.status == "open"]
                if open_ and status is not Conclusion.NOT_APPLICABLE:
                    status = Conclusion.NOT_MET
                notes = [*notes, msg("findings.matrix.named", ids=named)]
            rows.append(MatrixRow(framework, requirement, status, cited, answer, notes))
    return rows


def requirement_ids(catalogue: Catalogue, framework_ids: Sequence[str]) -> set[str]:
    """The requirement ids a case may answer: those of its frameworks."""
    return {r.id for f in catalogue.requirement_frameworks(framework_ids) for r in f.requirements}


def catalogue_rows(framework: Framework) -> list[dict[str, Any]]:
    """A framework's requirements without a case (``expertise requirements``)."""
    return [{"framework": framework.id, "id": r.id, "text_fr": r.text_fr, "summary_en": r.summary_en,
             "levels": list(r.levels), "checks": list(r.checks), "question": r.question}
            for r in framework.requirements]


_YES_NO = {True: msg("common.yes"), False: msg("common.no")}


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def markdown(frameworks: Sequence[Framework], lang: str = "en") -> str:
    """The catalogue's matrix as Markdown (docs/requirements-matrix.md is generated by it)."""
    title = msg("requirements.md.title")
    lines = ["# " + render(title, lang), "",
             render(msg("requirements.md.generated"), lang), ""]
    for framework in frameworks:
        name = framework.title_en if lang == "en" else framework.title_fr
        lines += [f"## {framework.id} ({framework.version}) — {_cell(name)}", "",
                  "| id | " + " | ".join(render(column, lang) for column in (
                      msg("requirements.md.col.text"), msg("requirements.md.col.levels"),
                      msg("requirements.md.col.checks"), msg("requirements.md.col.question"))) + " |",
                  "|---|---|---|---|---|"]
        for r in framework.requirements:
            text = f"« {r.text_fr} »" + (f"<br>*{_cell(r.summary_en)}*" if lang == "en" else "")
            lines.append(f"| {r.id} | {_cell(text)} | {', '.join(map(str, r.levels))} | "
                         f"{', '.join(r.checks) or '—'} | {render(_YES_NO[r.question], lang)} |")
        lines.append("")
    return "\n".join(lines)
