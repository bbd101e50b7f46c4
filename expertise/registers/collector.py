"""The registers in a case: read what `[registers]` declares, cross-check, journal.

The registers hold personal data (who voted, when): they stay where the organiser's files
are, in the case, and the journal records the SHA-256 of each as read, which is what
proves later which version was examined. No copy goes to the evidence folder; results
name only the first few voter ids of an anomaly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .. import catalogue as catalogue_mod
from .. import journal
from ..domain import evaluate
from .rules import RULES
from ..case import Case
from ..errors import UsageError
from ..i18n import Message, msg
from ..journal import ResultSet
from .observation import BoardCount, RegisterRead, RegistersObservation
from .reader import read_register

PRODUCER = "registers"
SOURCE = "registers"


def declared(case: Case) -> bool:
    """Whether the case gives the registers anything to check."""
    return case.data.registers is not None or any(a.key_parts for a in case.data.actors)


def _cited(case: Case, path: Path) -> str:
    try:
        return path.resolve().relative_to(case.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _read(case: Case, declared_path: str, label: str, *, timed: bool = False) -> RegisterRead | None:
    if not declared_path:
        return None
    config = case.data.registers
    assert config is not None
    path = case.resolve(declared_path)
    return read_register(path, label=label, cited_as=_cited(case, path), id_column=config.id_column,
                         time_column=config.time_column if timed else None)


def latest_board_count(case: Case) -> BoardCount | None:
    """The newest completed board replay of the journal, if it counted anything."""
    found: BoardCount | None = None
    for entry, result_set in journal.latest_result_sets(case.root):
        summary = result_set.summary or {}
        if result_set.producer != "board" or summary.get("kind") != "verify":
            continue
        counted = (summary.get("counts") or {}).get("counted")
        if not isinstance(counted, int):
            continue
        trustees_info = (summary.get("election") or {}).get("trustees") or {}
        trustees = None
        if isinstance(trustees_info.get("singles"), int):
            trustees = trustees_info["singles"] + sum(int(g.get("members", 0)) for g in trustees_info.get("pedersen", []))
        results_file = next((m["file"] for m in entry.get("results", []) if m.get("source") == result_set.source), "")
        credentials = (summary.get("counts") or {}).get("credentials")
        found = BoardCount(counted=counted, trustees=trustees, source=result_set.source, evidence=results_file,
                           verdict=str(summary.get("verdict", "")),
                           credentials=credentials if isinstance(credentials, int) and credentials > 0 else None)
    return found


def observe(case: Case) -> RegistersObservation:
    config = case.data.registers
    election = case.data.election
    voters = emargement = paper = None
    if config is not None:
        voters = _read(case, config.voters, "voters")
        emargement = _read(case, config.emargement, "emargement", timed=True)
        paper = _read(case, config.paper_votes, "paper_votes")
    return RegistersObservation(voters=voters, emargement=emargement, paper=paper, mixed_paper=election.mixed_paper,
                                opens=election.opens, closes=election.closes, electorate=election.electorate,
                                board=latest_board_count(case), actors=tuple(case.data.actors),
                                case_file=_cited(case, case.file),
                                board_declared=getattr(case.data, "board", None) is not None)


def summary(obs: RegistersObservation) -> dict[str, Any]:
    def register(read: RegisterRead | None) -> dict[str, Any] | None:
        if read is None:
            return None
        return {"file": read.file, "sha256": read.sha256, "size": read.size, "rows": len(read.entries),
                "distinct": len({e.voter_id for e in read.entries}), "complete": read.complete,
                "unread": read.unread.to_dict() if read.unread else None,
                "problems": [p.message.to_dict() for p in read.problems], "problems_total": read.problems_total}

    times = sorted(e.time for e in obs.emargement.entries if e.time) if obs.emargement else []
    return {
        "voters": register(obs.voters),
        "emargement": register(obs.emargement),
        "paper_votes": register(obs.paper),
        "mixed_paper": obs.mixed_paper,
        "electorate": obs.electorate,
        "opens": obs.opens.isoformat(),
        "closes": obs.closes.isoformat(),
        "first_emargement": times[0].isoformat() if times else None,
        "last_emargement": times[-1].isoformat() if times else None,
        "emargements_by_day": _by_day(obs),
        "board": None if obs.board is None else {"counted": obs.board.counted, "trustees": obs.board.trustees,
                                                  "source": obs.board.source, "verdict": obs.board.verdict},
        "key_holders": [{"name": a.name, "role": a.role, "parts": a.key_parts, "electoral_board": a.electoral_board,
                         "provider_staff": a.provider_staff} for a in obs.actors if a.key_parts],
    }


def _by_day(obs: RegistersObservation) -> list[list[Any]]:
    """Émargements per day in the election's own time zone (the picture of turnout over the vote)."""
    if obs.emargement is None:
        return []
    zone = obs.opens.tzinfo
    days: dict[str, int] = {}
    for entry in obs.emargement.entries:
        if entry.time is not None:
            day = entry.time.astimezone(zone).date().isoformat()
            days[day] = days.get(day, 0) + 1
    return [[day, days[day]] for day in sorted(days)]


def unreadable(case: Case, obs: RegistersObservation) -> Message | None:
    """What kept a declared register from being read completely, file, line and field named, with
    the ``[registers]`` entry that declares the file (None when every register was read whole):
    the expert must have the file re-exported."""
    reasons: list[Message] = []
    for read in (obs.voters, obs.emargement, obs.paper):
        if read is not None and read.unread is not None:
            declared_as = getattr(case.data.registers, read.label, "")
            reasons.append(msg("registers.unread.declared_in", reason=read.unread, key=read.label,
                               declared=declared_as, case_file=str(case.file)))
    return msg("registers.error.not_read_completely", reasons=reasons) if reasons else None


@dataclass(frozen=True)
class Checked:
    """What one check of the registers gives: the journaled results, and why a register could not
    be read whole (the command exits 2 with it, the audit marks the collector failed with it)."""

    result_set: ResultSet
    unreadable: Message | None


def check(case: Case, argv: Sequence[str]) -> Checked:
    """The one orchestration, for ``expertise registers check`` and ``expertise audit`` alike:
    read, evaluate, journal (also when a register was not read whole: "could not test")."""
    obs = observe(case)
    results = evaluate(RULES, obs, catalogue_mod.load())
    result_set = ResultSet(SOURCE, PRODUCER, results, summary=summary(obs))
    with journal.operation(case.root, "registers", argv) as op:
        for read in (obs.voters, obs.emargement, obs.paper):
            if read is not None and read.sha256:
                op.add_input(case.root / read.file, sha256=read.sha256, label=f"register-{read.label}")
        op.add_input(case.file, label="case")
        op.add_results(result_set)
    return Checked(result_set, unreadable(case, obs))


def collect(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    checked = check(case, argv)
    if checked.unreadable is not None:  # journaled above ("could not test"); the audit names the file to re-export
        raise UsageError(checked.unreadable)
    return [checked.result_set]
