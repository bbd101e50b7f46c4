"""A git commit (GitPython): the files of that commit, hashed from the object database.

The commit and tree ids are recorded, but the seal also holds a SHA-256 of every file's
content: git object ids are SHA-1 in most repositories, and a stock ``sha256sum -c``
needs plain file digests. The working tree is examined as well, because what runs is
often a checkout: uncommitted changes and untracked files are recorded as findings, and
files ignored by ``.gitignore`` are listed too (a built binary or a local configuration
file is deployable yet in no commit), so that nothing beside the seal goes unmentioned.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Iterator

import git

from ...i18n import msg
from ..errors import SourceError
from ..model import DIRECTORY, FILE, SUBMODULE, SUBMODULE_NOT_FOLLOWED, SYMLINK, Entry, PathProblem, sort_key
from . import Child, SourceSpec, depth_first, is_excluded, split_git

CHUNK = 1 << 20
LIST_CAP = 1000
_SYMLINK_MODE = 0o120000
_SUBMODULE_MODE = 0o160000


class GitSource:
    kind = "git"
    link_root: bytes | None = None

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.excluded = 0
        path, rev = split_git(spec.text[4:])
        self.path = path
        self.rev = rev or "HEAD"
        try:
            self.repo = git.Repo(path, search_parent_directories=True)
        except git.NoSuchPathError:
            raise SourceError(msg("seal.source.no_folder"), path=path) from None
        except git.InvalidGitRepositoryError:
            raise SourceError(msg("seal.source.not_git"), path=path) from None
        self.subdir = ""
        if not self.repo.bare and self.repo.working_tree_dir:
            top = Path(self.repo.working_tree_dir).resolve()
            here = Path(path).resolve()
            if here != top:
                try:
                    self.subdir = here.relative_to(top).as_posix()
                except ValueError:
                    self.subdir = ""
        try:
            self.commit = self.repo.commit(self.rev)
        except (git.BadName, git.BadObject, ValueError, git.GitCommandError):
            self.repo.close()
            raise SourceError(msg("seal.source.unknown_revision", revision=repr(self.rev)), path=path) from None
        try:
            self.tree = self.commit.tree / self.subdir if self.subdir else self.commit.tree
        except KeyError:
            self.repo.close()
            raise SourceError(msg("seal.source.not_in_commit", folder=repr(self.subdir), commit=self.commit.hexsha), path=path) from None

    def _children(self, prefix: bytes, tree: Any) -> list[Child]:
        children = []
        for item in tree:
            name = os.fsencode(item.path.rsplit("/", 1)[-1])  # Submodule objects have no usable .name
            rel = prefix + b"/" + name if prefix else name
            if is_excluded(rel, self.spec.excludes):
                self.excluded += 1
                continue
            kind = DIRECTORY if item.type == "tree" else FILE
            children.append((sort_key(rel, kind), rel, item))
        children.sort(key=lambda c: c[0])
        return children

    def _leaf(self, rel: bytes, item: Any) -> Iterator[Entry | PathProblem]:
        if item.mode == _SUBMODULE_MODE or item.type in ("submodule", "commit"):
            yield Entry(rel, SUBMODULE, target=item.hexsha.encode("ascii"))
            yield PathProblem(
                rel,
                SUBMODULE_NOT_FOLLOWED,
                msg("seal.problem.submodule", commit=item.hexsha),
            )
        elif item.mode == _SYMLINK_MODE:
            yield Entry(rel, SYMLINK, target=item.data_stream.read())
        else:
            digest = hashlib.sha256()
            stream = item.data_stream
            size = 0
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
            yield Entry(rel, FILE, 0o755 if item.mode & 0o111 else 0o644, size, digest.hexdigest())

    def items(self) -> Iterator[Entry | PathProblem]:
        # a commit records no folders: they are walked, not listed as entries
        return depth_first(
            self._children,
            self.tree,
            lambda item: item.type == "tree",
            lambda rel, item: None,
            self._leaf,
            self.spec.text,
        )

    def _working_tree(self) -> dict[str, Any]:
        if self.repo.bare or not self.repo.working_tree_dir:
            return {"bare": True}
        try:
            head = self.repo.head.commit.hexsha
        except ValueError:
            head = None
        raw = self.repo.git.status(
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--ignored=matching",
            "--",
            self.subdir or ".",
            strip_newline_in_stdout=False,
        )
        modified: list[str] = []
        untracked: list[str] = []
        ignored: list[str] = []
        fields = raw.split("\0")
        index = 0
        while index < len(fields):
            record = fields[index]
            index += 1
            if len(record) < 4:
                continue
            code, name = record[:2], record[3:]
            if code == "??":
                untracked.append(name)
            elif code == "!!":
                ignored.append(name)
            else:
                modified.append(f"{code.strip()} {name}")
                if code[0] in "RC":
                    index += 1  # the original name of a rename or copy
        return {
            "path": self.repo.working_tree_dir,
            "head": head,
            "at_sealed_commit": head == self.commit.hexsha,
            "clean": not modified and not untracked,
            "uncommitted_count": len(modified),
            "untracked_count": len(untracked),
            "uncommitted": modified[:LIST_CAP],
            "untracked": untracked[:LIST_CAP],
            "ignored_count": len(ignored),  # beside the seal, not a finding of SEAL-002: named
            "ignored": ignored[:LIST_CAP],
        }

    def info(self) -> dict[str, Any]:
        try:
            object_format = self.repo.git.rev_parse("--show-object-format")
        except git.GitCommandError:
            object_format = "sha1"
        data: dict[str, Any] = {
            "kind": "git",
            "origin": self.spec.text,
            "repository": str(Path(self.repo.working_tree_dir or self.repo.git_dir).resolve()),
            "revision": self.rev,
            "commit": self.commit.hexsha,
            "tree": self.tree.hexsha,
            "object_format": object_format,
            "commit_date": self.commit.committed_datetime.isoformat(),
            "author": f"{self.commit.author.name} <{self.commit.author.email}>",
            "summary": self.commit.summary if isinstance(self.commit.summary, str) else "",
            "working_tree": self._working_tree(),
        }
        if self.subdir:
            data["subdir"] = self.subdir
            data["commit_tree"] = self.commit.tree.hexsha
        if self.spec.excludes:
            data["excludes"] = list(self.spec.excludes)
            data["excluded"] = self.excluded
        return data

    def close(self) -> None:
        self.repo.close()
