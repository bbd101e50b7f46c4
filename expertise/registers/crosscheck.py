"""The registers compared with one another, the voting window and the board: the lists the checks
judge and the JSON evidence gives (``not_on_list``, ``duplicates``, ``out_of_hours``,
``paper_votes_to_discard``, ``paper_votes_not_on_list``, ``counts``).

Computed once per run, in sets and single passes (a national list is a million rows); a list is
None when a register it needs was not read whole, so that nothing is concluded from a file that
was not read. Ids are compared exactly as written after trimming: ``00123`` is not ``123``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Iterable

from .observation import BoardCount, Counts, CrossCheck, Flagged, RegisterRead, Repeated, instant, stamp_of


def _whole(register: RegisterRead | None) -> RegisterRead | None:
    return register if register is not None and register.complete else None


def _repeated(register: RegisterRead) -> tuple[Repeated, ...]:
    counts = Counter(register.ids)  # counted in C; lines gathered only for the repeats
    twice = {voter for voter, n in counts.items() if n > 1}
    if not twice:
        return ()
    lines: dict[str, list[int]] = defaultdict(list)
    for voter, line in zip(register.ids, register.lines):
        if voter in twice:
            lines[voter].append(line)
    return tuple(Repeated(voter, tuple(at)) for voter, at in lines.items())


def _flag(register: RegisterRead, positions: Iterable[int]) -> tuple[Flagged, ...]:
    stamps = register.stamps
    return tuple(Flagged(register.ids[i], register.lines[i], instant(stamps[i]) if stamps is not None else None)
                 for i in positions)


def cross_check(voters: RegisterRead | None, emargement: RegisterRead | None, paper: RegisterRead | None, *,
                opens: datetime, closes: datetime, grace_minutes: int, mixed_paper: bool,
                board: BoardCount | None) -> CrossCheck:
    voters, emargement, paper = _whole(voters), _whole(emargement), _whole(paper)
    listed = set(voters.ids) if voters is not None else None
    signed = set(emargement.ids) if emargement is not None else None
    not_on_list = out_of_hours = to_discard = paper_not_listed = None
    duplicates = paper_twice = None
    if emargement is not None:
        duplicates = _repeated(emargement)
        first, last = stamp_of(opens), stamp_of(closes + timedelta(minutes=grace_minutes))
        out_of_hours = _flag(emargement, (i for i, t in enumerate(emargement.stamps or ()) if not first <= t <= last))
        if listed is not None:
            not_on_list = _flag(emargement, (i for i, v in enumerate(emargement.ids) if v not in listed))
    if paper is not None and mixed_paper:
        paper_twice = _repeated(paper)
        if signed is not None:  # the electronic vote prevails, whenever the envelope arrived
            to_discard = _flag(paper, (i for i, v in enumerate(paper.ids) if v in signed))
        if listed is not None:
            paper_not_listed = _flag(paper, (i for i, v in enumerate(paper.ids) if v not in listed))
    counts = Counts(voters_listed=len(listed) if listed is not None else None,
                    paper_votes=len(set(paper.ids)) if paper is not None else None)
    if emargement is not None and signed is not None:
        counts = counts.model_copy(update={"emargement_rows": len(emargement.ids), "signed_voters": len(signed)})
        if board is not None:
            counts = counts.model_copy(update=_difference(len(signed), board, not_on_list or (), out_of_hours or ()))
    return CrossCheck(not_on_list=not_on_list, duplicates=duplicates, out_of_hours=out_of_hours,
                      paper_votes_to_discard=to_discard, paper_votes_twice=paper_twice,
                      paper_votes_not_on_list=paper_not_listed, counts=counts)


def _difference(signed: int, board: BoardCount, *flagged: tuple[Flagged, ...]) -> dict[str, int | str]:
    """Signed voters minus ballots counted. More voters than ballots may be the flagged signatures
    (not on the list, out of hours: ballots the platform may rightly have refused): that much is
    attributed to them, and only the rest is unexplained. More ballots than voters is never
    explained by a flagged row: a ballot without a signature is unexplained whole."""
    raw = signed - board.counted
    suspects = len({f.voter_id for rows in flagged for f in rows})
    explained = min(raw, suspects) if raw > 0 else 0
    return {"ballots": board.counted, "ballots_source": board.source, "raw_difference": raw,
            "explained_by_flagged_rows": explained, "unexplained_difference": raw - explained}
