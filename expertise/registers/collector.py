"""The registers cross-checked: from a case's ``[registers]`` (journaled) or from files named on the
command line, one service for ``expertise registers check`` and ``expertise audit`` alike.

The registers hold personal data (who voted, when). The report body and the journaled results
name rows (line, Excel row) and counts, never a voter; the ids as written go to the JSON the
expert asks for (``--json OUT``) and, in a case, to a restricted annex outside the evidence folder;
the evidence copy of the findings is pseudonymised with a keyed hash (:mod:`.evidence`) unless the
expert asks otherwise. The journal records the SHA-256 of each register as read, which is what
proves later which version was examined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

from .. import catalogue as catalogue_mod
from .. import journal
from ..case import Actor, Case
from ..domain import evaluate
from ..errors import UsageError
from ..i18n import Message, msg
from ..journal import ResultSet
from ..results import with_box
from .crosscheck import cross_check
from .observation import BoardCount, RegisterRead, RegistersObservation, instant
from .reader import read_register
from .rules import RULES

PRODUCER = "registers"
SOURCE = "registers"
LABELS = ("voters", "emargement", "paper_votes")


@dataclass
class Settings:
    """How to read the registers and what to judge them against, from the case or the command line.

    ``files`` and ``cited`` are by [registers] key; ``columns`` by key then field (``--column``)."""

    files: dict[str, Path]
    cited: dict[str, str]
    opens: datetime
    closes: datetime
    zone: str | None = None
    zone_option: str = "--timezone"
    encodings: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    grace_minutes: int = 0
    mixed_paper: bool | None = False  # None: unanswered in case.toml (REG-004 and REG-008 cannot be made)
    electorate: int = 0
    board: BoardCount | None = None
    pseudonymise: bool = True
    declared_in: dict[str, str] = field(default_factory=dict)  # key → the path as written in case.toml
    board_declared: bool = False  # the case declares [board]: its electorate is expected (REG-011)


def declared(case: Case) -> bool:
    """Whether the case gives the registers anything to check."""
    return case.data.registers is not None or any(a.key_parts for a in case.data.actors)


def _cited(case: Case, path: Path) -> str:
    try:
        return path.resolve().relative_to(case.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def latest_board_count(case: Case) -> BoardCount | None:
    """The newest completed board replay of the journal, if it counted anything."""
    found: BoardCount | None = None
    for entry, result_set in journal.latest_result_sets(case.root):
        summary = result_set.summary or {}
        if result_set.producer != "board" or summary.get("kind") != "verify" or result_set.box != case.box_id:
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


def stated_board(ballots: int, option: str = "--board-ballots") -> BoardCount:
    """Ballots counted as the expert states them (from the tally minutes), when no replay is at hand."""
    return BoardCount(counted=ballots, trustees=None, source=option, evidence="", verdict="")


def replayed_board(path: Path) -> BoardCount:
    """Ballots counted by replaying a board file now (``--board BOARD``)."""
    from ..board.verify import verify_board

    verification = verify_board(path)
    counted = verification.steps["revotes"].counts.get("counted", 0)
    return BoardCount(counted=int(counted), trustees=None, source=f"board:{path}", evidence=str(path),
                      verdict="")


def case_settings(case: Case, *, overrides: Mapping[str, Any] | None = None) -> Settings:
    """What the case declares ([registers], [election]), with the command line's options over it."""
    config = case.data.registers
    election = case.data.election
    more = dict(overrides or {})
    files: dict[str, Path] = {}
    cited: dict[str, str] = {}
    written: dict[str, str] = {}
    for label in LABELS:
        given = more.get("files", {}).get(label)
        declared_path = getattr(config, label, "") if config is not None else ""
        if given:
            files[label], cited[label] = Path(given), _cited(case, Path(given).absolute())
        elif declared_path:
            files[label] = case.resolve(declared_path)
            cited[label], written[label] = _cited(case, files[label]), declared_path
    columns: dict[str, dict[str, str]] = {}
    if config is not None:
        from .reader import column_options, role_options

        if config.id_column:
            for label in LABELS:
                columns.setdefault(label, {})["voter_id"] = config.id_column
        if config.time_column:
            columns.setdefault("emargement", {})["voted_at"] = config.time_column
        for label, fields in column_options(config.columns, "registers.columns").items():
            columns.setdefault(label, {}).update(fields)
        encodings = role_options(config.encodings, "registers.encodings")
        sheets = role_options(config.sheets, "registers.sheets")
    else:
        encodings, sheets = {}, {}
    for label, fields in more.get("columns", {}).items():
        columns.setdefault(label, {}).update(fields)
    encodings.update(more.get("encodings", {}))
    sheets.update(more.get("sheets", {}))
    zone = more.get("zone") or election.timezone or None
    zone_option = "--timezone" if more.get("zone") else "election.timezone"
    grace = more.get("grace_minutes")
    board: BoardCount | None = more.get("board")
    if board is None and config is not None and config.board_ballots is not None:
        board = stated_board(config.board_ballots, "registers.board_ballots")
    if board is None:
        board = latest_board_count(case)
    pseudonymise = more.get("pseudonymise")
    return Settings(files=files, cited=cited, opens=more.get("opens") or election.opens,
                    closes=more.get("closes") or election.closes, zone=zone,
                    zone_option=zone_option if zone else "--timezone / election.timezone", encodings=encodings,
                    sheets=sheets,
                    columns=columns,
                    grace_minutes=grace if grace is not None else (config.grace_minutes if config else 0),
                    mixed_paper=True if "paper_votes" in files else election.mixed_paper,
                    electorate=election.electorate,
                    board=board,
                    pseudonymise=pseudonymise if pseudonymise is not None else (config.pseudonymise if config else True),
                    declared_in=written, board_declared=getattr(case.data, "board", None) is not None)


def observe(settings: Settings, *, actors: Sequence[Actor] = (), case_file: str = "") -> RegistersObservation:
    reads: dict[str, RegisterRead | None] = {}
    for label in LABELS:
        path = settings.files.get(label)
        reads[label] = None if path is None else read_register(
            path, label=label, cited_as=settings.cited.get(label, str(path)), zone=settings.zone,
            zone_option=settings.zone_option, encoding=settings.encodings.get(label),
            sheet=settings.sheets.get(label), overrides=settings.columns.get(label))
    cross = cross_check(reads["voters"], reads["emargement"], reads["paper_votes"], opens=settings.opens,
                        closes=settings.closes, grace_minutes=settings.grace_minutes,
                        mixed_paper=bool(settings.mixed_paper), board=settings.board)
    return RegistersObservation(voters=reads["voters"], emargement=reads["emargement"], paper=reads["paper_votes"],
                                mixed_paper=settings.mixed_paper, opens=settings.opens, closes=settings.closes,
                                grace_minutes=settings.grace_minutes, electorate=settings.electorate,
                                board=settings.board, actors=tuple(actors), case_file=case_file or "case.toml",
                                cross=cross, board_declared=settings.board_declared)


def summary(obs: RegistersObservation) -> dict[str, Any]:
    """What the report's chapter shows: counts, hashes, how each file was read — no voter."""
    def register(read: RegisterRead | None) -> dict[str, Any] | None:
        if read is None:
            return None
        return {"file": read.file, "sha256": read.sha256, "size": read.size, "rows": len(read.ids),
                "distinct": len(set(read.ids)), "complete": read.complete,
                "unread": read.unread.to_dict() if read.unread else None, "kind": read.kind,
                "encoding": read.encoding, "encoding_detected": read.encoding_detected,
                "columns": list(read.columns), "formula_rows": len(read.formula_lines)}

    stamps = obs.emargement.stamps if obs.emargement is not None else None
    span = (instant(min(stamps)), instant(max(stamps))) if stamps else None
    return {
        "voters": register(obs.voters),
        "emargement": register(obs.emargement),
        "paper_votes": register(obs.paper),
        "mixed_paper": obs.mixed_paper,
        "electorate": obs.electorate,
        "opens": obs.opens.isoformat(),
        "closes": obs.closes.isoformat(),
        "grace_minutes": obs.grace_minutes,
        "first_emargement": span[0].isoformat() if span else None,
        "last_emargement": span[1].isoformat() if span else None,
        "emargements_by_day": _by_day(obs),
        "counts": obs.cross.counts.model_dump(),
        "board": None if obs.board is None else {"counted": obs.board.counted, "trustees": obs.board.trustees,
                                                  "source": obs.board.source, "verdict": obs.board.verdict},
        "key_holders": [{"name": a.name, "role": a.role, "parts": a.key_parts, "electoral_board": a.electoral_board,
                         "provider_staff": a.provider_staff} for a in obs.actors if a.key_parts],
    }


def _by_day(obs: RegistersObservation) -> list[list[Any]]:
    """Émargements per day in the election's own time zone (the picture of turnout over the vote)."""
    if obs.emargement is None:
        return []
    import pandas as pd

    if not obs.emargement.stamps:
        return []
    local = pd.DatetimeIndex(pd.to_datetime(list(obs.emargement.stamps), unit="ns", utc=True))
    days = pd.Series(local.tz_convert(obs.opens.tzinfo).strftime("%Y-%m-%d")).value_counts()  # vectorised
    return [[day, int(days[day])] for day in sorted(days.index)]


def unreadable(settings: Settings, obs: RegistersObservation, case_file: str = "") -> Message | None:
    """What kept a register from being read, file, line and field named (with the ``[registers]``
    entry that declares it, in a case); None when every register was read whole."""
    reasons: list[Any] = []
    for read in (obs.voters, obs.emargement, obs.paper):
        if read is not None and read.unread is not None:
            written = settings.declared_in.get(read.label)
            reasons.append(msg("registers.unread.declared_in", reason=read.unread, key=read.label, declared=written,
                               case_file=case_file) if written else read.unread)
    return msg("registers.error.not_read_completely", reasons=reasons) if reasons else None


@dataclass(frozen=True)
class Checked:
    """What one check of the registers gives: the results, the observation (for the JSON evidence),
    and why a register could not be read (the command exits 2 with it, the audit marks the
    collector failed with it)."""

    result_set: ResultSet
    observation: RegistersObservation
    unreadable: Message | None
    annex: Path | None = None


def check_files(settings: Settings) -> Checked:
    """Registers named on the command line, outside a case: nothing journaled."""
    obs = observe(settings)
    results = evaluate(RULES, obs, catalogue_mod.load())
    return Checked(ResultSet(SOURCE, PRODUCER, results, summary=summary(obs)), obs, unreadable(settings, obs))


def check(case: Case, argv: Sequence[str], overrides: Mapping[str, Any] | None = None) -> Checked:
    """The one orchestration in a case: read, evaluate, journal (also when a register was not read
    whole: "could not test"), the pseudonymised evidence and the restricted annex."""
    from .evidence import restricted_annex, store_pseudonymised

    settings = case_settings(case, overrides=overrides)
    case_file = _cited(case, case.file)
    obs = observe(settings, actors=case.data.actors, case_file=case_file)
    results = with_box(evaluate(RULES, obs, catalogue_mod.load()), case.box_id)
    result_set = ResultSet(f"{SOURCE}@{case.box_id}" if case.box_id else SOURCE, PRODUCER, results,
                           summary=summary(obs), box=case.box_id)
    annex = None
    with journal.operation(case.root, "registers", argv) as op:
        if case.box_id:
            op.notes["box"] = case.box_id  # the ballot box this operation read
        for read in (obs.voters, obs.emargement, obs.paper):
            if read is not None and read.sha256:
                op.add_input(settings.files[read.label], sha256=read.sha256, label=f"register-{read.label}")
        op.add_input(case.file, label="case")
        store_pseudonymised(op, case.root, obs, identities=not settings.pseudonymise)
        annex = restricted_annex(case.root, op.name, obs)
        op.add_results(result_set)
    return Checked(result_set, obs, unreadable(settings, obs, str(case.file)), annex)


def collect(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    checked = check(case, argv)
    if checked.unreadable is not None:  # journaled above ("could not test"); the audit names the file to re-export
        raise UsageError(checked.unreadable)
    return [checked.result_set]
