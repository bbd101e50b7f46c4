"""Rules on the registers: the émargement list against the voters, the paper votes, the hours,
the board, and who holds the decryption-key parts.

Each rule names at most a few voter ids (the first ones, in file order): the report is read
by people who need to find the rows, not by people who should read the whole list. A rule
that needs a register that was not declared is "not applicable" when the case makes it
unnecessary, "manual" when the expert should provide it; one whose register could not be
read completely reports what the rows read prove, never passes, and is "could not test" when
its finding would depend on the rows not read (docs/registers.md says which, check by check).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterator

from ..domain import Rule
from ..i18n import Arg, Message, msg
from ..results import Result, Status
from .observation import Entry, RegisterRead, RegistersObservation

SHOWN = 5

# What a register is called, for "no … declared".
_ROLE = {
    "emargement": msg("registers.role.emargement"),
    "voters": msg("registers.role.voters"),
    "paper": msg("registers.role.paper_votes"),
}


def _named(values: list[Arg]) -> Arg:
    """The first few of the anomalies, and how many more."""
    if len(values) > SHOWN:
        return msg("registers.named.more", names=values[:SHOWN], count=len(values) - SHOWN)
    return values


def _evidence(*registers: RegisterRead | None) -> tuple[str, ...]:
    return tuple(r.file for r in registers if r is not None)


def _subject(*registers: RegisterRead | None) -> str:
    """The first register file read: the reader of the findings sees which file to open."""
    return next((r.file for r in registers if r is not None), "registers")


def _unread(*registers: RegisterRead | None) -> list[Arg]:
    return [r.unread for r in registers if r is not None and r.unread is not None]


def _missing(check_id: str, what: str) -> Result:
    return Result(check_id, Status.MANUAL, msg("registers.not_declared", register=_ROLE[what]), subject="registers")


def _verdict(check_id: str, bad: list[Arg], fail: Any, ok: Message, *registers: RegisterRead | None,
             details: dict[str, Any] | None = None, whole: tuple[RegisterRead | None, ...] = ()) -> Result:
    """FAIL on any bad row read; PASS only when every register was read completely.

    ``fail`` makes the failure's message from the anomalies named. ``whole`` are the registers a
    failure's proof needs entirely (an absence from the voter list is proven only by the whole list):
    when one of them was not read completely, the check could not be tested, whatever the rows read
    show. The others prove their anomalies row by row, so a failure stands on the rows read."""
    evidence = _evidence(*registers)
    subject = _subject(*registers)
    details = dict(details or {})
    unread = _unread(*registers)
    if bad and _unread(*whole):
        return Result(check_id, Status.ERROR, msg("registers.could_not_test", reasons=unread), subject=subject,
                      evidence=evidence, details=details)
    if bad:
        details["count"] = len(bad)
        finding = fail(_named(bad))
        if unread:
            finding = msg("registers.partly_read", finding=finding, reasons=unread)
        return Result(check_id, Status.FAIL, finding, subject=subject, evidence=evidence, details=details)
    if unread:
        return Result(check_id, Status.ERROR, msg("registers.could_not_test", reasons=unread), subject=subject,
                      evidence=evidence, details=details)
    return Result(check_id, Status.PASS, ok, subject=subject, evidence=evidence, details=details)


def emargement_voters_are_listed(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None or obs.voters is None:
        yield _missing("REG-001", "emargement" if obs.emargement is None else "voters")
        return
    listed = {e.voter_id for e in obs.voters.entries}
    unknown: list[Arg] = [e.voter_id for e in obs.emargement.entries if e.voter_id not in listed]
    yield _verdict("REG-001", unknown, lambda names: msg("registers.reg_001.fail", names=names),
                   msg("registers.reg_001.pass", count=len(obs.emargement.entries),
                       registered=msg("registers.count.registered", count=len(listed))),
                   obs.emargement, obs.voters, whole=(obs.voters,))


def _twice(entries: tuple[Entry, ...]) -> list[str]:
    counts = Counter(e.voter_id for e in entries)
    return [voter for voter, n in counts.items() if n > 1]


def no_double_emargement(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-002", "emargement")
        return
    twice: list[Arg] = list(_twice(obs.emargement.entries))
    yield _verdict("REG-002", twice, lambda names: msg("registers.reg_002.fail", names=names),
                   msg("registers.reg_002.pass", count=len(obs.emargement.entries)), obs.emargement)


def emargement_within_opening_hours(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-003", "emargement")
        return
    outside: list[Arg] = [msg("registers.reg_003.signed_at", voter=e.voter_id, time=e.time.isoformat(), line=e.line)
                          for e in obs.emargement.entries
                          if e.time is not None and not obs.opens <= e.time <= obs.closes]
    opens, closes = obs.opens.isoformat(), obs.closes.isoformat()
    yield _verdict("REG-003", outside,
                   lambda names: msg("registers.reg_003.fail", opens=opens, closes=closes, names=names),
                   msg("registers.reg_003.pass", opens=opens, closes=closes), obs.emargement)


def no_vote_on_paper_and_internet(obs: RegistersObservation) -> Iterator[Result]:
    if obs.mixed_paper is None and obs.paper is None:  # nothing declared for the expert (ev-declared)
        yield Result("REG-004", Status.ERROR, msg("registers.reg_004.unanswered", field="election.mixed_paper"),
                     subject="registers")
        return
    if obs.mixed_paper is False:
        yield Result("REG-004", Status.NOT_APPLICABLE, msg("registers.reg_004.not_applicable"), subject="registers")
        return
    if obs.emargement is None or obs.paper is None:
        yield _missing("REG-004", "emargement" if obs.emargement is None else "paper")
        return
    on_paper = {e.voter_id for e in obs.paper.entries}
    bad: list[Arg] = sorted({e.voter_id for e in obs.emargement.entries if e.voter_id in on_paper})
    bad += [msg("registers.reg_004.twice_on_paper", voter=voter) for voter in _twice(obs.paper.entries)]
    yield _verdict("REG-004", bad, lambda names: msg("registers.reg_004.fail", names=names),
                   msg("registers.reg_004.pass", count=len(on_paper)), obs.emargement, obs.paper)


def emargement_matches_the_board(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-005", "emargement")
        return
    subject = obs.emargement.file
    if obs.board is None:
        yield Result("REG-005", Status.MANUAL, msg("registers.reg_005.no_board"), subject=subject,
                     evidence=_evidence(obs.emargement))
        return
    signed = len({e.voter_id for e in obs.emargement.entries})
    counted = obs.board.counted
    details = {"emargements": signed, "ballots_counted": counted, "board": obs.board.source}
    evidence = _evidence(obs.emargement) + (obs.board.evidence,)
    unread = _unread(obs.emargement)
    # Rows not read can only add voters signed: with some unread, fewer voters than ballots proves
    # nothing, more voters than ballots stays proven.
    if signed > counted or (signed < counted and not unread):
        gap = counted - signed
        relation = (msg("registers.reg_005.ballots_without_voter", count=gap) if gap > 0
                    else msg("registers.reg_005.voters_without_ballot", count=-gap))
        finding = msg("registers.reg_005.fail", count=counted, voters=msg("registers.count.voters", count=signed),
                      relation=relation)
        if unread:
            finding = msg("registers.partly_read", finding=finding, reasons=unread)
        yield Result("REG-005", Status.FAIL, finding, subject=subject, evidence=evidence, details=details)
    elif unread:
        yield Result("REG-005", Status.ERROR, msg("registers.could_not_test", reasons=unread), subject=subject,
                     evidence=evidence, details=details)
    else:
        yield Result("REG-005", Status.PASS,
                     msg("registers.reg_005.pass", count=signed, ballots=msg("registers.count.ballots", count=counted)),
                     subject=subject, evidence=evidence, details=details)


def turnout_within_the_electorate(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-006", "emargement")
        return
    listed = len({e.voter_id for e in obs.voters.entries}) if obs.voters is not None else 0
    electorate = listed or obs.electorate
    signed = len({e.voter_id for e in obs.emargement.entries})
    paper = len({e.voter_id for e in obs.paper.entries}) if obs.paper is not None else 0
    voted = signed + paper
    details = {"electorate": electorate, "internet": signed, "paper": paper}
    bad: list[Arg] = [msg("registers.reg_006.voters_for_registered", voters=voted, count=electorate)] \
        if voted > electorate else []
    if electorate:
        ok = msg("registers.reg_006.pass", count=voted, registered=msg("registers.count.registered", count=electorate),
                 turnout=100 * voted / electorate)
    else:
        ok = msg("registers.reg_006.no_electorate")
    yield _verdict("REG-006", bad, lambda names: msg("registers.reg_006.fail", names=names), ok,
                   obs.emargement, obs.voters, obs.paper, details=details, whole=(obs.voters,))


def key_parts_held_by_the_electoral_board(obs: RegistersObservation) -> Iterator[Result]:
    holders = [a for a in obs.actors if a.key_parts > 0]
    declared = sum(a.key_parts for a in holders)
    details: dict[str, Any] = {"holders": [{"name": a.name, "parts": a.key_parts} for a in holders],
                               "declared_parts": declared}
    if obs.board is not None and obs.board.trustees is not None:
        details["board_trustees"] = obs.board.trustees
    if not holders:
        yield Result("REG-007", Status.MANUAL, msg("registers.reg_007.no_holder"), subject="actors",
                     evidence=(obs.case_file,), details=details)
        return
    bad: list[Arg] = []
    bad += [msg("registers.reg_007.not_board_member", name=a.name) for a in holders if not a.electoral_board]
    bad += [msg("registers.reg_007.provider_staff", name=a.name) for a in holders if a.provider_staff]
    bad += [msg("registers.reg_007.several_parts", name=a.name, count=a.key_parts) for a in holders if a.key_parts > 1]
    if len(holders) < 2:
        bad.append(msg("registers.reg_007.single_holder", name=holders[0].name))
    if obs.board is not None and obs.board.trustees is not None and obs.board.trustees != declared:
        bad.append(msg("registers.reg_007.parts_and_trustees", count=declared,
                       trustees=msg("registers.count.trustee_keys", count=obs.board.trustees)))
    evidence = (obs.case_file,) + ((obs.board.evidence,) if obs.board is not None else ())
    if bad:
        yield Result("REG-007", Status.FAIL, msg("registers.reg_007.fail", problems=bad), subject="actors",
                     evidence=evidence, details=details)
        return
    members = msg("registers.count.members", count=len(holders))
    passed = (msg("registers.reg_007.pass_as_on_board", count=declared, members=members)
              if "board_trustees" in details else msg("registers.reg_007.pass", count=declared, members=members))
    yield Result("REG-007", Status.PASS, passed, subject="actors", evidence=evidence, details=details)


def one_electorate(obs: RegistersObservation) -> Iterator[Result]:
    """The electorate three ways: the voter list, the case's declaration, the board's credentials.

    Each comparison is made only on what was read: a list not read completely, or a board not
    replayed, leaves its comparison untested — never a difference built on missing input."""
    if obs.voters is None:
        yield _missing("REG-008", "voters")
        return
    if obs.voters.unread is not None:
        yield Result("REG-008", Status.ERROR, msg("registers.could_not_test", reasons=[obs.voters.unread]),
                     subject=obs.voters.file, evidence=(obs.voters.file,))
        return
    listed = len({e.voter_id for e in obs.voters.entries})
    credentials = obs.board.credentials if obs.board is not None else None
    details: dict[str, Any] = {"listed": listed, "declared": obs.electorate, "board_credentials": credentials}
    evidence = (obs.voters.file, obs.case_file) + ((obs.board.evidence,) if obs.board is not None else ())
    bad: list[Arg] = []
    if listed != obs.electorate:
        bad.append(msg("registers.reg_008.declared", count=obs.electorate))
    if credentials is not None and credentials != listed:
        bad.append(msg("registers.reg_008.credentials", count=credentials))
    if bad:
        yield Result("REG-008", Status.FAIL, msg("registers.reg_008.fail", count=listed, differences=bad),
                     subject=obs.voters.file, evidence=evidence, details=details)
    elif credentials is None and obs.board_declared:
        yield Result("REG-008", Status.ERROR, msg("registers.reg_008.board_not_counted", count=listed),
                     subject=obs.voters.file, evidence=evidence, details=details)
    elif credentials is None:
        yield Result("REG-008", Status.PASS, msg("registers.reg_008.pass_declared", count=listed),
                     subject=obs.voters.file, evidence=evidence, details=details)
    else:
        yield Result("REG-008", Status.PASS, msg("registers.reg_008.pass", count=listed),
                     subject=obs.voters.file, evidence=evidence, details=details)


RULES = (
    Rule("REG-001", emargement_voters_are_listed),
    Rule("REG-002", no_double_emargement),
    Rule("REG-003", emargement_within_opening_hours),
    Rule("REG-004", no_vote_on_paper_and_internet),
    Rule("REG-005", emargement_matches_the_board),
    Rule("REG-006", turnout_within_the_electorate),
    Rule("REG-007", key_parts_held_by_the_electoral_board),
    Rule("REG-008", one_electorate),
)
