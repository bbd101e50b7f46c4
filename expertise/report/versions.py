"""Versions of the report: numbered, dated, kept, and what changed from one to the next (issue 13).

The public-service rules ask for a report before the vote (sent at least 15 days before it), a final
report after the count, and possibly supplementary ones. ``report --kind pre-vote|final|supplementary``
makes such a version: the journal records its kind and number (the numbering IS the journal's, so it
cannot drift from what was handed over), its files are kept as the operation's evidence (and copied to
``<report folder>/versions/<n>-<kind>/``), and the differences from the previous version are computed
from that version's own results.json, checked against the hash the journal recorded — never from
memory. A report without ``--kind`` is an unnumbered draft: it never claims to be a version, let alone
the final one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Callable, Iterable

from .. import journal
from ..case import Case
from ..catalogue import Catalogue
from ..errors import UsageError
from ..hashing import sha256_file
from ..i18n import Message, msg
from ..results import Result, Status

#: the public-service rule: the pre-vote report is sent at least this long before the vote
LEAD_TIME = timedelta(days=15)
#: where each version's files are copied, inside the report folder
VERSIONS_DIR = "versions"
#: the kind of a report written without --kind: unnumbered, never a version
DRAFT = "draft"
#: the status a pre-vote report gives a check that needs the vote (in results.json and the diff)
PENDING = "pending"
#: the journal's path of a report's results.json, inside the operation's evidence folder
_RESULTS_OUTPUT = "/report/results.json"
#: worst first: the status a check shows when its subjects differ
_STATUS_ORDER = ("fail", "error", "manual", PENDING, "pass", "informational", "not_applicable")


class Kind(StrEnum):
    PRE_VOTE = "pre-vote"
    FINAL = "final"
    SUPPLEMENTARY = "supplementary"


@dataclass(frozen=True)
class Version:
    """A version already written, as the journal records it."""

    number: int
    kind: str
    date: str  # ISO, the report's own date (results.json "generated")
    seq: int  # the journal entry of the report operation
    results_file: str  # case-relative path of its results.json kept as evidence
    sha256: str  # of that file, as journaled

    @property
    def folder(self) -> str:
        return f"{self.number}-{self.kind}"

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "kind": self.kind, "date": self.date, "journal_seq": self.seq,
                "results_file": self.results_file}


def versions(case_dir: Path) -> list[Version]:
    """Every version written so far, oldest first, from the journal's completed report operations."""
    found: list[Version] = []
    for entry in journal.read_entries(case_dir):
        notes = entry.get("notes") or {}
        if entry.get("action") != "report" or entry.get("status") != "completed" or "version" not in notes:
            continue
        output = next((o for o in entry.get("outputs", []) if str(o.get("path", "")).endswith(_RESULTS_OUTPUT)), None)
        if output is None:
            continue
        found.append(Version(int(notes["version"]), str(notes.get("report_kind", "")), str(notes.get("date", "")),
                             int(entry.get("seq", 0)), str(output["path"]), str(output["sha256"])))
    return sorted(found, key=lambda v: v.number)


def load_results(case_dir: Path, version: Version) -> dict[str, Any]:
    """The version's results.json kept as evidence, refused if it is not the file the journal recorded."""
    path = case_dir / version.results_file
    if not path.is_file():
        raise UsageError(msg("report.version.results_missing", number=version.number), path=str(path))
    if sha256_file(path) != version.sha256:
        raise UsageError(msg("report.version.results_changed", number=version.number), path=str(path))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def find_version(case_dir: Path, number: int, every: list[Version] | None = None) -> Version:
    for version in every if every is not None else versions(case_dir):
        if version.number == number:
            return version
    raise UsageError(msg("report.version.no_such_version", number=number), path=str(case_dir / journal.JOURNAL_NAME))


@dataclass
class Plan:
    """The version a report run is about to write, decided before anything is written."""

    kind: str  # a Kind value, or DRAFT
    number: int | None  # None for a draft
    date: datetime
    previous: Version | None
    notes: list[Message] = field(default_factory=list)  # said on the console and on the cover

    @property
    def folder(self) -> str | None:
        return f"{self.number}-{self.kind}" if self.number is not None else None

    def pending(self, catalogue: Catalogue) -> Callable[[Result], bool] | None:
        """What a pre-vote report leaves to after the vote: the results of the catalogue's
        ``phase = "post-vote"`` checks, except a failure, which is a finding already made."""
        if self.kind != Kind.PRE_VOTE:
            return None
        post_vote = {check_id for check_id, meta in catalogue.checks.items() if meta.phase == "post-vote"}
        return lambda result: result.check_id in post_vote and result.status is not Status.FAIL

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "number": self.number, "date": self.date.isoformat(),
                "previous": self.previous.to_dict() if self.previous else None,
                "notes": [n.to_dict() for n in self.notes]}


def plan(case: Case, kind: str | None, date: datetime) -> Plan:
    """The version to write, or a refusal (exit 2) when the date or the history does not allow it:
    a final report before the closing, a pre-vote report once the vote has opened (the texts know
    it only as sent before the vote), a supplementary report with no final one before it."""
    election = case.data.election
    every = versions(case.root)
    previous = every[-1] if every else None
    if kind is None:
        return Plan(DRAFT, None, date, previous)
    number = (previous.number if previous else 0) + 1
    notes: list[Message] = []
    if kind == Kind.FINAL and date < election.closes:
        raise UsageError(msg("report.version.final_before_closing", date=date, closes=election.closes),
                         path=str(case.file), field="election.closes")
    if kind == Kind.SUPPLEMENTARY and not any(v.kind == Kind.FINAL for v in every):
        raise UsageError(msg("report.version.supplementary_without_final"), path=str(case.root / journal.JOURNAL_NAME))
    if kind == Kind.PRE_VOTE:
        if date >= election.opens:
            raise UsageError(msg("report.version.pre_vote_after_opening", date=date, opens=election.opens),
                             path=str(case.file), field="election.opens")
        if election.opens - date < LEAD_TIME:
            notes.append(msg("report.version.pre_vote_late", opens=election.opens, days=LEAD_TIME.days))
    return Plan(str(kind), number, date, previous, notes)


# --- what changed between two versions, from their results.json ---

def _worst(statuses: Iterable[str]) -> str:
    return min(statuses, key=lambda s: _STATUS_ORDER.index(s) if s in _STATUS_ORDER else len(_STATUS_ORDER))


def _subject_statuses(results: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(check, subject) → status; a check a pre-vote report left to after the vote is ``pending``."""
    grouped: dict[tuple[str, str], list[str]] = {}
    listed = [r for source in results.get("sources", []) for r in source.get("results", [])]
    listed += results.get("case_results", [])
    for result in listed:
        grouped.setdefault((result["check_id"], result.get("subject") or ""), []).append(result["status"])
    for result in results.get("pending", []):
        grouped.setdefault((result["check_id"], result.get("subject") or ""), []).append(PENDING)
    return {key: _worst(statuses) for key, statuses in grouped.items()}


def _check_statuses(subjects: dict[tuple[str, str], str]) -> dict[str, str]:
    grouped: dict[str, list[str]] = {}
    for (check_id, _), status in subjects.items():
        grouped.setdefault(check_id, []).append(status)
    return {check_id: _worst(statuses) for check_id, statuses in grouped.items()}


def _conclusions(results: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(part, row["id"]): row["conclusion"] for part in ("objectives", "guarantees", "elements")
            for row in results.get(part, [])}


def _header(results: dict[str, Any]) -> dict[str, Any]:
    version = results.get("version") or {}
    return {"number": version.get("number"), "kind": version.get("kind", DRAFT), "date": results.get("generated")}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What changed from ``before`` to ``after`` (two results.json): each check's status, each
    subject's, the findings (checks failing) added and resolved, the conclusions changed. A status
    is ``None`` where the version had no result for it."""
    subjects_before, subjects_after = _subject_statuses(before), _subject_statuses(after)
    checks_before, checks_after = _check_statuses(subjects_before), _check_statuses(subjects_after)
    conclusions_before, conclusions_after = _conclusions(before), _conclusions(after)
    return {
        "from": _header(before),
        "to": _header(after),
        "checks": [{"check_id": c, "before": checks_before.get(c), "after": checks_after.get(c)}
                   for c in sorted(checks_before.keys() | checks_after.keys())
                   if checks_before.get(c) != checks_after.get(c)],
        "subjects": [{"check_id": c, "subject": s, "before": subjects_before.get((c, s)),
                      "after": subjects_after.get((c, s))}
                     for c, s in sorted(subjects_before.keys() | subjects_after.keys())
                     if s and subjects_before.get((c, s)) != subjects_after.get((c, s))],
        "findings_added": sorted(c for c, s in checks_after.items() if s == "fail" and checks_before.get(c) != "fail"),
        "findings_resolved": [{"check_id": c, "after": checks_after.get(c)} for c, s in sorted(checks_before.items())
                              if s == "fail" and checks_after.get(c) != "fail"],
        "conclusions": [{"part": part, "id": item, "before": conclusions_before.get((part, item)),
                         "after": conclusions_after.get((part, item))}
                        for part, item in sorted(conclusions_before.keys() | conclusions_after.keys())
                        if conclusions_before.get((part, item)) != conclusions_after.get((part, item))],
    }


def annotate(results: dict[str, Any], version: Plan, pending: list[Result], case_dir: Path, lang: str) -> None:
    """Add to a results.json being written: which version it is, what it leaves to after the vote,
    and what changed since the previous version (``changes`` is None for the first one)."""
    results["version"] = version.to_dict()
    results["pending"] = [r.to_dict(lang) for r in pending]
    results["changes"] = diff(load_results(case_dir, version.previous), results) if version.previous else None


def context(results: dict[str, Any], pending: list[Result], catalogue: Catalogue, lang: str) -> dict[str, Any]:
    """What the report's version parts show (reports/templates/sections/version*.html.j2): the
    version, its notes, the changes with the checks' titles, and the checks left to after the vote."""
    rows: dict[str, dict[str, Any]] = {}
    for result in pending:
        row = rows.setdefault(result.check_id, {"check_id": result.check_id, "subjects": []})
        if result.subject and result.subject not in row["subjects"]:
            row["subjects"].append(result.subject)
    changes = results.get("changes")
    named = {r["check_id"] for r in rows.values()}
    if changes:
        named |= {c["check_id"] for part in ("checks", "subjects", "findings_resolved") for c in changes[part]}
        named |= set(changes["findings_added"])
    per_check: dict[str, int] = {}
    for row in changes["subjects"] if changes else []:
        per_check[row["check_id"]] = per_check.get(row["check_id"], 0) + 1
    return {
        **results["version"],
        "changes": changes,
        # by subject where a check changed on several (one subject is the check's own row already)
        "subject_rows": [row for row in changes["subjects"] if per_check[row["check_id"]] > 1] if changes else [],
        "previous_date": datetime.fromisoformat(changes["from"]["date"]) if changes and changes["from"]["date"] else None,
        "pending": sorted(rows.values(), key=lambda r: str(r["check_id"])),
        "titles": {c: catalogue.checks[c].title(lang) for c in named if c in catalogue.checks},
    }
