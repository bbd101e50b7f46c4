"""A local folder (or one file), walked without following symbolic links."""

from __future__ import annotations

import os
import socket
import stat
from typing import Any, Iterator

from ...i18n import msg
from ..digest import Hasher
from ..names import TYPES, named
from ..errors import SourceError
from ..model import (
    DIRECTORY,
    FILE,
    SYMLINK,
    UNLISTABLE,
    UNREADABLE,
    VANISHED,
    Entry,
    PendingFile,
    PathProblem,
    sort_key,
    type_of_mode,
)
from . import Child, SourceSpec, depth_first, is_excluded


class LocalSource:
    kind = "dir"

    def __init__(self, spec: SourceSpec, hasher: Hasher) -> None:
        self.spec = spec
        self.hasher = hasher
        self.excluded = 0
        origin = os.fsencode(spec.text)
        try:
            info = os.stat(origin)
        except OSError as exc:
            raise SourceError(msg("seal.source.unreadable", reason=str(exc.strerror)), path=spec.text) from None
        real = os.path.realpath(origin)
        self.single: bytes | None = None
        if stat.S_ISDIR(info.st_mode):
            self.root = real
        elif stat.S_ISREG(info.st_mode):
            self.kind = "file"
            self.root, self.single = os.path.split(real)
        else:
            raise SourceError(
                msg("seal.source.wrong_type", type=named(TYPES, type_of_mode(info.st_mode))), path=spec.text
            )
        self.link_root = self.root

    def items(self) -> Iterator[Entry | PathProblem]:
        return self.hasher.run(self.root, self._walk())

    def _children(self, rel: bytes) -> list[Child] | PathProblem:
        directory = os.path.join(self.root, rel) if rel else self.root
        try:
            with os.scandir(directory) as listing:
                found = list(listing)
        except FileNotFoundError:
            return PathProblem(rel, VANISHED, msg("seal.problem.folder_vanished"))
        except OSError as exc:
            return PathProblem(
                rel, UNLISTABLE, msg("seal.problem.unlistable", reason=str(exc.strerror))
            )
        children: list[Child] = []
        for item in found:
            child = rel + b"/" + item.name if rel else item.name
            if is_excluded(child, self.spec.excludes):
                self.excluded += 1
                continue
            try:
                info: os.stat_result | PathProblem = item.stat(follow_symlinks=False)
            except FileNotFoundError:
                info = PathProblem(child, VANISHED, msg("seal.problem.vanished"))
            except OSError as exc:
                info = PathProblem(child, UNREADABLE, msg("seal.problem.cannot_stat", reason=str(exc.strerror)))
            is_dir = not isinstance(info, PathProblem) and stat.S_ISDIR(info.st_mode)
            children.append((sort_key(child, DIRECTORY if is_dir else FILE), child, info))
        children.sort(key=lambda c: c[0])
        return children

    def _classify(self, rel: bytes, info: os.stat_result) -> Entry | PendingFile | PathProblem:
        kind = type_of_mode(info.st_mode)
        mode = stat.S_IMODE(info.st_mode)
        if kind == FILE:
            return PendingFile(rel, info.st_size)
        if kind == SYMLINK:
            try:
                target = os.readlink(os.path.join(self.root, rel))
            except FileNotFoundError:
                return PathProblem(rel, VANISHED, msg("seal.problem.vanished"))
            except OSError as exc:
                return PathProblem(rel, UNREADABLE, msg("seal.problem.link_unreadable", reason=str(exc.strerror)))
            return Entry(rel, SYMLINK, mode, target=target)
        rdev = None
        if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
            rdev = f"{os.major(info.st_rdev)}:{os.minor(info.st_rdev)}"
        return Entry(rel, kind, mode, rdev=rdev)

    def _walk(self) -> Iterator[Entry | PendingFile | PathProblem]:
        if self.single is not None:
            try:
                info = os.lstat(os.path.join(self.root, self.single))
            except OSError as exc:
                raise SourceError(msg("seal.source.unreadable", reason=str(exc.strerror)), path=self.spec.text) from None
            yield self._classify(self.single, info)
            return
        yield from depth_first(
            lambda rel, _: self._children(rel),
            None,
            lambda info: stat.S_ISDIR(info.st_mode),
            lambda rel, info: Entry(rel, DIRECTORY, stat.S_IMODE(info.st_mode)),
            lambda rel, info: (self._classify(rel, info),),
            self.spec.text,
        )

    def info(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "origin": self.spec.text,
            "root": os.fsdecode(self.root),
            "host": socket.gethostname(),
        }
        if self.single is not None:
            data["file"] = os.fsdecode(self.single)
        if self.spec.excludes:
            data["excludes"] = list(self.spec.excludes)
            data["excluded"] = self.excluded
        return data

    def close(self) -> None:
        pass
