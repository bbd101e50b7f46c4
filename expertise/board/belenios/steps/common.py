"""What several steps do the same way: read a record strictly, test canonical form, membership, references."""

from __future__ import annotations

from typing import Any

from ....i18n import Message, msg
from ..archive import Record
from ..fields import FieldError, canonical as canonical_json, integer, obj, parse_json
from ..state import BoardState

NOT_A_MEMBER = msg("board.group.not_a_member")

# What a record holds, named in "… is not in canonical form" (literal messages: see i18n.msg).
KINDS: dict[str, Message] = {
    "event": msg("board.kind.event"),
    "setup": msg("board.kind.setup"),
    "trustees": msg("board.kind.trustees"),
    "credentials": msg("board.kind.credentials"),
    "tally": msg("board.kind.tally"),
    "sized_tally": msg("board.kind.sized_tally"),
    "shuffle": msg("board.kind.shuffle"),
    "decryption": msg("board.kind.decryption"),
    "result": msg("board.kind.result"),
}


def parse(state: BoardState, record: Record, step: str) -> Any:
    """The record's JSON, or None after a failure of ``step`` naming the defect."""
    try:
        return parse_json(record.body)
    except FieldError as exc:
        state.steps[step].fail(record.label, exc.field, exc.message)
        return None


def canonical(state: BoardState, record: Record, value: Any, step: str, kind: str) -> bool:
    if canonical_json(value) != record.body.decode("utf-8", "replace"):
        state.steps[step].fail(record.label, "(record)", msg("board.common.not_canonical", kind=KINDS[kind]))
        return False
    return True


def member(state: BoardState, step: str, record: Message, field_name: str, x: Any, kind: str) -> bool:
    """Is ``x`` in the group? Counted by the membership step; a failure of both steps if not."""
    membership = state.steps["membership"]
    membership.count(kind)
    assert state.election is not None
    if state.election.group.is_member(x):
        return True
    membership.fail(record, field_name, NOT_A_MEMBER)
    if step != "membership":
        state.steps[step].fail(record, field_name, NOT_A_MEMBER)
    return False


def owner(state: BoardState, owned_record: Record, step: str) -> int | None:
    """The trustee id of an ``{"owner", "payload"}`` record (a shuffle or a partial decryption)."""
    owned = parse(state, owned_record, step)
    try:
        obj(owned, "", ["owner", "payload"])
        return integer(owned["owner"], "owner", 1)
    except FieldError as exc:
        state.steps[step].fail(owned_record.label, exc.field, exc.message)
        return None


def referenced(state: BoardState, owner_record: Record, value: Any, field_name: str, target: Record,
               step: str = "archive") -> None:
    """Does ``value[field_name]`` name the record ``target`` (by its SHA-256)?"""
    if value.get(field_name) != target.digest:
        state.steps[step].fail(owner_record.label, field_name, msg("board.archive.not_referencing",
                                                                   digest=target.digest[:16]))
