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
from typing import Any, Iterator

from .observation import RegistersObservation
from .reader import Entry, RegisterRead
from ..results import Result, Status, bilingual
from ..wording import plural_s
from ..domain import Rule

SHOWN = 5


def _named(values: list[str]) -> str:
    head = ", ".join(values[:SHOWN])
    return head + (f" … (+{len(values) - SHOWN})" if len(values) > SHOWN else "")


def _evidence(*registers: RegisterRead | None) -> tuple[str, ...]:
    return tuple(r.file for r in registers if r is not None)


def _unread(*registers: RegisterRead | None) -> str:
    return "; ".join(r.first_problem() for r in registers if r is not None and not r.complete)


def _unread_fr(*registers: RegisterRead | None) -> str:
    return " ; ".join(r.first_problem_fr() for r in registers if r is not None and not r.complete)


def _result(check_id: str, status: Status, en: str, fr: str, **fields: Any) -> Result:
    """Every result in both languages: the report is French by default.

    A result about the registers names, as its subject, the first register file it read: the
    reader of the findings sees which file to open, in no particular language."""
    evidence = fields.get("evidence") or ()
    if fields.get("subject") == "registers" and evidence:
        fields["subject"] = evidence[0]
    return bilingual(check_id, status, en, fr, **fields)


def _n(value: int) -> str:
    """A count the French way: 1 850 (narrow no-break space)."""
    return f"{value:,}".replace(",", "\u202f")


# What a missing register is called, in each language.
_WHAT = {
    "emargement": ("émargement list", "liste d’émargement"),
    "voters": ("voter list", "liste électorale"),
    "paper": ("paper-vote list", "liste des votants sur papier"),
}


def _missing(check_id: str, what: str) -> Result:
    en, fr = _WHAT[what]
    return _result(check_id, Status.MANUAL,
                   f"no {en} declared in [registers]: the expert must check this by hand or declare the file",
                   f"aucune {fr} déclarée dans [registers] : l’expert doit faire ce contrôle lui-même ou "
                   "déclarer le fichier", subject="registers")


def _verdict(check_id: str, bad: list[str], fail: tuple[str, str], ok: tuple[str, str],
             *registers: RegisterRead | None, details: dict | None = None,
             bad_fr: list[str] | None = None) -> Result:
    """FAIL on any bad row read; PASS only when every register was read completely.

    ``fail`` and ``ok`` are (English, French) pairs; ``bad_fr`` names the bad rows in French
    when their description has words (``bad`` otherwise)."""
    evidence = _evidence(*registers)
    details = dict(details or {})
    unread = _unread(*registers)
    if bad:
        details["count"] = len(bad)
        note = f" (registers not read completely: {unread})" if unread else ""
        note_fr = f" (registres lus partiellement : {_unread_fr(*registers)})" if unread else ""
        return _result(check_id, Status.FAIL, f"{fail[0]}: {_named(bad)}{note}",
                       f"{fail[1]} : {_named(bad_fr or bad)}{note_fr}", subject="registers", evidence=evidence,
                       details=details)
    if unread:
        return _result(check_id, Status.ERROR, f"could not test: {unread}",
                       f"contrôle impossible : {_unread_fr(*registers)}", subject="registers", evidence=evidence,
                       details=details)
    return _result(check_id, Status.PASS, ok[0], ok[1], subject="registers", evidence=evidence, details=details)


def emargement_voters_are_listed(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None or obs.voters is None:
        yield _missing("REG-001", "emargement" if obs.emargement is None else "voters")
        return
    listed = {e.voter_id for e in obs.voters.entries}
    unknown = [e.voter_id for e in obs.emargement.entries if e.voter_id not in listed]
    n = len(obs.emargement.entries)
    yield _verdict("REG-001", unknown,
                   ("émargement of voters absent from the voter list",
                    "émargement d’électeurs absents de la liste électorale"),
                   (f"all {n} émargement(s) are voters of the list of {len(listed)}",
                    f"{'les ' if n > 1 else 'l’'}{n} émargement{plural_s(n)} concerne{'nt' if n > 1 else ''} des "
                    f"électeurs de la liste électorale ({_n(len(listed))} inscrits)"),
                   obs.emargement, obs.voters)


def _twice(entries: list[Entry]) -> list[str]:
    counts = Counter(e.voter_id for e in entries)
    return [voter for voter, n in counts.items() if n > 1]


def no_double_emargement(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-002", "emargement")
        return
    twice = _twice(obs.emargement.entries)
    n = len(obs.emargement.entries)
    yield _verdict("REG-002", twice,
                   ("voters signed more than once", "électeurs émargés plus d’une fois"),
                   (f"{n} émargement(s), each voter once",
                    f"{n} émargement{plural_s(n)}, chaque électeur une seule fois"), obs.emargement)


def emargement_within_opening_hours(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-003", "emargement")
        return
    late = [e for e in obs.emargement.entries if e.time is not None and not obs.opens <= e.time <= obs.closes]
    outside = [f"{e.voter_id} at {e.time.isoformat()} (line {e.line})" for e in late if e.time]
    outside_fr = [f"{e.voter_id} à {e.time.isoformat()} (ligne {e.line})" for e in late if e.time]
    hours = f"{obs.opens.isoformat()} – {obs.closes.isoformat()}"
    yield _verdict("REG-003", outside,
                   (f"émargement outside the opening hours ({hours})",
                    f"émargement hors des heures d’ouverture du scrutin ({hours})"),
                   (f"every émargement between {obs.opens.isoformat()} and {obs.closes.isoformat()}",
                    f"chaque émargement entre {obs.opens.isoformat()} et {obs.closes.isoformat()}"),
                   obs.emargement, bad_fr=outside_fr)


def no_vote_on_paper_and_internet(obs: RegistersObservation) -> Iterator[Result]:
    if not obs.mixed_paper:
        yield _result("REG-004", Status.NOT_APPLICABLE, "no paper voting in this election ([election] mixed_paper)",
                      "pas de vote papier dans ce scrutin ([election] mixed_paper)", subject="registers")
        return
    if obs.emargement is None or obs.paper is None:
        yield _missing("REG-004", "emargement" if obs.emargement is None else "paper")
        return
    on_paper = {e.voter_id for e in obs.paper.entries}
    both = sorted({e.voter_id for e in obs.emargement.entries if e.voter_id in on_paper})
    twice_on_paper = _twice(obs.paper.entries)
    bad = both + [f"{voter} (twice on paper)" for voter in twice_on_paper]
    bad_fr = both + [f"{voter} (deux fois sur papier)" for voter in twice_on_paper]
    n = len(on_paper)
    yield _verdict("REG-004", bad,
                   ("voters who voted both on paper and by internet",
                    "électeurs ayant voté à la fois sur papier et par internet"),
                   (f"no voter among the {n} paper voters also voted by internet",
                    f"aucun des {n} votant{plural_s(n)} sur papier n’a aussi voté par internet"),
                   obs.emargement, obs.paper, bad_fr=bad_fr)


def emargement_matches_the_board(obs: RegistersObservation) -> Iterator[Result]:
    if obs.emargement is None:
        yield _missing("REG-005", "emargement")
        return
    if obs.board is None:
        yield _result("REG-005", Status.MANUAL, "no board replay in the journal: compare the number of émargements "
                                                "with the ballots counted (or declare [board] and run the audit)",
                      "aucun rejeu de l’urne au journal : comparer le nombre d’émargements au nombre de bulletins "
                      "dépouillés (ou déclarer [board] et lancer l’audit)",
                      subject="registers", evidence=_evidence(obs.emargement))
        return
    signed = len({e.voter_id for e in obs.emargement.entries})
    counted = obs.board.counted
    details = {"emargements": signed, "ballots_counted": counted, "board": obs.board.source}
    evidence = _evidence(obs.emargement) + (obs.board.evidence,)
    if signed != counted:
        gap = counted - signed
        relation = f"{gap} ballot(s) without a voter signed" if gap > 0 else f"{-gap} voter(s) signed without a ballot"
        relation_fr = (f"{gap} bulletin{plural_s(gap)} sans électeur émargé" if gap > 0
                       else f"{-gap} électeur{plural_s(-gap)} émargé{plural_s(-gap)} sans bulletin")
        partial = "" if obs.emargement.complete else f" (émargement not read completely: {_unread(obs.emargement)})"
        partial_fr = "" if obs.emargement.complete else \
            f" (liste d’émargement lue partiellement : {_unread_fr(obs.emargement)})"
        yield _result("REG-005", Status.FAIL,
                      f"the board counts {counted} ballot(s) for {signed} voter(s) on the émargement list: "
                      f"{relation}{partial}",
                      f"l’urne compte {counted} bulletin{plural_s(counted)} pour {signed} électeur{plural_s(signed)} "
                      f"sur la liste d’émargement : {relation_fr}{partial_fr}",
                      subject="registers", evidence=evidence, details=details)
    elif not obs.emargement.complete:
        yield _result("REG-005", Status.ERROR, f"could not test: {_unread(obs.emargement)}",
                      f"contrôle impossible : {_unread_fr(obs.emargement)}", subject="registers",
                      evidence=evidence, details=details)
    else:
        yield _result("REG-005", Status.PASS,
                      f"{signed} voter(s) signed, {counted} ballot(s) counted on the replayed board",
                      f"{signed} électeur{plural_s(signed)} émargé{plural_s(signed)}, {counted} bulletin{plural_s(counted)} "
                      f"dans l’urne rejouée", subject="registers", evidence=evidence, details=details)


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
    bad = [f"{voted} voters for {electorate} registered"] if voted > electorate else []
    if electorate:
        turnout = 100 * voted / electorate
        ok = (f"{voted} voter(s) for {electorate} registered (turnout {turnout:.1f} %)",
              f"{_n(voted)} votant{plural_s(voted)} pour {_n(electorate)} inscrit{plural_s(electorate)} "
              f"(participation {f'{turnout:.1f}'.replace('.', ',')}\u00a0%)")
    else:
        ok = ("no electorate declared", "aucun corps électoral déclaré")
    bad_fr = [f"{_n(voted)} votants pour {_n(electorate)} inscrit{plural_s(electorate)}"] if bad else []
    yield _verdict("REG-006", bad, ("more voters than registered voters", "plus de votants que d’inscrits"), ok,
                   obs.emargement, obs.voters, obs.paper, details=details, bad_fr=bad_fr)


def key_parts_held_by_the_electoral_board(obs: RegistersObservation) -> Iterator[Result]:
    holders = [a for a in obs.actors if a.key_parts > 0]
    declared = sum(a.key_parts for a in holders)
    details: dict = {"holders": [{"name": a.name, "parts": a.key_parts} for a in holders], "declared_parts": declared}
    if obs.board is not None and obs.board.trustees is not None:
        details["board_trustees"] = obs.board.trustees
    if not holders:
        yield _result("REG-007", Status.MANUAL, "no actor declares a decryption-key part ([[actors]] key_parts): "
                                                "record who holds each trustee key",
                      "aucun acteur ne déclare de part de la clé de déchiffrement ([[actors]] key_parts) : "
                      "indiquer qui détient chaque clé d’autorité de déchiffrement", subject="actors",
                      evidence=(obs.case_file,), details=details)
        return
    bad: list[tuple[str, str]] = []
    bad += [(f"{a.name} (not a member of the electoral board)", f"{a.name} (non membre du bureau de vote)")
            for a in holders if not a.electoral_board]
    bad += [(f"{a.name} (provider's staff)", f"{a.name} (personnel du prestataire)")
            for a in holders if a.provider_staff]
    bad += [(f"{a.name} ({a.key_parts} parts)", f"{a.name} ({a.key_parts} parts)") for a in holders if a.key_parts > 1]
    if len(holders) < 2:
        bad.append((f"a single holder ({holders[0].name}): the secret is not shared",
                    f"un seul détenteur ({holders[0].name}) : le secret n’est pas partagé"))
    if obs.board is not None and obs.board.trustees is not None and obs.board.trustees != declared:
        trustees = obs.board.trustees
        bad.append((f"{declared} part(s) declared, {trustees} trustee key(s) on the board",
                    f"{declared} part{plural_s(declared)} déclarée{plural_s(declared)}, {trustees} clé{plural_s(trustees)} "
                    f"d’autorité dans l’urne"))
    evidence = (obs.case_file,) + ((obs.board.evidence,) if obs.board is not None else ())
    if bad:
        yield _result("REG-007", Status.FAIL, f"decryption-key parts: {'; '.join(en for en, _ in bad)}",
                      f"parts de la clé de déchiffrement : {' ; '.join(fr for _, fr in bad)}", subject="actors",
                      evidence=evidence, details=details)
    else:
        on_board = "board_trustees" in details
        n = len(holders)
        yield _result("REG-007", Status.PASS,
                      f"{declared} decryption-key part(s), one each, held by {n} members of the electoral board"
                      + (", as many as the board's trustee keys" if on_board else ""),
                      f"{declared} part{plural_s(declared)} de la clé de déchiffrement détenue{plural_s(declared)} par {n} "
                      f"membre{plural_s(n)} du bureau de vote, une part chacun"
                      + (", autant que de clés d’autorité dans l’urne" if on_board else ""),
                      subject="actors", evidence=evidence, details=details)


RULES = (
    Rule("REG-001", emargement_voters_are_listed),
    Rule("REG-002", no_double_emargement),
    Rule("REG-003", emargement_within_opening_hours),
    Rule("REG-004", no_vote_on_paper_and_internet),
    Rule("REG-005", emargement_matches_the_board),
    Rule("REG-006", turnout_within_the_electorate),
    Rule("REG-007", key_parts_held_by_the_electoral_board),
)
