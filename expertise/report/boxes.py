"""The report's table across ballot boxes (issue 13): one row per ``[[box]]`` of the case.

A CSE election has several ballot boxes (colleges × titulaires/suppléants), each with its board
and its registers; the reader first needs to see, box by box, what was replayed and whether the
counted result was verified, before reading each box's findings in the board and registers chapters.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..case import Case
from ..journal import ResultSet
from ..results import Status

# the worse status first: a box is as bad as its worst result
_WORST_FIRST = (Status.FAIL, Status.ERROR, Status.MANUAL, Status.PASS, Status.INFORMATIONAL, Status.NOT_APPLICABLE)


def worst_status(statuses: Iterable[Status]) -> str | None:
    """The worst of the statuses (None when there is none: nothing was collected for the box)."""
    present = set(statuses)
    return next((status.value for status in _WORST_FIRST if status in present), None)


def box_rows(case: Case, result_sets: Iterable[ResultSet]) -> list[dict[str, Any]]:
    """Per ballot box: its name, the ballots counted on its board, its voters and émargements, whether
    its counted result was verified (a valid replay whose BOARD-013 passed) and its worst status; empty for a case of one box."""
    views = [view for view in case.boxes() if view.box is not None]
    if not views:
        return []
    by_box: dict[str, list[ResultSet]] = {}
    for result_set in result_sets:
        by_box.setdefault(result_set.box, []).append(result_set)
    rows = []
    for view in views:
        assert view.box is not None
        sets = by_box.get(view.box_id, [])
        board = next((rs.summary for rs in sets if rs.producer == "board" and rs.summary.get("kind") == "verify"), None)
        registers = next((rs.summary for rs in sets if rs.producer == "registers"), None)
        results = [r for rs in sets for r in rs.results]
        # verified: the whole board replays valid and its published result is the one recomputed
        verified = None if board is None else board.get("verdict") == "valid" and any(
            r.check_id == "BOARD-013" and r.status is Status.PASS for r in results)
        rows.append({
            "id": view.box_id,
            "name": view.box.name,
            "ballots": (board.get("counts") or {}).get("counted") if board else None,
            "voters": ((registers or {}).get("voters") or {}).get("rows"),
            "emargements": ((registers or {}).get("emargement") or {}).get("rows"),
            "verified": verified,
            "worst": worst_status(r.status for r in results),
        })
    return rows
