"""Caveats on sealed paths: special files, and symbolic links that loop or leave the tree.

A link is sealed as its target string, which is exact but says nothing about what the
link reaches: a link leaving the source root reaches files outside the seal, and a loop
breaks any tool that follows links. Both are resolved lexically over the sealed links
(no file system access), so the same analysis applies to a folder, a git commit or a
remote host.
"""

from __future__ import annotations

from collections import deque

from ..i18n import msg
from .names import TYPES, named
from .model import SPECIAL_FILE, SPECIAL_TYPES, SYMLINK, SYMLINK_LOOP, SYMLINK_OUTSIDE, Entry, PathProblem

MAX_HOPS = 40  # Linux's limit for nested symbolic links (ELOOP)
INSIDE, OUTSIDE, LOOP = "inside", "outside", "loop"


def resolve(link: bytes, links: dict[bytes, bytes], link_root: bytes | None) -> str:
    """Where ``link`` leads: inside the tree, outside it, or into a loop."""
    parent = link.rsplit(b"/", 1)[0] if b"/" in link else b""
    current: list[bytes] = [part for part in parent.split(b"/") if part]
    target = links[link]
    queue: deque[bytes] = deque()
    hops = 0

    def push(value: bytes) -> bool:
        """Queue a target's components; False when it is absolute and outside the root."""
        nonlocal current
        if value.startswith(b"/"):
            root = (link_root or b"").rstrip(b"/")
            if link_root is None or not (value == root or value.startswith(root + b"/") or root == b""):
                return False
            current = []
            value = value[len(root) :]
        queue.extendleft(reversed(value.split(b"/")))
        return True

    if not push(target):
        return OUTSIDE
    while queue:
        part = queue.popleft()
        if part in (b"", b"."):
            continue
        if part == b"..":
            if not current:
                return OUTSIDE
            current.pop()
            continue
        current.append(part)
        here = b"/".join(current)
        if here in links:
            hops += 1
            if hops > MAX_HOPS:
                return LOOP
            current.pop()
            if not push(links[here]):
                return OUTSIDE
    return INSIDE


class Annotator:
    """Watches the entries of one source and lists its caveats at the end."""

    def __init__(self, link_root: bytes | None) -> None:
        self.link_root = link_root
        self.links: dict[bytes, bytes] = {}
        self.problems: list[PathProblem] = []

    def see(self, entry: Entry) -> None:
        if entry.type == SYMLINK and entry.target is not None:
            self.links[entry.path] = entry.target
        elif entry.type in SPECIAL_TYPES:
            self.problems.append(
                PathProblem(
                    entry.path,
                    SPECIAL_FILE,
                    msg("seal.problem.special", type=named(TYPES, entry.type)),
                )
            )

    def finish(self) -> list[PathProblem]:
        for link in sorted(self.links):
            where = resolve(link, self.links, self.link_root)
            target = self.links[link].decode("utf-8", errors="backslashreplace")
            if where == LOOP:
                self.problems.append(
                    PathProblem(
                        link,
                        SYMLINK_LOOP,
                        msg("seal.problem.loop", target=target),
                    )
                )
            elif where == OUTSIDE:
                self.problems.append(
                    PathProblem(
                        link,
                        SYMLINK_OUTSIDE,
                        msg("seal.problem.outside", target=target),
                    )
                )
        self.problems.sort(key=lambda p: (p.path, p.kind))
        return self.problems
