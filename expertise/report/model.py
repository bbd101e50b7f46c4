"""The report model: everything the templates show, computed once from the assessment.

Templates only lay out; every decision (what is a finding, what counts as an override,
which chapters exist, which number each chapter gets) is made here so that the HTML, the
PDF and results.json tell the same story.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .boxes import box_rows
from .. import __version__
from ..assess import Assessment, Conclusion, ItemAssessment, Verdict
from ..audit import CollectorState
from ..case import documents_received, recipient_problems
from ..catalogue import CheckMeta
from ..domains import all_domains, chapter_domains
from ..i18n import Message, msg, render
from ..hashing import sha256_file
from ..requirements import matrix
from ..results import Result, Severity, Status
from . import charts, labels
from .timing import report_timing
from .sections import free_sections, with_mission_chapter
from .timeline import mission_timeline
from .fingerprint import tree_fingerprint

_FINDING_STATUSES = (Status.FAIL, Status.ERROR, Status.MANUAL)

# the fixed chapters: anchor, title, sections listed in the table of contents
_CHAPTERS: tuple[tuple[str, Message, tuple[tuple[str, Message], ...]], ...] = (
    ("identification", msg("report.chapter.identification"), (
        ("election", msg("report.section.election")), ("expert", msg("report.section.expert")),
        ("actors", msg("report.section.actors")))),
    ("scope", msg("report.chapter.scope"), (
        ("declared-scope", msg("report.section.scope")), ("method", msg("report.section.method")),
        ("tool", msg("report.section.tool")))),
    ("risk", msg("report.chapter.risk"), ()),
    ("synthesis", msg("report.chapter.synthesis"), (
        ("opinion", msg("report.section.opinion")), ("key-findings", msg("report.section.key_findings")))),
    ("specific", msg("report.chapter.specific"), (
        ("objectives", msg("report.section.objectives")), ("elements", msg("report.section.elements")),
        ("guarantees", msg("report.section.guarantees")))),
    ("findings", msg("report.chapter.findings"), ()),
)


@dataclass
class Finding:
    meta: CheckMeta
    status: str
    severity: str
    results: list[dict[str, Any]]


@dataclass
class SourceView:
    """One journaled result set as the domain partials see it."""

    source: str
    producer: str
    summary: dict[str, Any]
    results: list[dict[str, Any]]
    seq: int | None
    time: str | None
    box: str = ""  # the ballot box ([[box]] id) of the result set, "" for a case of one box
    box_name: str = ""


def _failed_checks(verdict: Verdict) -> list[str]:
    return sorted({r.check_id for r in verdict.results if r.status is Status.FAIL})


def _evidence_rows(case_root: Path, refs: list[str]) -> list[dict[str, str]]:
    rows = []
    for ref in refs:
        path = case_root / ref
        sha = ""
        try:
            if not Path(ref).is_absolute() and ".." not in Path(ref).parts and path.is_file():
                sha = sha256_file(path)
        except OSError:
            sha = ""
        rows.append({"ref": ref, "sha": sha})
    return rows


def _row(verdict: Verdict, case_root: Path, origin: dict[int, tuple[int | None, str]]) -> dict[str, Any]:
    """One row of the specific part: judgment documents are listed one by one (with their
    fingerprint); automated evidence is summarised by the journal entries it comes from, the
    files themselves being listed in the findings and the domain chapters."""
    entries: dict[int | None, str] = {}
    automated_files: set[str] = set()
    for result in verdict.results:
        seq, producer = origin.get(id(result), (None, ""))
        if seq is not None:
            entries[seq] = producer
        automated_files.update(result.evidence)
    judgment_refs = list(verdict.judgment.evidence) if verdict.judgment else []
    return {
        "conclusion": verdict.conclusion.value,
        "basis": verdict.basis.value,
        "basis_label": labels.BASIS[verdict.basis.value],
        "override": verdict.override,
        "judgment": verdict.judgment,
        "notes": list(verdict.notes),
        "counts": labels.counts(verdict.counts),
        "failed_checks": _failed_checks(verdict),
        "checks": sorted({r.check_id for r in verdict.results}),
        "evidence": _evidence_rows(case_root, judgment_refs),
        "journal_refs": [{"seq": seq, "producer": producer} for seq, producer in sorted(entries.items())
                         if seq is not None],
        "automated_files": len(automated_files),
    }


def _item_rows(items: list[ItemAssessment], case_root: Path, lang: str,
               origin: dict[int, tuple[int | None, str]]) -> list[dict[str, Any]]:
    """The legal text is the deliberation's, in French; an English report adds the summary."""
    return [{"id": row.item.id, "text_fr": row.item.text_fr, "summary": row.item.text_en if lang == "en" else "",
             **_row(row.verdict, case_root, origin)} for row in items]


def _findings(assessment: Assessment) -> list[Finding]:
    grouped: dict[tuple[str, str], list[Result]] = {}
    for result in assessment.all_results:
        if result.status in _FINDING_STATUSES and result.check_id in assessment.catalogue.checks:
            grouped.setdefault((result.check_id, result.status.value), []).append(result)
    order = {Status.FAIL.value: 0, Status.MANUAL.value: 1, Status.ERROR.value: 2}
    findings = []
    for (check_id, status), results in grouped.items():
        meta = assessment.catalogue.checks[check_id]
        severity = max((r.severity or meta.severity for r in results), key=lambda s: s.rank)
        findings.append(Finding(meta, status, severity.value, [r.to_dict() for r in results]))
    findings.sort(key=lambda f: (order[f.status], -Severity(f.severity).rank, f.meta.id))
    return findings


def _collectors_missing(states: dict[str, CollectorState], lang: str) -> list[dict[str, Any]]:
    """The collectors that did not run to completion, named, with why (rendered by the template)."""
    return [{"label": _producer_label(name, lang), "state": state.message}
            for name, state in states.items() if not state.complete]


def _risk_answers(assessment: Assessment, lang: str) -> list[dict[str, Any]]:
    notes = assessment.case.data.risk.grid_notes
    return [{"id": a.statement.id, "text_fr": a.statement.text_fr,
             "summary": a.statement.text_en if lang == "en" else "", "note": notes.get(a.statement.id, ""),
             "value": a.value, "points": a.points} for a in assessment.risk.answers]


def _journal_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    aborted = msg("report.operation.aborted")
    return [{**entry, "status_label": aborted if entry.get("status") == "aborted" else None} for entry in entries]


def _checks_table(assessment: Assessment) -> list[dict[str, Any]]:
    table: dict[str, dict[str, int]] = {}
    for result in assessment.all_results:
        counts = table.setdefault(result.check_id, {s.value: 0 for s in Status})
        counts[result.status.value] += 1
    return [{"meta": assessment.catalogue.checks[cid], "counts": counts}
            for cid, counts in sorted(table.items()) if cid in assessment.catalogue.checks]


def _matrix_rows(assessment: Assessment, lang: str) -> list[dict[str, Any]]:
    """The traceability matrix annex: per framework of the case (its own first), one row per requirement."""
    tables: dict[str, dict[str, Any]] = {}
    for row in matrix(assessment):
        rows = tables.setdefault(row.framework.id, {"framework": row.framework, "rows": []})["rows"]
        rows.append({"id": row.requirement.id, "text_fr": row.requirement.text_fr,
                     "summary": row.requirement.summary_en if lang == "en" else "",
                     "levels": list(row.requirement.levels),
                     "checks": [(check, labels.STATUS.get(status, msg("report.matrix.not_run")))
                                for check, status in row.check_statuses().items()],
                     "question": row.requirement.question, "status": row.status.value,
                     "answer": row.answer, "answer_label": labels.ANSWER[row.answer.answer] if row.answer else None,
                     "notes": row.notes})
    return list(tables.values())


def build_context(assessment: Assessment, *, lang: str,
                  collectors_state: dict[str, CollectorState], attachments: list[dict[str, str]],
                  journal_entries: list[dict[str, Any]], generated: datetime | None = None) -> dict[str, Any]:
    case = assessment.case
    data = case.data
    catalogue = assessment.catalogue
    framework = catalogue.framework
    generated = generated or datetime.now(timezone.utc)
    short = framework.short_fr if lang == "fr" else framework.short_en  # the framework's own names
    origin = {id(result): (source.entry.get("seq"), _producer_label(source.result_set.producer, lang))
              for source in assessment.sources for result in source.result_set.results}

    objectives = []
    for row in assessment.objectives:
        objectives.append({
            "id": row.objective.id, "level": row.objective.level, "text_fr": row.objective.text_fr,
            "summary": row.objective.summary_en if lang == "en" else "",
            "hint": row.objective.hint_fr if lang == "fr" else row.objective.hint_en,
            **_row(row.verdict, case.root, origin)})
    overrides = [row for row in objectives if row["override"]]

    conclusion_by_level = assessment.conclusion_counts()
    conclusion_keys = [c.value for c in Conclusion]
    totals = {key: sum(counts[key] for counts in conclusion_by_level.values()) for key in conclusion_keys}
    chart_rows = [(render(msg("report.level", level=level), lang), counts)
                  for level, counts in conclusion_by_level.items()]
    status_chart = charts.objective_status(chart_rows, {k: render(m, lang) for k, m in labels.CONCLUSION.items()},
                                           title=render(msg("report.chapter.synthesis"), lang), lang=lang)

    findings = _findings(assessment)
    key_findings = [f for f in findings if f.status == Status.FAIL.value]

    box_names = {box.id: box.name for box in getattr(data, "box", [])}  # several ballot boxes (issue 13)
    sources_by_producer: dict[str, list[SourceView]] = {}
    sources_table = []
    for source in assessment.sources:
        rs = source.result_set
        view = SourceView(rs.source, rs.producer, rs.summary, [r.to_dict() for r in rs.results],
                          source.entry.get("seq"), source.entry.get("time"), rs.box, box_names.get(rs.box, rs.box))
        sources_by_producer.setdefault(rs.producer, []).append(view)
        sources_table.append({"producer_label": _producer_label(rs.producer, lang),
                              "source": rs.source, "time": view.time, "seq": view.seq,
                              "count": len(rs.results)})

    chapters = [{"id": anchor, "title": render(title, lang), "number": index + 1,
                 "subs": [{"id": sid, "title": render(sub, lang)} for sid, sub in subs]}
                for index, (anchor, title, subs) in enumerate(_CHAPTERS)]
    chapters = with_mission_chapter(chapters, case, lang)  # the expert's free sections and the timeline
    domain_chapters = []
    for domain in chapter_domains():
        title = render(domain.chapter, lang) if domain.chapter else domain.name
        chapters.append({"id": domain.anchor, "title": title, "number": len(chapters) + 1, "subs": []})
        domain_chapters.append({"id": domain.anchor, "title": title, "producer": domain.name,
                                "template": f"{domain.name}/{domain.report_template}",
                                "sources": sources_by_producer.get(domain.name, [])})
    chapters.append({"id": "annex-journal", "title": render(msg("report.chapter.annex_journal"), lang),
                     "number": None, "subs": []})
    chapters.append({"id": "annex-checks", "title": render(msg("report.chapter.annex_checks"), lang),
                     "number": None, "subs": []})
    chapters.append({"id": "annex-requirements", "title": render(msg("report.chapter.annex_requirements"), lang),
                     "number": None, "subs": []})
    if data.report.documents:
        chapters.append({"id": "annex-documents", "title": render(msg("report.chapter.annex_documents"), lang),
                         "number": None, "subs": []})

    journal = assessment.journal
    return {
        "lang": lang,
        "doc": {
            "generated": generated,
            # whole seconds: the PDF's Info date has no fraction, and PDF/A wants XMP to match it
            "generated_iso": generated.replace(microsecond=0).isoformat(),
            # only a report dated after the closing can be final (issue 10; `report --kind`, issue 13)
            "timing": report_timing(generated, data.election.opens, data.election.closes),
            "tool_version": __version__,
            "python": sys.version.split()[0],
            "tool_fingerprint": tree_fingerprint(Path(__file__).resolve().parents[1], suffixes=(".py",)),
            "catalogue_fingerprint": tree_fingerprint(_checks_root()),
            "framework_short": short,
            "reference": f"{short} — {data.election.name[:80]}",
        },
        "framework": framework,
        "matrix": _matrix_rows(assessment, lang),
        "grid": catalogue.grid,
        "election": data.election,
        "expert": data.expert,
        # the documents received ([report] documents), None when the case names no such folder
        "documents": [{"path": path.relative_to(case.root).as_posix() if path.is_relative_to(case.root) else str(path),
                       "size": path.stat().st_size, "sha256": sha256_file(path)} for path in documents_received(case)]
        if data.report.documents else None,
        # the chapter « the mission »: the expert's free sections, the timeline (sections.py, timeline.py)
        "free_sections": free_sections(case),
        "timeline": mission_timeline(case, journal_entries),
        "delivery": {"recipients": data.report.recipients, "place": data.report.place,
                     "quality": data.report.quality, "problems": recipient_problems(case)},
        "independence": data.expert.independence,
        "actors": data.actors,
        "scope": data.scope,
        "level": case.level,
        "risk": assessment.risk,
        "risk_answers": _risk_answers(assessment, lang),
        "risk_justification": data.risk.justification,
        "opinion": data.conclusion,
        "case_results": [r.to_dict() for r in assessment.case_results],
        "objectives": objectives,
        "overrides": overrides,
        "elements": _item_rows(assessment.elements, case.root, lang, origin),
        "guarantees": _item_rows(assessment.guarantees, case.root, lang, origin),
        "conclusion_by_level": conclusion_by_level,
        "conclusion_keys": conclusion_keys,
        "conclusion_totals": totals,
        "status_chart": status_chart,
        "findings": findings,
        "key_findings": key_findings,
        "sources_table": sources_table,
        "collectors_state": collectors_state,
        "collectors_missing": _collectors_missing(collectors_state, lang),
        "chapters": chapters,
        "domain_chapters": domain_chapters,
        "journal": {"entries": journal.entries, "head": journal.head, "intact": journal.intact,
                    "problems": [p.message for p in journal.problems],
                    "changed_inputs": [change.describe() for change in journal.stale_results]},
        "journal_entries": _journal_rows(journal_entries),
        "attachments": attachments,
        # several ballot boxes (issue 13): the table across boxes, and each box's name by its id
        "boxes": box_rows(case, [source.result_set for source in assessment.sources]),
        "box_names": box_names,
        "checks_table": _checks_table(assessment),
    }


def _checks_root() -> Path:
    from ..paths import checks_dir

    return checks_dir()


def _producer_label(producer: str, lang: str) -> str:
    domain = next((d for d in all_domains() if d.name == producer), None)
    return render(domain.producer_label, lang) if domain and domain.producer_label else producer
