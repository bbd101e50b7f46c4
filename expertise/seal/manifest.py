"""``manifest.json`` and ``SHA256SUMS``: written as one stream, read back as one stream.

The manifest is ordinary JSON, but laid out so that neither writing nor reading holds
the whole tree in memory: the header comes first and ``entries`` is the last key, one
canonical JSON object per line. The writer appends each entry to a temporary file while
it updates the Merkle tree and ``SHA256SUMS``; the reader parses the header key by key
and then yields entries one at a time (``json.JSONDecoder.raw_decode`` over a sliding
buffer), so verifying a seal of millions of files needs no more memory than a small one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from .coreutils import sums_line
from ..i18n import Message, msg
from .errors import SealBroken
from .merkle import ALGORITHM, MerkleBuilder
from .model import FILE, Entry

FORMAT = "expertise-seal/1"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
READ_CHUNK = 1 << 20
MAX_VALUE = 64 << 20
WRITE_BATCH = 4096


def sums_name(source: str, path: bytes, multi: bool) -> bytes:
    return source.encode("utf-8") + b"/" + path if multi else path


class ManifestWriter:
    """Streams entries into ``SHA256SUMS``, the Merkle tree and a temporary entries file."""

    def __init__(self, folder: Path, multi: bool) -> None:
        self.folder = folder
        self.multi = multi
        self.sums_path = folder / SUMS
        self._sums: BinaryIO = open(self.sums_path, "xb")
        self._entries_path = folder / ".entries.tmp"
        self._entries: BinaryIO = open(self._entries_path, "xb")
        self._sums_digest = hashlib.sha256()
        self.sums_lines = 0
        self.merkle = MerkleBuilder()
        self.entries = 0
        self._last_key: bytes | None = None
        self._pending_entries: list[bytes] = []
        self._pending_sums: list[bytes] = []

    def add(self, source: str, entry: Entry) -> None:
        key = sums_name(source, entry.key, self.multi)
        if self._last_key is not None and key <= self._last_key:
            raise AssertionError(f"entries out of order: {key!r} after {self._last_key!r}")
        self._last_key = key
        line = entry.canonical(source)
        self._pending_entries.append(line)
        self.merkle.add(line)
        self.entries += 1
        if entry.type == FILE:
            assert entry.sha256 is not None
            self._pending_sums.append(sums_line(entry.sha256, sums_name(source, entry.path, self.multi)))
            self.sums_lines += 1
        if len(self._pending_entries) >= WRITE_BATCH:
            self._flush()

    def _flush(self) -> None:
        """Lines are written in batches: one write call per few thousand entries."""
        if self._pending_entries:
            self._entries.write(b"\n".join(self._pending_entries) + b"\n")
            self._pending_entries.clear()
        if self._pending_sums:
            block = b"".join(self._pending_sums)
            self._sums.write(block)
            self._sums_digest.update(block)
            self._pending_sums.clear()

    def close_sums(self) -> dict[str, Any]:
        self._flush()
        self._sums.flush()
        os.fsync(self._sums.fileno())
        self._sums.close()
        self._entries.close()
        return {"file": SUMS, "sha256": self._sums_digest.hexdigest(), "lines": self.sums_lines}

    def merkle_info(self) -> dict[str, Any]:
        return {"algorithm": ALGORITHM, "root": self.merkle.root(), "leaves": self.merkle.size}

    def write_manifest(self, header: dict[str, Any]) -> Path:
        """Header first, then the entries, one per line; ``entries`` is the last key."""
        if "entries" in header:
            raise AssertionError("the header must not hold entries")
        path = self.folder / MANIFEST
        head = json.dumps(header, indent=2, ensure_ascii=False)
        assert head.endswith("\n}")
        with open(path, "xb") as out, open(self._entries_path, "rb") as entries:
            out.write(head[:-2].encode("utf-8"))
            out.write(b',\n  "entries": [')
            first = True
            for line in entries:
                out.write((b"\n    " if first else b",\n    ") + line.rstrip(b"\n"))
                first = False
            out.write(b"\n  ]\n}\n" if not first else b"]\n}\n")
            out.flush()
            os.fsync(out.fileno())
        self._entries_path.unlink()
        return path

    def discard(self) -> None:
        for handle in (self._sums, self._entries):
            if not handle.closed:
                handle.close()
        self._entries_path.unlink(missing_ok=True)


_WHITESPACE = re.compile(r"[ \t\n\r]*")


class ManifestReader:
    """Streaming reader: :meth:`header` first, then :meth:`entries` once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = open(path, "r", encoding="utf-8", errors="strict", newline="")
        self._buf = ""
        self._pos = 0
        self._consumed = 0
        self._eof = False
        self._decoder = json.JSONDecoder()
        self._header: dict[str, Any] | None = None

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> "ManifestReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _broken(self, message: Message, field: str | None = None) -> SealBroken:
        return SealBroken(message, path=str(self.path), field=field)

    def _fill(self) -> bool:
        if self._eof:
            return False
        try:
            chunk = self._handle.read(READ_CHUNK)
        except UnicodeDecodeError as exc:
            raise self._broken(msg("seal.manifest.not_utf8", reason=str(exc.reason))) from None
        if not chunk:
            self._eof = True
            return False
        self._consumed += self._pos
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def _skip(self) -> None:
        while True:
            self._pos = _WHITESPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf) or not self._fill():
                return

    def _peek(self) -> str:
        self._skip()
        return self._buf[self._pos] if self._pos < len(self._buf) else ""

    def _where(self) -> int:
        """The character where reading stands, for a diagnostic."""
        return self._consumed + self._pos

    def _expect(self, char: str, what: Message) -> None:
        seen = self._peek()
        if seen != char:
            raise self._broken(
                msg("seal.manifest.expected", at=self._where(), char=repr(char), what=what, found=repr(seen))
                if seen else msg("seal.manifest.expected_eof", at=self._where(), char=repr(char), what=what)
            )
        self._pos += 1

    def _value(self) -> Any:
        self._skip()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if len(self._buf) - self._pos > MAX_VALUE:
                    raise self._broken(msg("seal.manifest.value_too_large", at=self._where(),
                                           limit=MAX_VALUE)) from None
                if self._fill():
                    continue
                truncated = exc.pos >= len(self._buf) - 1 or exc.msg.startswith("Unterminated")
                raise self._broken(
                    msg("seal.manifest.malformed", at=self._consumed + exc.pos, reason=exc.msg)
                    if not truncated else
                    msg("seal.manifest.malformed_truncated", at=self._consumed + exc.pos, reason=exc.msg)
                ) from None
            if end == len(self._buf) and self._fill():
                continue  # a number may continue in the next chunk
            self._pos = end
            return value

    def header(self) -> dict[str, Any]:
        if self._header is not None:
            return self._header
        header: dict[str, Any] = {}
        self._expect("{", msg("seal.manifest.at_start"))
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise self._broken(msg("seal.manifest.key_not_string", at=self._where()))
            self._expect(":", msg("seal.manifest.after_key", key=repr(key)))
            if key == "entries":
                self._expect("[", msg("seal.manifest.open_entries"))
                break
            if key in header:
                raise self._broken(msg("seal.manifest.key_twice", key=repr(key)), field=key)
            header[key] = self._value()
            separator = self._peek()
            if separator == ",":
                self._pos += 1
                continue
            raise self._broken(msg("seal.manifest.no_entries"), field="entries")
        self._header = header
        return header

    def entries(self) -> Iterator[Any]:
        self.header()
        if self._peek() == "]":
            self._pos += 1
        else:
            while True:
                yield self._value()
                separator = self._peek()
                if separator == ",":
                    self._pos += 1
                    continue
                if separator == "]":
                    self._pos += 1
                    break
                raise self._broken(
                    msg("seal.manifest.entries_separator", at=self._where(), found=repr(separator))
                    if separator else msg("seal.manifest.entries_eof", at=self._where()),
                    field="entries",
                )
        self._expect("}", msg("seal.manifest.after_entries"))
        if self._peek():
            raise self._broken(msg("seal.manifest.trailing", at=self._where()))
