"""The timeline of the mission: the journal's operations, the election's opening and closing, and
the expert's own dated events (``[[report.events]]``: key ceremony, sealing, count …), in date order.

Only dates are put side by side: whether an event came too early or too late is for the rules
and for the expert to say, never for the timeline. The journal's operations are what the tool
did (each with its entry number, which the journal's annex details); the expert's events are
what the expert states, with the evidence they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from pydantic import AwareDatetime, Field, field_validator

from ..domain import Section
from ..hashing import sha256_file
from ..i18n import Message, msg

if TYPE_CHECKING:
    from ..case import Case


class MissionEvent(Section):
    """``[[report.events]]``: one dated event of the mission the expert states (a TOML date, or a
    date and time with its offset), what happened and, optionally, the evidence of it."""

    date: AwareDatetime | date
    what: str = Field(min_length=1)
    evidence: list[str] = Field(default_factory=list)

    @field_validator("date", mode="before")
    @classmethod
    def _with_offset(cls, value: Any) -> Any:
        """A date and time without its offset is ambiguous: one error saying so, not one per form."""
        if isinstance(value, datetime) and value.tzinfo is None:
            from ..case import invalid

            raise invalid(msg("case.toml.no_time_zone"))
        return value


@dataclass(frozen=True)
class EventEvidence:
    """A file the expert names as the evidence of an event, with its SHA-256 when the report was built."""

    ref: str
    sha256: str


def event_evidence_files(case: "Case") -> list[tuple[str, Path]]:
    """Every file ``[[report.events]]`` name as evidence: each must be in the case folder (exit 2 naming
    case.toml and the field otherwise), each is an input of the report, bound by its hash."""
    files = []
    for i, event in enumerate(case.data.report.events):
        for j, ref in enumerate(event.evidence):
            files.append((ref, case.file_inside(ref, f"report.events[{i}].evidence[{j}]")))
    return files


@dataclass(frozen=True)
class TimelineRow:
    """One line of the timeline. ``when`` keeps what was stated: a date alone stays a date."""

    when: datetime | date
    what: Message | str  # a Message for what the tool states, the expert's own words verbatim
    origin: Message
    evidence: tuple[EventEvidence, ...] = field(default=())

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)

    @property
    def sort_key(self) -> datetime:
        """A date alone sorts at the start of its day (UTC): before anything timed that day."""
        if isinstance(self.when, datetime):
            return self.when.astimezone(timezone.utc)
        return datetime.combine(self.when, time.min, tzinfo=timezone.utc)


def _journal_rows(entries: Iterable[Mapping[str, Any]]) -> list[TimelineRow]:
    rows = []
    for entry in entries:
        try:
            when = datetime.fromisoformat(str(entry.get("time", "")).replace("Z", "+00:00"))
        except ValueError:
            continue  # an entry without a readable time has no place in a dated list (the annex shows it)
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)  # the journal writes UTC
        rows.append(TimelineRow(when, msg("report.timeline.operation", action=str(entry.get("action", ""))),
                                msg("report.timeline.from_journal", seq=int(entry.get("seq", 0)))))
    return rows


def mission_timeline(case: "Case", journal_entries: Iterable[Mapping[str, Any]]) -> list[TimelineRow]:
    """Every dated event of the mission, oldest first; equal dates keep the order journal, election,
    expert (a stable sort)."""
    election = case.data.election
    rows = _journal_rows(journal_entries)
    rows.append(TimelineRow(election.opens, msg("report.timeline.opens"), msg("report.timeline.from_case")))
    rows.append(TimelineRow(election.closes, msg("report.timeline.closes"), msg("report.timeline.from_case")))
    for box in getattr(case.data, "box", None) or []:  # a ballot box open over its own period
        if box.opens is not None:
            rows.append(TimelineRow(box.opens, msg("report.timeline.box_opens", name=box.name),
                                    msg("report.timeline.from_box", id=box.id)))
        if box.closes is not None:
            rows.append(TimelineRow(box.closes, msg("report.timeline.box_closes", name=box.name),
                                    msg("report.timeline.from_box", id=box.id)))
    hashes = {ref: sha256_file(path) for ref, path in event_evidence_files(case)}
    events: list[MissionEvent] = case.data.report.events
    rows.extend(TimelineRow(event.date, event.what, msg("report.timeline.from_expert"),
                            tuple(EventEvidence(ref, hashes[ref]) for ref in event.evidence))
                for event in events)
    return sorted(rows, key=lambda row: row.sort_key)
