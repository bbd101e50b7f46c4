"""Rules on the registers: the émargement list against the voters, the paper votes, the hours,
the board, what the electoral list holds, and who holds the decryption-key parts.

Voter identities never appear in a result's message (the report body): a rule names the rows of
the file (line or Excel row) and counts; the ids, as written, go only to the JSON evidence and the
restricted annex (:mod:`expertise.registers.evidence`). A rule that needs a register that was not
declared is "not applicable" when the case makes it unnecessary, "manual" when the expert should
provide it; one whose register could not be read is "could not test", the file, line and field
named — never a pass, never a failure built on a file that was not read.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, Iterable, Iterator

from ..domain import Rule
from ..i18n import Arg, Message, msg
from ..results import Result, Status
from .observation import Flagged, RegisterRead, RegistersObservation, Repeated

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


def _lines(rows: Iterable[Flagged | Repeated]) -> Arg:
    """Where the flagged rows are (lines, Excel rows), never whose they are."""
    found: list[Arg] = []
    for row in rows:
        found.append(str(row.line) if isinstance(row, Flagged) else "+".join(str(n) for n in row.lines))
    return _named(found)


def _evidence(*registers: RegisterRead | None) -> tuple[str, ...]:
    return tuple(r.file for r in registers if r is not None)


def _subject(*registers: RegisterRead | None) -> str:
    """The first register file read: the reader of the findings sees which file to open."""
    return next((r.file for r in registers if r is not None), "registers")


def _missing(check_id: str, what: str) -> Result:
    return Result(check_id, Status.MANUAL, msg("registers.not_declared", register=_ROLE[what]), subject="registers")


def _unreadable(check_id: str, *registers: RegisterRead | None) -> Result | None:
    """"Could not test" when a register the check needs was not read, its reason named."""
    reasons: list[Arg] = [r.unread for r in registers if r is not None and r.unread is not None]
    if not reasons:
        return None
    return Result(check_id, Status.ERROR, msg("registers.could_not_test", reasons=reasons),
                  subject=_subject(*registers), evidence=_evidence(*registers))


def _before(check_id: str, *needed: tuple[RegisterRead | None, str]) -> Result | None:
    """What a check says before judging: a register not declared (manual), or not read (could not
    test); None when every register it needs is there, read whole."""
    for register, name in needed:
        if register is None:
            return _missing(check_id, name)
    return _unreadable(check_id, *(register for register, _ in needed))


def _verdict(check_id: str, bad: list[Any], fail: Message, ok: Message, *registers: RegisterRead | None,
             details: dict[str, Any] | None = None) -> Result:
    details = {**(details or {}), "count": len(bad)}
    status = Status.FAIL if bad else Status.PASS
    return Result(check_id, status, fail if bad else ok, subject=_subject(*registers), evidence=_evidence(*registers),
                  details=details)


def _local(obs: RegistersObservation, when: datetime | None) -> str:
    """A time as the election's clock shows it (the zone of its opening), ISO 8601 with the offset."""
    return when.astimezone(obs.opens.tzinfo).isoformat() if when is not None else ""


def emargement_voters_are_listed(obs: RegistersObservation) -> Iterator[Result]:
    early = _before("REG-001", (obs.emargement, "emargement"), (obs.voters, "voters"))
    if early is not None:
        yield early
        return
    assert obs.emargement is not None
    bad = list(obs.cross.not_on_list or ())
    yield _verdict("REG-001", bad, msg("registers.reg_001.fail", count=len(bad), lines=_lines(bad),
                                       file=obs.emargement.file),
                   msg("registers.reg_001.pass", count=len(obs.emargement.ids),
                       registered=msg("registers.count.registered", count=obs.cross.counts.voters_listed or 0)),
                   obs.emargement, obs.voters)


def no_double_emargement(obs: RegistersObservation) -> Iterator[Result]:
    early = _before("REG-002", (obs.emargement, "emargement"))
    if early is not None:
        yield early
        return
    assert obs.emargement is not None
    twice = list(obs.cross.duplicates or ())
    yield _verdict("REG-002", twice, msg("registers.reg_002.fail", count=len(twice), lines=_lines(twice),
                                         file=obs.emargement.file),
                   msg("registers.reg_002.pass", count=len(obs.emargement.ids)), obs.emargement)


def emargement_within_opening_hours(obs: RegistersObservation) -> Iterator[Result]:
    early = _before("REG-003", (obs.emargement, "emargement"))
    if early is not None:
        yield early
        return
    assert obs.emargement is not None
    outside = list(obs.cross.out_of_hours or ())
    named: list[Arg] = [msg("registers.reg_003.signed_at", time=_local(obs, e.time), line=e.line)
                        for e in outside[:SHOWN]]
    if len(outside) > SHOWN:
        named = [msg("registers.named.more", names=named, count=len(outside) - SHOWN)]
    opens, closes = obs.opens.isoformat(), obs.closes.isoformat()
    window = (msg("registers.reg_003.window_grace", opens=opens, closes=closes, count=obs.grace_minutes)
              if obs.grace_minutes else msg("registers.reg_003.window", opens=opens, closes=closes))
    yield _verdict("REG-003", outside, msg("registers.reg_003.fail", count=len(outside), window=window, names=named,
                                           file=obs.emargement.file),
                   msg("registers.reg_003.pass", window=window), obs.emargement,
                   details={"grace_minutes": obs.grace_minutes})


def _paper_check(check_id: str, obs: RegistersObservation, other: RegisterRead | None, other_name: str) -> Result | None:
    """What a check of the paper votes says before looking at them: not a mixed vote, a register
    not declared, or one not read (None when the paper votes and ``other`` are there, read).
    Whether the vote is mixed is the expert's to say: unanswered, with no paper-vote register
    declared, the check cannot be made."""
    if obs.mixed_paper is None and obs.paper is None:
        return Result(check_id, Status.ERROR, msg("registers.reg_004.unanswered", field="election.mixed_paper"),
                      subject="registers")
    if obs.mixed_paper is False:
        return Result(check_id, Status.NOT_APPLICABLE, msg("registers.reg_004.not_applicable"), subject="registers")
    return _before(check_id, (obs.paper, "paper"), (other, other_name))


def no_vote_on_paper_and_internet(obs: RegistersObservation) -> Iterator[Result]:
    early = _paper_check("REG-004", obs, obs.emargement, "emargement")
    if early is not None:
        yield early
        return
    assert obs.paper is not None and obs.emargement is not None  # what _paper_check saw
    discard, twice = list(obs.cross.paper_votes_to_discard or ()), list(obs.cross.paper_votes_twice or ())
    problems: list[Arg] = []
    if discard:
        problems.append(msg("registers.reg_004.to_discard", count=len(discard), lines=_lines(discard),
                            file=obs.paper.file))
    if twice:
        problems.append(msg("registers.reg_004.twice_on_paper", count=len(twice), lines=_lines(twice),
                            file=obs.paper.file))
    yield _verdict("REG-004", discard + twice, msg("registers.reg_004.fail", problems=problems),
                   msg("registers.reg_004.pass", count=len(set(obs.paper.ids))),
                   obs.paper, obs.emargement, details={"to_discard": len(discard), "twice_on_paper": len(twice)})


def paper_voters_are_listed(obs: RegistersObservation) -> Iterator[Result]:
    early = _paper_check("REG-008", obs, obs.voters, "voters")
    if early is not None:
        yield early
        return
    assert obs.paper is not None and obs.voters is not None  # what _paper_check saw
    bad = list(obs.cross.paper_votes_not_on_list or ())
    yield _verdict("REG-008", bad, msg("registers.reg_008.fail", count=len(bad), lines=_lines(bad), file=obs.paper.file),
                   msg("registers.reg_008.pass", count=len(obs.paper.ids)), obs.paper, obs.voters)


def emargement_matches_the_board(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-005", "emargement")
        return
    subject = obs.emargement.file
    unread = _unreadable("REG-005", obs.emargement)
    if unread is not None:
        yield unread
        return
    if obs.board is None:
        yield Result("REG-005", Status.MANUAL, msg("registers.reg_005.no_board"), subject=subject,
                     evidence=_evidence(obs.emargement))
        return
    counts = obs.cross.counts
    signed, counted = counts.signed_voters, obs.board.counted
    raw, explained = counts.raw_difference or 0, counts.explained_by_flagged_rows or 0
    unexplained = counts.unexplained_difference or 0
    details = {"emargements": signed, "ballots_counted": counted, "board": obs.board.source,
               "raw_difference": raw, "explained_by_flagged_rows": explained, "unexplained_difference": unexplained}
    evidence = _evidence(obs.emargement) + ((obs.board.evidence,) if obs.board.evidence else ())
    voters = msg("registers.count.voters", count=signed)
    if unexplained:
        relation = (msg("registers.reg_005.ballots_without_voter", count=-unexplained) if unexplained < 0
                    else msg("registers.reg_005.voters_without_ballot", count=unexplained))
        finding = msg("registers.reg_005.fail", count=counted, voters=voters, relation=relation)
        if explained:
            finding = msg("registers.reg_005.partly_explained", finding=finding, count=explained)
        yield Result("REG-005", Status.FAIL, finding, subject=subject, evidence=evidence, details=details)
        return
    ballots = msg("registers.count.ballots", count=counted)
    if explained:
        passed = msg("registers.reg_005.explained", count=explained, voters=voters, ballots=ballots)
    elif obs.board.evidence:  # a replay: its results are the evidence
        passed = msg("registers.reg_005.pass", count=signed, ballots=ballots)
    else:  # a number the expert stated (tally minutes), not a replay
        passed = msg("registers.reg_005.pass_stated", count=signed, ballots=ballots, source=obs.board.source)
    yield Result("REG-005", Status.PASS, passed, subject=subject, evidence=evidence, details=details)


def turnout_within_the_electorate(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-006", "emargement")
        return
    unread = _unreadable("REG-006", obs.emargement, obs.voters, obs.paper)
    if unread is not None:
        yield unread
        return
    counts = obs.cross.counts
    electorate = counts.voters_listed or obs.electorate
    voted = counts.signed_voters + (counts.paper_votes or 0)
    details = {"electorate": electorate, "internet": counts.signed_voters, "paper": counts.paper_votes or 0}
    bad: list[Arg] = [msg("registers.reg_006.voters_for_registered", voters=voted, count=electorate)] \
        if voted > electorate else []
    if electorate:
        ok = msg("registers.reg_006.pass", count=voted, registered=msg("registers.count.registered", count=electorate),
                 turnout=100 * voted / electorate)
    else:
        ok = msg("registers.reg_006.no_electorate")
    yield _verdict("REG-006", bad, msg("registers.reg_006.fail", names=bad), ok,
                   obs.emargement, obs.voters, obs.paper, details=details)


# Columns an electoral list has no need of (CNIL: the list holds what identifies the voter and
# sends the voting material; not where they live, their private contacts, union membership,
# seniority, birth or social-security number). Each kind: the words that name such a column.
_BEYOND_MINIMAL: dict[str, tuple[str, ...]] = {
    "home_address": ("adresse", "address", "domicile", "code postal", "postal code", "zip", "ville", "city", "rue"),
    "personal_email": ("email perso", "e mail perso", "mail perso", "courriel perso", "email personnel",
                       "e mail personnel", "mail personnel", "courriel personnel", "personal email",
                       "personal e mail", "private email", "email prive", "mail prive"),
    "personal_phone": ("telephone perso", "tel perso", "portable perso", "telephone personnel",
                       "mobile perso", "personal phone", "private phone"),
    "birth": ("naissance", "birth", "dob", "age"),
    "membership": ("syndicat", "syndical", "syndique", "adherent", "adhesion", "membership", "union member",
                   "trade union"),
    "seniority": ("anciennete", "seniority", "date d entree", "date d embauche", "hire date", "hired on"),
    "social_security": ("nir", "securite sociale", "social security", "ssn"),
}
_KIND = {
    "home_address": msg("registers.reg_009.kind.home_address"),
    "personal_email": msg("registers.reg_009.kind.personal_email"),
    "personal_phone": msg("registers.reg_009.kind.personal_phone"),
    "birth": msg("registers.reg_009.kind.birth"),
    "membership": msg("registers.reg_009.kind.membership"),
    "seniority": msg("registers.reg_009.kind.seniority"),
    "social_security": msg("registers.reg_009.kind.social_security"),
}


def _plain(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode("ascii").lower()
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text).split()) + " "


def beyond_minimal(columns: Iterable[str]) -> list[tuple[str, str]]:
    """(header as written, kind) for each column of a list that names data beyond the minimum."""
    found = []
    for header in columns:
        plain = _plain(header)
        kind = next((k for k, words in _BEYOND_MINIMAL.items() if any(f" {w} " in plain for w in words)), None)
        if kind:
            found.append((header, kind))
    return found


def electoral_list_is_minimal(obs: RegistersObservation) -> Iterator[Result]:
    early = _before("REG-009", (obs.voters, "voters"))
    if early is not None:
        yield early
        return
    assert obs.voters is not None
    extra = beyond_minimal(obs.voters.columns)
    named: list[Arg] = [msg("registers.reg_009.column", column=header, kind=_KIND[kind]) for header, kind in extra]
    yield _verdict("REG-009", extra, msg("registers.reg_009.fail", file=obs.voters.file, columns=named),
                   msg("registers.reg_009.pass", file=obs.voters.file, columns=list[Arg](obs.voters.columns)),
                   obs.voters, details={"columns": list(obs.voters.columns),
                                        "beyond_minimal": [header for header, _ in extra]})


def no_formula_in_the_registers(obs: RegistersObservation) -> Iterator[Result]:
    registers = [r for r in (obs.voters, obs.emargement, obs.paper) if r is not None]
    if not registers:
        yield _missing("REG-010", "emargement")
        return
    found: list[Arg] = [msg("registers.reg_010.rows", file=r.file, count=len(r.formula_lines),
                            lines=_named([str(n) for n in r.formula_lines]), columns=list[Arg](r.formula_columns))
                        for r in registers if r.formula_lines]
    read = [r for r in registers if r.complete]
    unread = _unreadable("REG-010", *registers)
    if not found and unread is not None:
        yield unread
        return
    yield _verdict("REG-010", found, msg("registers.reg_010.fail", files=found),
                   msg("registers.reg_010.pass", files=[r.file for r in read]), *registers,
                   details={r.file: list(r.formula_lines[:100]) for r in registers if r.formula_lines})


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
    early = _before("REG-011", (obs.voters, "voters"))
    if early is not None:
        yield early
        return
    assert obs.voters is not None  # what _before saw
    listed = len(set(obs.voters.ids))
    credentials = obs.board.credentials if obs.board is not None else None
    details: dict[str, Any] = {"listed": listed, "declared": obs.electorate, "board_credentials": credentials}
    evidence = (obs.voters.file, obs.case_file) + ((obs.board.evidence,) if obs.board is not None
                                                   and obs.board.evidence else ())
    if obs.electorate <= 0 and credentials is None:  # `registers check` on files: nothing declared to compare
        yield Result("REG-011", Status.MANUAL, msg("registers.reg_011.nothing_to_compare", count=listed),
                     subject=obs.voters.file, evidence=evidence, details=details)
        return
    bad: list[Arg] = []
    if obs.electorate > 0 and listed != obs.electorate:
        bad.append(msg("registers.reg_011.declared", count=obs.electorate))
    if credentials is not None and credentials != listed:
        bad.append(msg("registers.reg_011.credentials", count=credentials))
    if bad:
        yield Result("REG-011", Status.FAIL, msg("registers.reg_011.fail", count=listed, differences=bad),
                     subject=obs.voters.file, evidence=evidence, details=details)
    elif obs.electorate <= 0:
        yield Result("REG-011", Status.PASS, msg("registers.reg_011.pass_board", count=listed),
                     subject=obs.voters.file, evidence=evidence, details=details)
    elif credentials is None and obs.board_declared:
        yield Result("REG-011", Status.ERROR, msg("registers.reg_011.board_not_counted", count=listed),
                     subject=obs.voters.file, evidence=evidence, details=details)
    elif credentials is None:
        yield Result("REG-011", Status.PASS, msg("registers.reg_011.pass_declared", count=listed),
                     subject=obs.voters.file, evidence=evidence, details=details)
    else:
        yield Result("REG-011", Status.PASS, msg("registers.reg_011.pass", count=listed),
                     subject=obs.voters.file, evidence=evidence, details=details)


RULES = (
    Rule("REG-001", emargement_voters_are_listed),
    Rule("REG-002", no_double_emargement),
    Rule("REG-003", emargement_within_opening_hours),
    Rule("REG-004", no_vote_on_paper_and_internet),
    Rule("REG-005", emargement_matches_the_board),
    Rule("REG-006", turnout_within_the_electorate),
    Rule("REG-007", key_parts_held_by_the_electoral_board),
    Rule("REG-008", paper_voters_are_listed),
    Rule("REG-009", electoral_list_is_minimal),
    Rule("REG-010", no_formula_in_the_registers),
    Rule("REG-011", one_electorate),
)
