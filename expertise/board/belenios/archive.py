"""Streaming reader of the Belenios public board (`<uuid>.bel`): an append-only v7 tar.

Belenios regenerates the archive canonically when it checks it, so every byte of a genuine
board is determined by the records' names, sizes and the header timestamp: tar headers,
checksums, NUL padding, the absence of end-of-archive blocks. We check all of it, so that a
single changed byte anywhere is reported, and we read one record at a time so that memory
does not grow with the board.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from ...i18n import Message, msg
from ..account import record_at

BLOCK = 512
MAX_RECORD = 1 << 28  # a record above 256 MiB is refused rather than read into memory
NAME_RE = re.compile(rb"^([0-9a-f]{64})\.(data|event)\.json$")


class ArchiveError(Exception):
    """A structural defect that stops reading (truncated file, unreadable size…)."""

    def __init__(self, record: Message, field: str, message: Message) -> None:
        super().__init__(record, field, message)
        self.record = record
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Record:
    index: int  # position in the tar file (0 = the BELENIOS header record)
    offset: int  # byte offset of the record's tar header
    name: str
    kind: str  # "header", "data" or "event"
    digest: str  # SHA-256 (hex) of the body
    body: bytes
    mtime: int = 0  # the tar header's mtime (Belenios writes the board's timestamp in every record)

    @property
    def end(self) -> int:
        return self.offset + BLOCK + padded(len(self.body))

    @property
    def short_name(self) -> str:
        return self.name if self.kind == "header" else f"{self.name[:12]}….{self.kind}.json"

    @property
    def label(self) -> Message:
        """Where this record is, as a discrepancy names it."""
        return record_at(self.index, self.short_name, self.offset)


@dataclass(frozen=True)
class Anomaly:
    """A non-fatal defect of one record; reading goes on."""

    record: Message
    field: str
    message: Message


def padded(size: int) -> int:
    return (size + BLOCK - 1) // BLOCK * BLOCK


def tar_header(name: str, size: int, mtime: int) -> bytes:
    """The exact header Belenios writes (old-style tar, mode 0644, uid/gid 0, type '0')."""
    block = bytearray(BLOCK)
    encoded = name.encode("ascii")
    block[0:len(encoded)] = encoded
    block[100:108] = b"0000644\0"
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = b"%011o\0" % size
    block[136:148] = b"%011o\0" % mtime
    block[148:156] = b" " * 8
    block[156:157] = b"0"
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def _octal(field: bytes) -> int | None:
    text = field.rstrip(b"\0 ").lstrip(b" ")
    if not text or not all(48 <= c <= 55 for c in text):
        return None
    return int(text, 8)


def _header_fields(block: bytes) -> tuple[str, int | None, int | None]:
    raw_name = block[:100].split(b"\0", 1)[0]
    try:
        name = raw_name.decode("ascii")
    except UnicodeDecodeError:
        name = raw_name.decode("ascii", errors="replace")
    return name, _octal(block[124:136]), _octal(block[136:148])


def _diagnose_header(block: bytes, name: str, size: int, mtime: int) -> Message:
    expected = tar_header(name, size, mtime) if name.isascii() else b""
    if expected and block[148:156] != expected[148:156]:
        stored = _octal(block[148:155])
        actual = sum(block[:148]) + 8 * 32 + sum(block[156:])
        if stored != actual:
            return msg("board.archive.checksum", stored=stored, computed=actual)
    for start, end, what in ((100, 108, "mode"), (108, 116, "uid"), (116, 124, "gid"), (124, 136, "size"),
                             (136, 148, "mtime"), (148, 156, "checksum"), (156, 157, "type flag"),
                             (0, 100, "name"), (157, 512, "reserved bytes")):
        if not expected or block[start:end] != expected[start:end]:
            return msg("board.archive.header_field", field=what)
    return msg("board.archive.header")


class ArchiveReader:
    """Iterate over the records of a board, checking the container as it goes.

    ``anomalies`` collects the non-fatal defects; a fatal one raises :class:`ArchiveError`
    after the records before it were yielded. ``sha256`` is the digest of every byte read.
    """

    def __init__(self, stream: BinaryIO, total_size: int | None = None, *, offset: int = 0, index: int = 0,
                 timestamp: int | None = None) -> None:
        """``offset``/``index``/``timestamp``: continue a board already read up to a record boundary."""
        self.stream = stream
        self.total_size = total_size
        self.anomalies: list[Anomaly] = []
        self.timestamp: int | None = timestamp
        self.header_json: bytes | None = None
        self.bytes_read = offset
        self.first_index = index
        self._hash = hashlib.sha256()
        self.finished = False

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def _read(self, size: int) -> bytes:
        data = self.stream.read(size)
        self._hash.update(data)
        self.bytes_read += len(data)
        return data

    def _anomaly(self, record: Message, field: str, message: Message) -> None:
        self.anomalies.append(Anomaly(record, field, message))

    def __iter__(self) -> Iterator[Record]:
        index = self.first_index
        while True:
            offset = self.bytes_read
            block = self._read(BLOCK)
            where = msg("board.where.record_offset", index=index, offset=offset)
            if not block:
                if index == 0 and self.bytes_read == 0:
                    raise ArchiveError(where, "file", msg("board.archive.empty"))
                self.finished = True
                return
            if len(block) < BLOCK:
                raise ArchiveError(where, "tar header", msg("board.archive.truncated_header", read=len(block),
                                                            size=BLOCK))
            if block == b"\0" * BLOCK:
                rest = self.stream.read(1 << 16)
                self._hash.update(rest)
                extra = len(rest)
                self.bytes_read += extra
                if extra == 0 or not rest.strip(b"\0"):
                    raise ArchiveError(where, "end of archive", msg("board.archive.end_blocks"))
                raise ArchiveError(where, "tar header", msg("board.archive.zero_block"))
            name, size, mtime = _header_fields(block)
            if size is None:
                raise ArchiveError(where, "tar header size", msg("board.archive.size_not_octal",
                                                                 value=repr(block[124:136])))
            if mtime is None:
                raise ArchiveError(where, "tar header mtime", msg("board.archive.mtime_not_octal",
                                                                  value=repr(block[136:148])))
            label = (record_at(index, name[:24], offset) if name[:24]
                     else msg("board.where.record_unnamed", index=index, offset=offset))
            if size > MAX_RECORD:
                raise ArchiveError(label, "tar header size", msg("board.archive.record_too_large", size=size,
                                                                 limit=MAX_RECORD))
            if self.total_size is not None and offset + BLOCK + size > self.total_size:
                raise ArchiveError(label, "tar header size", msg("board.archive.record_beyond_end", size=size,
                                                                 remaining=self.total_size - offset - BLOCK))
            canonical_header = name.isascii() and len(name) <= 100 and block == tar_header(name, size, mtime)
            if not canonical_header:
                self._anomaly(label, "tar header", _diagnose_header(block, name, size, mtime))
            body = self._read(size)
            if len(body) < size:
                raise ArchiveError(label, "body", msg("board.archive.truncated_body", read=len(body), size=size))
            pad = padded(size) - size
            if pad:
                padding = self._read(pad)
                if len(padding) < pad:
                    raise ArchiveError(label, "padding", msg("board.archive.truncated_padding"))
                if padding.strip(b"\0"):
                    self._anomaly(label, "padding", msg("board.archive.padding_not_zero"))
            digest = hashlib.sha256(body).hexdigest()
            if index == 0:
                if name != "BELENIOS":
                    raise ArchiveError(label, "name", msg("board.archive.not_belenios", name=repr(name)))
                self.header_json = body
                self.timestamp = mtime
                yield Record(index, offset, name, "header", digest, body, mtime)
            else:
                if self.timestamp is not None and mtime != self.timestamp:
                    self._anomaly(label, "tar header mtime",
                                  msg("board.archive.mtime_differs", mtime=str(mtime), timestamp=str(self.timestamp)))
                match = NAME_RE.match(name.encode("ascii", errors="replace"))
                if not match:
                    self._anomaly(label, "name", msg("board.archive.bad_name", name=repr(name[:80])))
                    kind = "event" if name.endswith(".event.json") else "data"
                else:
                    kind = match.group(2).decode()
                    if match.group(1).decode() != digest:
                        self._anomaly(label, "name", msg("board.archive.altered", named=match.group(1).decode()[:16],
                                                         actual=digest[:16]))
                yield Record(index, offset, name, kind, digest, body, mtime)
            index += 1
