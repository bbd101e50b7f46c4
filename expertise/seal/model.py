"""What a seal records about each path, and the one order every list is kept in.

Paths are bytes (a Linux file name need not be UTF-8) relative to the source root, with
``/`` separators. Everything — the walk, ``SHA256SUMS``, the manifest, the Merkle leaves,
the comparison — uses one order: the bytes of the path, a directory compared as if its
name ended with ``/``. That is the order of a depth-first walk whose children are sorted
this way (and git's own tree order), so trees are listed, sealed and compared as streams,
in memory that does not grow with the tree.
"""

from __future__ import annotations

import base64
import json
import stat
from dataclasses import dataclass
from json.encoder import encode_basestring  # the C string encoder json.dumps itself uses
from typing import Any

from ..i18n import Message

FILE = "file"
DIRECTORY = "directory"
SYMLINK = "symlink"
FIFO = "fifo"
SOCKET = "socket"
CHAR_DEVICE = "char-device"
BLOCK_DEVICE = "block-device"
SUBMODULE = "submodule"
TYPES = (FILE, DIRECTORY, SYMLINK, FIFO, SOCKET, CHAR_DEVICE, BLOCK_DEVICE, SUBMODULE)
SPECIAL_TYPES = (FIFO, SOCKET, CHAR_DEVICE, BLOCK_DEVICE)

# Problems: a path the seal could not cover (UNSEALED) or a path sealed with a caveat.
UNREADABLE = "unreadable"
VANISHED = "vanished"
CHANGED_WHILE_READING = "changed-while-reading"
UNLISTABLE = "unlistable-directory"
UNDECODABLE = "undecodable-name"
SUBMODULE_NOT_FOLLOWED = "submodule-not-followed"
SPECIAL_FILE = "special-file"
SYMLINK_LOOP = "symlink-loop"
SYMLINK_OUTSIDE = "symlink-outside"
UNSEALED_KINDS = (
    UNREADABLE,
    VANISHED,
    CHANGED_WHILE_READING,
    UNLISTABLE,
    UNDECODABLE,
    SUBMODULE_NOT_FOLLOWED,
)
CAVEAT_KINDS = (SPECIAL_FILE, SYMLINK_LOOP, SYMLINK_OUTSIDE)
PROBLEM_KINDS = UNSEALED_KINDS + CAVEAT_KINDS


def type_of_mode(mode: int) -> str:
    if stat.S_ISREG(mode):
        return FILE
    if stat.S_ISDIR(mode):
        return DIRECTORY
    if stat.S_ISLNK(mode):
        return SYMLINK
    if stat.S_ISFIFO(mode):
        return FIFO
    if stat.S_ISSOCK(mode):
        return SOCKET
    if stat.S_ISCHR(mode):
        return CHAR_DEVICE
    if stat.S_ISBLK(mode):
        return BLOCK_DEVICE
    return "unknown"


def sort_key(path: bytes, type_: str) -> bytes:
    return path + b"/" if type_ == DIRECTORY else path


def text_field(value: bytes) -> tuple[str, str | None]:
    """The JSON form of a name: UTF-8 text, plus base64 of the raw bytes when not UTF-8."""
    try:
        return value.decode("utf-8"), None
    except UnicodeDecodeError:
        return value.decode("utf-8", errors="backslashreplace"), base64.b64encode(value).decode("ascii")


def shown(value: bytes | str) -> str:
    """A name safe to print on a terminal: control characters escaped like ``ls -b``."""
    text = value.decode("utf-8", errors="backslashreplace") if isinstance(value, bytes) else value
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F or 0x80 <= ord(char) < 0xA0:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return "".join(out)


@dataclass(slots=True)
class Entry:
    """One sealed path. ``mode`` is the permission bits (``None`` where the source has none)."""

    path: bytes
    type: str
    mode: int | None = None
    size: int | None = None
    sha256: str | None = None
    target: bytes | None = None  # symlink target, or a submodule's commit id
    rdev: str | None = None  # "major:minor" of a device

    @property
    def key(self) -> bytes:
        return sort_key(self.path, self.type)

    def to_json(self, source: str) -> dict[str, Any]:
        path, path_b64 = text_field(self.path)
        data: dict[str, Any] = {"path": path, "source": source, "type": self.type}
        if path_b64:
            data["path_b64"] = path_b64
        if self.mode is not None:
            data["mode"] = f"{self.mode:04o}"
        if self.size is not None:
            data["size"] = self.size
        if self.sha256 is not None:
            data["sha256"] = self.sha256
        if self.target is not None:
            target, target_b64 = text_field(self.target)
            data["target"] = target
            if target_b64:
                data["target_b64"] = target_b64
        if self.rdev is not None:
            data["rdev"] = self.rdev
        return data

    def canonical(self, source: str) -> bytes:
        """``canonical(self.to_json(source))``, built directly: this is on the hot path of sealing."""
        path, path_b64 = text_field(self.path)
        parts = []
        if self.mode is not None:
            parts.append(f'"mode":"{self.mode:04o}"')
        parts.append('"path":' + encode_basestring(path))
        if path_b64:
            parts.append(f'"path_b64":"{path_b64}"')
        if self.rdev is not None:
            parts.append('"rdev":' + encode_basestring(self.rdev))
        if self.sha256 is not None:
            parts.append(f'"sha256":"{self.sha256}"')
        if self.size is not None:
            parts.append(f'"size":{int(self.size)}')
        parts.append('"source":' + encode_basestring(source))
        if self.target is not None:
            target, target_b64 = text_field(self.target)
            parts.append('"target":' + encode_basestring(target))
            if target_b64:
                parts.append(f'"target_b64":"{target_b64}"')
        parts.append('"type":' + encode_basestring(self.type))
        return ("{" + ",".join(parts) + "}").encode("utf-8")


@dataclass(slots=True)
class PathProblem:
    """A path the seal could not cover, or covered with a caveat; always reported by name.

    ``message`` says why: a :class:`~expertise.i18n.Message` when this run found it, the
    English text the manifest recorded (``manifest.json`` stays English, as machines read it)
    when it is read back from a seal.
    """

    path: bytes
    kind: str
    message: Message | str

    @property
    def unsealed(self) -> bool:
        return self.kind in UNSEALED_KINDS

    def to_json(self, source: str) -> dict[str, Any]:
        path, path_b64 = text_field(self.path)
        data: dict[str, Any] = {"path": path, "source": source, "kind": self.kind, "message": str(self.message)}
        if path_b64:
            data["path_b64"] = path_b64
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PathProblem":
        path = base64.b64decode(data["path_b64"]) if "path_b64" in data else str(data["path"]).encode("utf-8")
        return cls(path, str(data["kind"]), str(data.get("message", "")))


def canonical(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes of a manifest entry line and of its Merkle leaf."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class Counts:
    files: int = 0
    bytes: int = 0
    directories: int = 0
    symlinks: int = 0
    special: int = 0
    submodules: int = 0
    excluded: int = 0

    def add(self, entry: Entry) -> None:
        if entry.type == FILE:
            self.files += 1
            self.bytes += entry.size or 0
        elif entry.type == DIRECTORY:
            self.directories += 1
        elif entry.type == SYMLINK:
            self.symlinks += 1
        elif entry.type == SUBMODULE:
            self.submodules += 1
        else:
            self.special += 1

    def merge(self, other: "Counts") -> None:
        for key, value in other.__dict__.items():
            setattr(self, key, getattr(self, key) + value)

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class PendingFile:
    """A regular file found by a walk, to be hashed (possibly in another process)."""

    path: bytes
    size_hint: int = 0
