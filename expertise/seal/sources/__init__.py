"""Where sealed files come from: a local folder or file, a git commit, or a host over SFTP.

Every source lists its paths in the seal's one order (see :mod:`expertise.seal.model`)
and hashes file contents as it goes, so the seal is written as a stream. A source also
describes itself for the manifest (origin, commit and tree ids, host key…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

from ...i18n import msg
from ..errors import SourceError, UsageError
from ..model import Entry, PathProblem

NAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class SshOptions:
    known_hosts: str = ""
    host_key_fingerprint: str = ""
    identity: str = ""
    timeout: float = 20.0


@dataclass(frozen=True)
class SourceSpec:
    """A SOURCE argument: ``PATH``, ``git:PATH[@REV]`` or ``ssh://user@host[:port]/path``."""

    name: str
    text: str
    scheme: str  # "local", "git" or "ssh"
    excludes: tuple[str, ...] = ()
    ssh: SshOptions = field(default_factory=SshOptions)


def default_name(text: str) -> str:
    if text.startswith("git:"):
        path = split_git(text[4:])[0]
        base = Path(path).resolve().name
    elif text.startswith("ssh://"):
        from urllib.parse import urlsplit

        parts = urlsplit(text)
        base = Path(parts.path).name or (parts.hostname or "remote")
    else:
        base = Path(text).resolve().name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-.") or "source"
    return cleaned


def split_git(rest: str) -> tuple[str, str | None]:
    """``PATH[@REV]``: the last ``@`` separates a revision unless the whole text is a path."""
    if "@" in rest:
        path, rev = rest.rsplit("@", 1)
        if path and rev and (Path(path).exists() or not Path(rest).exists()):
            return path, rev
    return rest, None


def parse_source(
    text: str, *, name: str | None = None, excludes: tuple[str, ...] = (), ssh: SshOptions | None = None
) -> SourceSpec:
    """Parse ``[NAME=]SOURCE``."""
    if name is None and "=" in text:
        head, tail = text.split("=", 1)
        if NAME_PATTERN.match(head) and tail:
            name, text = head, tail
    if not text:
        raise UsageError(msg("seal.source.empty"))
    if text.startswith("git:"):
        scheme = "git"
        if not text[4:]:
            raise UsageError(msg("seal.source.git_without_path", source=repr(text)))
    elif text.startswith("ssh://"):
        scheme = "ssh"
    elif "://" in text:
        raise UsageError(msg("seal.source.unsupported", source=repr(text)))
    else:
        scheme = "local"
    name = name or default_name(text)
    if not NAME_PATTERN.match(name) or name in (".", ".."):
        raise UsageError(msg("seal.source.bad_name", name=repr(name)))
    return SourceSpec(name=name, text=text, scheme=scheme, excludes=excludes, ssh=ssh or SshOptions())


class Source(Protocol):
    spec: SourceSpec
    kind: str
    link_root: bytes | None  # absolute root that absolute symlink targets are compared with

    def items(self) -> Iterator[Entry | PathProblem]: ...

    def info(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


def open_source(spec: SourceSpec, hasher: Any) -> Source:
    if spec.scheme == "git":
        from .gitsource import GitSource

        return GitSource(spec)
    if spec.scheme == "ssh":
        from .ssh import SshSource

        return SshSource(spec)
    from .local import LocalSource

    return LocalSource(spec, hasher)


def is_excluded(rel: bytes, patterns: tuple[str, ...]) -> bool:
    """A pattern matches the whole relative path or any one name in it (``.git``, ``*.pyc``)."""
    if not patterns:
        return False
    from fnmatch import fnmatchcase

    text = rel.decode("utf-8", errors="surrogateescape")
    names = text.split("/")
    return any(
        fnmatchcase(text, pattern) or any(fnmatchcase(n, pattern) for n in names) for pattern in patterns
    )


Child = tuple[bytes, bytes, Any]  # (sort key, relative path, what the source knows of the path)


def depth_first(
    children: Callable[[bytes, Any], list[Child] | PathProblem],
    top: Any,
    is_folder: Callable[[Any], bool],
    folder: Callable[[bytes, Any], Entry | None],
    leaf: Callable[[bytes, Any], Iterable[Entry | PathProblem | Any]],
    origin: str,
) -> Iterator[Any]:
    """Every path in the seal's order: each folder's children sorted, a folder's content right after it.

    ``children(rel, info)`` lists one folder (sorted, or a PathProblem when it cannot be listed);
    ``folder`` gives the folder's own entry (None where the source records no folders);
    ``leaf`` gives what a non-folder path contributes. An explicit stack, not recursion:
    a deep tree costs memory in proportion to its depth only.
    """
    listed = children(b"", top)
    if isinstance(listed, PathProblem):
        raise SourceError(listed.message, path=origin)
    stack = [iter(listed)]
    while stack:
        try:
            _, rel, info = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        if isinstance(info, PathProblem):
            yield info
        elif is_folder(info):
            entry = folder(rel, info)
            if entry is not None:
                yield entry
            listed = children(rel, info)
            if isinstance(listed, PathProblem):
                yield listed
            else:
                stack.append(iter(listed))
        else:
            yield from leaf(rel, info)
