"""Sealed entries against what a source holds now, as two sorted streams (a merge-join).

Every path ends in exactly one place: verified (content read and equal), or a
difference — added, removed, modified, mode-changed, type-changed — or not verified,
with the reason (unreadable now, or not sealed in the first place). Nothing is counted
as verified unless its bytes were read and matched.

A git commit records no folders and only the executable bit of a file's mode; when
either side is a git tree the comparison is made at that precision, so a checkout can
be checked against a sealed commit (and the reverse).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from ..i18n import Message, msg, render
from .names import PROBLEM_KINDS, TYPES, named
from .model import (
    DIRECTORY,
    FILE,
    SUBMODULE,
    SYMLINK,
    UNLISTABLE,
    UNSEALED_KINDS,
    Entry,
    PathProblem,
    shown,
    sort_key,
)

ADDED = "added"
REMOVED = "removed"
MODIFIED = "modified"
MODE_CHANGED = "mode-changed"
TYPE_CHANGED = "type-changed"
NOT_VERIFIED = "not-verified"
UNSEALED = "unsealed"
CATEGORIES = (ADDED, REMOVED, MODIFIED, MODE_CHANGED, TYPE_CHANGED, NOT_VERIFIED, UNSEALED)


@dataclass
class Difference:
    """One path that differs; ``type_was`` keeps the type of a removed or added path, so that the
    two halves of a path that changed type can be joined."""

    source: str
    path: bytes
    kinds: list[str]
    detail: Message | str = ""
    type_was: str = ""

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """``detail`` rendered in ``lang``, beside its ``code`` and ``args``."""
        data: dict[str, Any] = {"source": self.source, "path": shown(self.path), "kinds": self.kinds,
                                "detail": render(self.detail, lang)}
        if isinstance(self.detail, Message):
            data.update(self.detail.to_dict())
        return data


@dataclass
class Comparison:
    source: str
    precision: str
    verified_files: int = 0
    verified_bytes: int = 0
    compared_entries: int = 0
    differences: list[Difference] = field(default_factory=list)


def precision_for(sealed_kind: str, current_kind: str) -> str:
    return "git" if "git" in (sealed_kind, current_kind) else "full"


def _mode_text(mode: int | None) -> str:
    return "none" if mode is None else f"{mode:04o}"


def _comparable_mode(entry: Entry, precision: str) -> int | None:
    if entry.type in (SYMLINK, SUBMODULE) or entry.mode is None:
        return None
    if precision == "git":
        return entry.mode & 0o100 if entry.type == FILE else None
    return entry.mode


def _under(path: bytes, folders: set[bytes]) -> bytes | None:
    """The path itself or its nearest enclosing folder found in ``folders``."""
    if not folders:
        return None
    if path in folders:
        return path
    index = path.rfind(b"/")
    while index > 0:
        if path[:index] in folders:
            return path[:index]
        index = path.rfind(b"/", 0, index)
    return None


def _type_change(before: str, after: str) -> Message:
    return msg("seal.difference.type", before=named(TYPES, before), after=named(TYPES, after))


def _compare_pair(sealed: Entry, current: Entry, precision: str) -> tuple[list[str], Message | str]:
    """The kinds of difference and their detail (a message only when something differs)."""
    if sealed.type != current.type:
        return [TYPE_CHANGED], _type_change(sealed.type, current.type)
    kinds: list[str] = []
    details: list[Message] = []
    if sealed.type == FILE:
        if sealed.sha256 != current.sha256 or sealed.size != current.size:
            kinds.append(MODIFIED)
            details.append(msg("seal.difference.content", before=msg("seal.count.bytes", count=sealed.size or 0),
                               before_hash=str(sealed.sha256)[:16],
                               after=msg("seal.count.bytes", count=current.size or 0),
                               after_hash=str(current.sha256)[:16]))
    elif sealed.type in (SYMLINK, SUBMODULE):
        if sealed.target != current.target:
            kinds.append(MODIFIED)
            details.append(msg("seal.difference.target", before=shown(sealed.target or b""),
                               after=shown(current.target or b"")))
    elif sealed.rdev is not None and current.rdev is not None and sealed.rdev != current.rdev:
        kinds.append(MODIFIED)
        details.append(msg("seal.difference.device", before=sealed.rdev, after=current.rdev))
    before, after = _comparable_mode(sealed, precision), _comparable_mode(current, precision)
    if before is not None and after is not None and before != after:
        kinds.append(MODE_CHANGED)
        if precision == "git":
            details.append(msg("seal.difference.executable_cleared") if before
                           else msg("seal.difference.executable_set"))
        else:
            details.append(msg("seal.difference.mode", before=_mode_text(sealed.mode),
                               after=_mode_text(current.mode)))
    if not details:
        return kinds, ""
    return kinds, details[0] if len(details) == 1 else msg("seal.difference.several", details=details)


def compare(
    source: str,
    sealed: Iterator[Entry],
    current: Iterator[Entry | PathProblem],
    precision: str,
    sealed_problems: list[PathProblem],
) -> Comparison:
    """Merge-join two streams in the seal's order; every path gets one verdict."""
    result = Comparison(source, precision)
    unsealed = [p for p in sealed_problems if p.kind in UNSEALED_KINDS]
    unsealed_paths = {p.path for p in unsealed}
    for problem in unsealed:
        result.differences.append(
            Difference(
                source,
                problem.path,
                [UNSEALED],
                msg("seal.difference.unsealed", kind=named(PROBLEM_KINDS, problem.kind), recorded=problem.message),
            )
        )
    current_problems: dict[bytes, PathProblem] = {}
    blocked: set[bytes] = set()  # folders that cannot be listed (or vanished) now
    matched: set[bytes] = set()
    last_folder: list[bytes | None] = [None]  # the latest folder of the current stream

    def keep(entry: Entry) -> bool:
        return not (precision == "git" and entry.type == DIRECTORY)

    def next_sealed() -> Entry | None:
        for entry in sealed:
            if keep(entry):
                return entry
        return None

    def next_current() -> Entry | None:
        for item in current:
            if isinstance(item, PathProblem):
                # a source yields a folder, then the problem of listing it (if any): such a
                # problem is about the folder's content, the folder itself was compared
                if item.kind == UNLISTABLE or item.path == last_folder[0]:
                    blocked.add(item.path)
                else:
                    current_problems[item.path] = item
                continue
            if item.type == DIRECTORY:
                last_folder[0] = item.path
            if keep(item):
                return item
        return None

    def sealed_only(entry: Entry) -> None:
        problem = current_problems.get(entry.path)
        folder = _under(entry.path, blocked)
        if problem is not None:
            matched.add(entry.path)
            result.differences.append(
                Difference(
                    source,
                    entry.path,
                    [NOT_VERIFIED],
                    msg("seal.difference.unreadable_now", kind=named(PROBLEM_KINDS, problem.kind),
                        reason=problem.message),
                )
            )
        elif folder is not None and folder != entry.path:
            result.differences.append(
                Difference(
                    source,
                    entry.path,
                    [NOT_VERIFIED],
                    msg("seal.difference.inside_unlistable", folder=shown(folder)),
                )
            )
        else:
            result.differences.append(
                Difference(
                    source,
                    entry.path,
                    [REMOVED],
                    msg("seal.difference.removed", type=named(TYPES, entry.type)),
                    entry.type,
                )
            )

    def current_only(entry: Entry) -> None:
        origin = _under(entry.path, unsealed_paths)
        if origin is not None:
            return  # already reported as not sealed at creation
        result.differences.append(
            Difference(
                source, entry.path, [ADDED], msg("seal.difference.added", type=named(TYPES, entry.type)), entry.type
            )
        )

    left, right = next_sealed(), next_current()
    while left is not None or right is not None:
        if right is None or (left is not None and left.key < right.key):
            assert left is not None
            result.compared_entries += 1
            sealed_only(left)
            left = next_sealed()
        elif left is None or right.key < left.key:
            current_only(right)
            right = next_current()
        else:
            result.compared_entries += 1
            kinds, detail = _compare_pair(left, right, precision)
            if kinds:
                result.differences.append(Difference(source, left.path, kinds, detail))
            elif left.type == FILE:
                result.verified_files += 1
                result.verified_bytes += left.size or 0
            left, right = next_sealed(), next_current()
    for path, problem in current_problems.items():
        if path not in matched and _under(path, unsealed_paths) is None:
            result.differences.append(
                Difference(
                    source,
                    path,
                    [ADDED, NOT_VERIFIED],
                    msg("seal.difference.new_unreadable", kind=named(PROBLEM_KINDS, problem.kind),
                        reason=problem.message),
                )
            )
    result.differences = _pair_type_changes(result.differences)
    result.differences.sort(key=lambda d: (sort_key(d.path, FILE), d.kinds))
    return result


def _pair_type_changes(differences: list[Difference]) -> list[Difference]:
    """A path that became a folder (or stopped being one) sorts apart: join its two halves."""
    removed = {d.path: d for d in differences if d.kinds == [REMOVED]}
    added = {d.path: d for d in differences if d.kinds == [ADDED]}
    both = set(removed) & set(added)
    if not both:
        return differences
    out = [d for d in differences if d.path not in both or d.kinds not in ([REMOVED], [ADDED])]
    for path in sorted(both):
        before, after = removed[path].type_was, added[path].type_was
        out.append(Difference(removed[path].source, path, [TYPE_CHANGED], _type_change(before, after)))
    return out
