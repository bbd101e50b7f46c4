"""The seal's enumerations as messages: a value of the seal format (a difference kind, a type
of path, a problem kind, a re-use condition) is an identifier in files and JSON, and these
messages are how a person reads it, in the console's or the report's language."""

from __future__ import annotations

from ..i18n import Message, msg

# compare.CATEGORIES
DIFFERENCE_KINDS: dict[str, Message] = {
    "added": msg("seal.kind.added"),
    "removed": msg("seal.kind.removed"),
    "modified": msg("seal.kind.modified"),
    "mode-changed": msg("seal.kind.mode_changed"),
    "type-changed": msg("seal.kind.type_changed"),
    "not-verified": msg("seal.kind.not_verified"),
    "unsealed": msg("seal.kind.unsealed"),
}

# model.TYPES
TYPES: dict[str, Message] = {
    "file": msg("seal.type.file"),
    "directory": msg("seal.type.directory"),
    "symlink": msg("seal.type.symlink"),
    "fifo": msg("seal.type.fifo"),
    "socket": msg("seal.type.socket"),
    "char-device": msg("seal.type.char_device"),
    "block-device": msg("seal.type.block_device"),
    "submodule": msg("seal.type.submodule"),
}

# model.PROBLEM_KINDS
PROBLEM_KINDS: dict[str, Message] = {
    "unreadable": msg("seal.problem_kind.unreadable"),
    "vanished": msg("seal.problem_kind.vanished"),
    "changed-while-reading": msg("seal.problem_kind.changed_while_reading"),
    "unlistable-directory": msg("seal.problem_kind.unlistable"),
    "undecodable-name": msg("seal.problem_kind.undecodable"),
    "submodule-not-followed": msg("seal.problem_kind.submodule"),
    "special-file": msg("seal.problem_kind.special_file"),
    "symlink-loop": msg("seal.problem_kind.symlink_loop"),
    "symlink-outside": msg("seal.problem_kind.symlink_outside"),
}

# reuse: the conditions, their statuses and the verdicts
CONDITIONS: dict[str, Message] = {
    "window": msg("seal.condition.window"),
    "previous-seal-date": msg("seal.condition.previous_seal_date"),
    "unchanged": msg("seal.condition.unchanged"),
    "vulnerabilities": msg("seal.condition.vulnerabilities"),
}
CONDITION_STATUSES: dict[str, Message] = {
    "ok": msg("seal.condition_status.ok"),
    "failed": msg("seal.condition_status.failed"),
    "manual": msg("seal.condition_status.manual"),
    "note": msg("seal.condition_status.note"),
}
VERDICTS: dict[str, Message] = {
    "eligible": msg("seal.verdict.eligible"),
    "not_eligible": msg("seal.verdict.not_eligible"),
    "manual": msg("seal.verdict.manual"),
}


def named(table: dict[str, Message], value: str) -> Message | str:
    """The message of a value; an unknown value (a newer seal format) is shown as it is."""
    return table.get(value, value)


def count_by_kind(counts: dict[str, int]) -> list[Message]:
    """``{"modified": 2}`` as « 2 modified » / « modifié : 2 », one message per kind."""
    return [msg("seal.difference.count", count=count, kind=named(DIFFERENCE_KINDS, kind))
            for kind, count in counts.items()]
