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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..wording import plural_s

MAX_PROBLEMS = 50  # named one by one; beyond, only counted
FIELD_LIMIT = 1 << 16  # an id or a time is short: a 64 KiB cell is not a register row


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str
    fr: str = ""  # the same in French, for the French report

    def __str__(self) -> str:
        where = f"{self.file}" + (f": line {self.line}" if self.line else "") + (f": {self.field}" if self.field else "")
        return f"{where}: {self.message}"

    def in_french(self) -> str:
        where = f"{self.file}" + (f", ligne {self.line}" if self.line else "") + (f", {self.field}" if self.field else "")
        return f"{where} : {self.fr or self.message}"


@dataclass(frozen=True)
class Entry:
    line: int
    voter_id: str
    time: datetime | None = None


@dataclass
class RegisterRead:
    """One register file as read: its rows, what could not be read, and its hash."""

    label: str
    file: str  # as cited in results: relative to the case when it lies inside
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    sha256: str = ""
    size: int = 0

    @property
    def complete(self) -> bool:
        return self.problems_total == 0

    def note(self, line: int | None, field_name: str, message: str, fr: str = "") -> None:
        self.problems_total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.file, line, field_name, message, fr))

    def first_problem(self) -> str:
        return str(self.problems[0]) + (f" (and {self.problems_total - 1} more)" if self.problems_total > 1 else "")

    def first_problem_fr(self) -> str:
        more = self.problems_total - 1
        return self.problems[0].in_french() + (f" (et {more} autre{plural_s(more)})" if more else "")


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _parse_time(text: str) -> tuple[datetime | None, str, str]:
    """(time, why not in English, why not in French)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None, f"not an ISO 8601 time: {text[:40]!r}", f"heure hors du format ISO 8601 : {text[:40]!r}"
    if value.tzinfo is None:
        return (None, f"time without a UTC offset: {text[:40]!r} (write 2026-12-01T09:12:00+01:00)",
                f"heure sans décalage UTC : {text[:40]!r} (écrire 2026-12-01T09:12:00+01:00)")
    return value, "", ""


def read_register(path: Path, *, label: str, cited_as: str, id_column: str,
                  time_column: str | None = None) -> RegisterRead:
    """Read one register; never raises on content, only records problems."""
    register = RegisterRead(label=label, file=cited_as)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        register.note(None, "", f"cannot be read: {exc.strerror or exc}",
                      f"illisible : {exc.strerror or exc}")
        return register
    register.sha256 = hashlib.sha256(data).hexdigest()
    register.size = len(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        register.note(line, "", f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                                "export the file as UTF-8",
                      f"pas en UTF-8 (octet 0x{data[exc.start]:02x} à la position {exc.start}) ; "
                      "exporter le fichier en UTF-8")
        return register
    lines = io.StringIO(text, newline="")
    header_text = text.split("\n", 1)[0]
    if not header_text.strip():
        register.note(1, "", "empty file or empty header row: a header naming the columns is expected",
                      "fichier vide ou ligne d’en-tête vide : une ligne d’en-tête nommant les colonnes est attendue")
        return register
    old_limit = csv.field_size_limit(FIELD_LIMIT)
    try:
        reader = csv.reader(lines, delimiter=_delimiter(header_text), strict=True)
        try:
            header = [name.strip() for name in next(reader)]
        except (csv.Error, StopIteration) as exc:
            register.note(1, "", f"unreadable header row: {exc}", f"ligne d’en-tête illisible : {exc}")
            return register
        columns = {name: index for index, name in enumerate(header)}
        wanted = [id_column] + ([time_column] if time_column else [])
        missing = [name for name in wanted if name not in columns]
        if missing:
            register.note(1, missing[0], f"no column {missing[0]!r} in the header ({', '.join(header)[:200]})",
                          f"pas de colonne {missing[0]!r} dans l’en-tête ({', '.join(header)[:200]})")
            return register
        id_at = columns[id_column]
        time_at = columns[time_column] if time_column else None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                register.note(reader.line_num, "", f"malformed row: {exc}", f"ligne mal formée : {exc}")
                break  # the CSV state after a quoting error is unreliable: stop, named
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                register.note(line, "", f"{len(row)} cells where the header has {len(header)}",
                              f"{len(row)} cellules alors que l’en-tête en compte {len(header)}")
                continue
            voter_id = row[id_at].strip()
            if not voter_id:
                register.note(line, id_column, "empty voter id", "identifiant d’électeur vide")
                continue
            when = None
            if time_at is not None:
                when, why, why_fr = _parse_time(row[time_at])
                if when is None:
                    register.note(line, time_column or "", why, why_fr)
                    continue
            register.entries.append(Entry(line, voter_id, when))
    finally:
        csv.field_size_limit(old_limit)
    return register
