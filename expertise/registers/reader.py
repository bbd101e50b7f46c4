"""Reading the registers (voter list, émargement, paper votes) as organisers export them.

Exports come from spreadsheets and vendor back-offices: "," or ";" separators, a UTF-8
byte-order mark, stray blank lines. Those are tolerated; anything that would make a row
mean something else (a missing column, an empty id, a time without its offset, bytes that
are not UTF-8, a row with too many or too few cells) is a problem named by file, line and
field. A register with problems is "not read completely": the rules may still report what
the rows read do show, but never certify the whole register.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime
from pathlib import Path

from ..i18n import Message, msg
from .observation import Entry, ReadingProblem, RegisterRead

MAX_PROBLEMS = 50  # named one by one; beyond, only counted
FIELD_LIMIT = 1 << 16  # an id or a time is short: a 64 KiB cell is not a register row


class _Reading:
    """The register being read: rows and problems accumulate here, then freeze into a RegisterRead."""

    def __init__(self, label: str, file: str) -> None:
        self.label = label
        self.file = file
        self.entries: list[Entry] = []
        self.problems: list[ReadingProblem] = []
        self.problems_total = 0
        self.sha256 = ""
        self.size = 0

    def note(self, line: int | None, field_name: str, reason: Message) -> None:
        self.problems_total += 1
        if len(self.problems) < MAX_PROBLEMS:  # a Message is built only for the problems named
            self.problems.append(ReadingProblem(file=self.file, line=line, field=field_name, reason=reason))

    def done(self) -> RegisterRead:
        return RegisterRead(label=self.label, file=self.file, entries=tuple(self.entries),
                            problems=tuple(self.problems), problems_total=self.problems_total,
                            sha256=self.sha256, size=self.size)


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _parse_time(text: str) -> datetime | Message:
    """The time, or why it is not one."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return msg("registers.read.not_iso_time", value=repr(text[:40]))
    if value.tzinfo is None:
        return msg("registers.read.no_utc_offset", value=repr(text[:40]))
    return value


def read_register(path: Path, *, label: str, cited_as: str, id_column: str,
                  time_column: str | None = None) -> RegisterRead:
    """Read one register; never raises on content, only records problems."""
    register = _Reading(label, cited_as)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        register.note(None, "", msg("registers.read.cannot_read", error=str(exc.strerror or exc)))
        return register.done()
    register.sha256 = hashlib.sha256(data).hexdigest()
    register.size = len(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        register.note(line, "", msg("registers.read.not_utf8", byte=f"0x{data[exc.start]:02x}", offset=exc.start))
        return register.done()
    lines = io.StringIO(text, newline="")
    header_text = text.split("\n", 1)[0]
    if not header_text.strip():
        register.note(1, "", msg("registers.read.no_header"))
        return register.done()
    old_limit = csv.field_size_limit(FIELD_LIMIT)
    try:
        reader = csv.reader(lines, delimiter=_delimiter(header_text), strict=True)
        try:
            header = [name.strip() for name in next(reader)]
        except (csv.Error, StopIteration) as exc:
            register.note(1, "", msg("registers.read.bad_header", error=str(exc)))
            return register.done()
        columns = {name: index for index, name in enumerate(header)}
        wanted = [id_column] + ([time_column] if time_column else [])
        missing = [name for name in wanted if name not in columns]
        if missing:
            register.note(1, missing[0], msg("registers.read.no_column", column=repr(missing[0]),
                                             header=", ".join(header)[:200]))
            return register.done()
        id_at = columns[id_column]
        time_at = columns[time_column] if time_column else None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                register.note(reader.line_num, "", msg("registers.read.malformed_row", error=str(exc)))
                break  # the CSV state after a quoting error is unreliable: stop, named
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                register.note(line, "", msg("registers.read.cell_count", count=len(row), expected=len(header)))
                continue
            voter_id = row[id_at].strip()
            if not voter_id:
                register.note(line, id_column, msg("registers.read.empty_id"))
                continue
            when = None
            if time_at is not None:
                parsed = _parse_time(row[time_at])
                if isinstance(parsed, Message):
                    register.note(line, time_column or "", parsed)
                    continue
                when = parsed
            register.entries.append(Entry(line, voter_id, when))
    finally:
        csv.field_size_limit(old_limit)
    return register.done()
