"""Rules on the registers: the émargement list against the voters, the paper votes, the hours,
the board, and who holds the decryption-key parts.

Each rule names at most a few voter ids (the first ones, in file order): the report is read
by people who need to find the rows, not by people who should read the whole list. A rule
that needs a register that was not declared is "not applicable" when the case makes it
unnecessary, "manual" when the expert should provide it; one whose register could not be
read completely reports what the rows read show, and never passes.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from ..registers.observation import RegistersObservation
from ..registers.reader import Entry, RegisterRead
from ..results import Result, Status
from .registry import Rule

SHOWN = 5


def _named(values: list[str]) -> str:
    head = ", ".join(values[:SHOWN])
    return head + (f" … (+{len(values) - SHOWN})" if len(values) > SHOWN else "")


def _evidence(*registers: RegisterRead | None) -> tuple[str, ...]:
    return tuple(r.file for r in registers if r is not None)


def _unread(*registers: RegisterRead | None) -> str:
    return "; ".join(r.first_problem() for r in registers if r is not None and not r.complete)


def _missing(check_id: str, what: str) -> Result:
    return Result(check_id, Status.MANUAL, f"no {what} declared in [registers]: the expert must check this by hand "
                                           f"or declare the file", subject="registers")


def _verdict(check_id: str, bad: list[str], fail: str, ok: str, *registers: RegisterRead | None,
             details: dict | None = None) -> Result:
    """FAIL on any bad row read; PASS only when every register was read completely."""
    evidence = _evidence(*registers)
    details = dict(details or {})
    unread = _unread(*registers)
    if bad:
        details["count"] = len(bad)
        note = f" (registers not read completely: {unread})" if unread else ""
        return Result(check_id, Status.FAIL, f"{fail}: {_named(bad)}{note}", subject="registers",
                      evidence=evidence, details=details)
    if unread:
        return Result(check_id, Status.ERROR, f"could not test: {unread}", subject="registers", evidence=evidence,
                      details=details)
    return Result(check_id, Status.PASS, ok, subject="registers", evidence=evidence, details=details)


def emargement_voters_are_listed(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None or obs.voters is None:
        yield _missing("REG-001", "émargement list" if obs.emargement is None else "voter list")
        return
    listed = {e.voter_id for e in obs.voters.entries}
    unknown = [e.voter_id for e in obs.emargement.entries if e.voter_id not in listed]
    yield _verdict("REG-001", unknown, "émargement of voters absent from the voter list",
                   f"all {len(obs.emargement.entries)} émargement(s) are voters of the list of {len(listed)}",
                   obs.emargement, obs.voters)


def _twice(entries: list[Entry]) -> list[str]:
    counts = Counter(e.voter_id for e in entries)
    return [voter for voter, n in counts.items() if n > 1]


def no_double_emargement(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-002", "émargement list")
        return
    twice = _twice(obs.emargement.entries)
    yield _verdict("REG-002", twice, "voters signed more than once",
                   f"{len(obs.emargement.entries)} émargement(s), each voter once", obs.emargement)


def emargement_within_opening_hours(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-003", "émargement list")
        return
    outside = [f"{e.voter_id} at {e.time.isoformat()} (line {e.line})" for e in obs.emargement.entries
               if e.time is not None and not obs.opens <= e.time <= obs.closes]
    yield _verdict("REG-003", outside, f"émargement outside the opening hours ({obs.opens.isoformat()} – "
                                       f"{obs.closes.isoformat()})",
                   f"every émargement between {obs.opens.isoformat()} and {obs.closes.isoformat()}", obs.emargement)


def no_vote_on_paper_and_internet(obs: RegistersObservation) -> Iterator[Result]:
    if not obs.mixed_paper:
        yield Result("REG-004", Status.NOT_APPLICABLE, "no paper voting in this election ([election] mixed_paper)",
                     subject="registers")
        return
    if obs.emargement is None or obs.paper is None:
        yield _missing("REG-004", "émargement list" if obs.emargement is None else "paper-vote list")
        return
    on_paper = {e.voter_id for e in obs.paper.entries}
    both = sorted({e.voter_id for e in obs.emargement.entries if e.voter_id in on_paper})
    twice_on_paper = _twice(obs.paper.entries)
    bad = both + [f"{voter} (twice on paper)" for voter in twice_on_paper]
    yield _verdict("REG-004", bad, "voters who voted both on paper and by internet",
                   f"no voter among the {len(on_paper)} paper voters also voted by internet", obs.emargement, obs.paper)


def emargement_matches_the_board(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-005", "émargement list")
        return
    if obs.board is None:
        yield Result("REG-005", Status.MANUAL, "no board replay in the journal: compare the number of émargements "
                                               "with the ballots counted (or declare [board] and run the audit)",
                     subject="registers", evidence=_evidence(obs.emargement))
        return
    signed = len({e.voter_id for e in obs.emargement.entries})
    details = {"emargements": signed, "ballots_counted": obs.board.counted, "board": obs.board.source}
    evidence = _evidence(obs.emargement) + (obs.board.evidence,)
    if signed != obs.board.counted:
        gap = obs.board.counted - signed
        relation = f"{gap} ballot(s) without a voter signed" if gap > 0 else f"{-gap} voter(s) signed without a ballot"
        yield Result("REG-005", Status.FAIL,
                     f"the board counts {obs.board.counted} ballot(s) for {signed} voter(s) on the émargement list: "
                     f"{relation}" + ("" if obs.emargement.complete else
                                           f" (émargement not read completely: {_unread(obs.emargement)})"),
                     subject="registers", evidence=evidence, details=details)
    elif not obs.emargement.complete:
        yield Result("REG-005", Status.ERROR, f"could not test: {_unread(obs.emargement)}", subject="registers",
                     evidence=evidence, details=details)
    else:
        yield Result("REG-005", Status.PASS, f"{signed} voter(s) signed, {obs.board.counted} ballot(s) counted on the "
                                             f"replayed board", subject="registers", evidence=evidence, details=details)


def turnout_within_the_electorate(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-006", "émargement list")
        return
    listed = len({e.voter_id for e in obs.voters.entries}) if obs.voters is not None else 0
    electorate = listed or obs.electorate
    signed = len({e.voter_id for e in obs.emargement.entries})
    paper = len({e.voter_id for e in obs.paper.entries}) if obs.paper is not None else 0
    details = {"electorate": electorate, "internet": signed, "paper": paper}
    bad = [f"{signed + paper} voters for {electorate} registered"] if signed + paper > electorate else []
    yield _verdict("REG-006", bad, "more voters than registered voters",
                   f"{signed + paper} voter(s) for {electorate} registered "
                   f"(turnout {100 * (signed + paper) / electorate:.1f} %)" if electorate else "no electorate declared",
                   obs.emargement, obs.voters, obs.paper, details=details)


def key_parts_held_by_the_electoral_board(obs: RegistersObservation) -> Iterator[Result]:
    holders = [a for a in obs.actors if a.key_parts > 0]
    declared = sum(a.key_parts for a in holders)
    details: dict = {"holders": [{"name": a.name, "parts": a.key_parts} for a in holders], "declared_parts": declared}
    if obs.board is not None and obs.board.trustees is not None:
        details["board_trustees"] = obs.board.trustees
    if not holders:
        yield Result("REG-007", Status.MANUAL, "no actor declares a decryption-key part ([[actors]] key_parts): "
                                               "record who holds each trustee key", subject="actors",
                     evidence=(obs.case_file,), details=details)
        return
    bad: list[str] = []
    bad += [f"{a.name} (not a member of the electoral board)" for a in holders if not a.electoral_board]
    bad += [f"{a.name} (provider's staff)" for a in holders if a.provider_staff]
    bad += [f"{a.name} ({a.key_parts} parts)" for a in holders if a.key_parts > 1]
    if len(holders) < 2:
        bad.append(f"a single holder ({holders[0].name}): the secret is not shared")
    if obs.board is not None and obs.board.trustees is not None and obs.board.trustees != declared:
        bad.append(f"{declared} part(s) declared, {obs.board.trustees} trustee key(s) on the board")
    evidence = (obs.case_file,) + ((obs.board.evidence,) if obs.board is not None else ())
    if bad:
        yield Result("REG-007", Status.FAIL, f"decryption-key parts: {'; '.join(bad)}", subject="actors",
                     evidence=evidence, details=details)
    else:
        on_board = "" if "board_trustees" not in details else ", as many as the board's trustee keys"
        yield Result("REG-007", Status.PASS, f"{declared} decryption-key part(s), one each, held by {len(holders)} "
                                             f"members of the electoral board{on_board}", subject="actors",
                     evidence=evidence, details=details)


RULES = (
    Rule("REG-001", "registers", emargement_voters_are_listed),
    Rule("REG-002", "registers", no_double_emargement),
    Rule("REG-003", "registers", emargement_within_opening_hours),
    Rule("REG-004", "registers", no_vote_on_paper_and_internet),
    Rule("REG-005", "registers", emargement_matches_the_board),
    Rule("REG-006", "registers", turnout_within_the_electorate),
    Rule("REG-007", "registers", key_parts_held_by_the_electoral_board),
)
