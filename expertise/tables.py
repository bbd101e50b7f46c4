"""Tabular files as organisers and providers really export them: CSV of any dialect, and XLSX.

Registers (electoral list, émargement, paper votes) and a provider's log exports arrive from HR
software, spreadsheets and vendor back-offices: ``;`` or tab separators, a UTF-8 byte-order mark
or Windows-1252 bytes, a title row and a merged banner above the header, ids typed as Excel
numbers, dates in ``JJ/MM/AAAA HH:MM`` local time. This module reads all of them into one shape —
every cell a trimmed string, each wanted column found by its *role* (a field such as ``voter_id``)
among the header synonyms people actually write — and refuses, with file, line (Excel row) and
field named, anything that would make a row mean something else. A file is read whole or not at
all: a :class:`TableError` means nothing of it may be counted.

Nothing is guessed on the expert's behalf: an encoding that is not UTF-8 is *stated* in the
:class:`Table` (the report says which one was assumed), a local time is read only in an IANA zone
the caller names (never the machine's), day-first dates are read day first. Cells that look like
spreadsheet formulas are data, never evaluated, and :func:`neutralise` defuses them in any CSV or
XLSX the tool writes back as evidence.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import UsageError
from .i18n import Arg, Message, msg

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

CELL_LIMIT = 1 << 16  # an id, a name or a time is short: a 64 KiB cell is not a register row
HEADER_SEARCH = 30  # rows looked at for the header (title rows and banners above it are skipped)
FORMULA_START = ("=", "+", "-", "@")  # what a spreadsheet would run as a formula (CSV injection)
SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"


class TableError(UsageError):
    """A tabular file that cannot be read whole: where (file, line or Excel row, field) and why.

    It is a :class:`UsageError` (exit 2): the organiser must re-export the file, and nothing of it
    may be counted."""

    def __init__(self, file: str, reason: Message, *, line: int | None = None, field: str = "") -> None:
        self.file = file
        self.line = line
        self.field_name = field
        self.reason = reason
        super().__init__(located(file, reason, line=line, field=field))


def located(file: str, reason: Message, *, line: int | None = None, field: str = "") -> Message:
    """A reason with where it is, the way each language says a place in a file."""
    if line and field:
        return msg("tables.at_line_field", file=file, line=line, field=field, reason=reason)
    if line:
        return msg("tables.at_line", file=file, line=line, reason=reason)
    if field:
        return msg("tables.at_field", file=file, field=field, reason=reason)
    return msg("tables.in_file", file=file, reason=reason)


def normalised(name: str) -> str:
    """A header as compared: no accents, no case, punctuation as spaces (``N° RPPS`` = ``n rpps``)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


@dataclass(frozen=True)
class Column:
    """A column role: the field a reader wants, and the header names people give it."""

    field: str  # e.g. "voter_id"
    synonyms: tuple[str, ...]  # header names, compared normalised
    required: bool = True

    def matches(self, header: str) -> bool:
        wanted = {normalised(s) for s in self.synonyms + (self.field,)}
        return normalised(header) in wanted


@dataclass(frozen=True)
class FormulaCell:
    """A cell that a spreadsheet would run as a formula: kept as text, reported."""

    line: int
    column: str


@dataclass
class Table:
    """A file as read: the wanted columns by field, every cell a trimmed string.

    ``lines[i]`` is where row ``i`` starts in the file (the CSV line or the Excel row), so that any
    finding on a row can name it. ``other_columns`` are the header names no role claimed (a list
    holding more than it should is a finding for its readers)."""

    file: str
    kind: str  # "csv" or "xlsx"
    sha256: str
    size: int
    columns: dict[str, list[str]]  # field → cells
    headers: dict[str, str]  # field → header as written in the file
    lines: list[int]
    header_line: int
    other_columns: tuple[str, ...] = ()
    encoding: str = ""  # for CSV: the encoding read ("utf-8", "utf-8-sig", "cp1252", or the one imposed)
    encoding_detected: bool = False  # the encoding is not UTF-8 and was not imposed: say which one was assumed
    delimiter: str = ""
    sheet: str = ""
    formulas: list[FormulaCell] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def column(self, name: str) -> list[str]:
        return self.columns[name]

    def times(self, name: str, zone: str | None, *, zone_option: str = "--timezone") -> list[datetime]:
        """The column's times, each aware (UTC); see :func:`parse_times`."""
        return parse_times(self.columns[name], self.lines, file=self.file, field=self.headers[name],
                           zone=zone, zone_option=zone_option)

    def instants(self, name: str, zone: str | None, *, zone_option: str = "--timezone") -> "np.ndarray[Any, Any]":
        """The column's times as one ``datetime64[ns]`` array in UTC; see :func:`parse_instants`."""
        return parse_instants(self.columns[name], self.lines, file=self.file, field=self.headers[name],
                              zone=zone, zone_option=zone_option)


# --- reading -----------------------------------------------------------------------------------


def read_table(path: Path, columns: Sequence[Column], *, cited_as: str | None = None,
               encoding: str | None = None, sheet: str | None = None,
               overrides: Mapping[str, str] | None = None) -> Table:
    """Read a CSV, XLSX or JSON file (by its content: an XLSX is a zip, a JSON export an array of
    objects or one object per line) into a :class:`Table`.

    ``overrides`` maps a field to the header name the file uses for it (``--column``), replacing
    the synonyms; ``encoding`` imposes the CSV encoding; ``sheet`` names the XLSX sheet (else the
    first). Raises :class:`TableError` on anything that keeps the file from being read whole."""
    file = cited_as or str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TableError(file, msg("tables.cannot_read", error=str(exc.strerror or exc))) from None
    wanted = _with_overrides(columns, overrides or {})
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data, file, wanted, sheet)
    elif data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        if sheet:
            raise TableError(file, msg("tables.sheet_on_csv", sheet=sheet))
        table = _read_json(data, file, wanted)
    else:
        if sheet:
            raise TableError(file, msg("tables.sheet_on_csv", sheet=sheet))
        table = _read_csv(data, file, wanted, encoding)
    table.sha256 = hashlib.sha256(data).hexdigest()
    table.size = len(data)
    return table


def _with_overrides(columns: Sequence[Column], overrides: Mapping[str, str]) -> list[Column]:
    known = {c.field for c in columns}
    for name in overrides:
        if name not in known:
            raise UsageError(msg("tables.unknown_field", field=name, fields=list[Arg](sorted(known))))
    return [Column(c.field, (overrides[c.field],), c.required) if c.field in overrides else c for c in columns]


def _decode(data: bytes, file: str, encoding: str | None) -> tuple[str, str, bool]:
    """The text, the encoding read, and whether it was assumed (not UTF-8 and not imposed)."""
    if encoding:
        try:
            return data.decode(encoding), encoding, False
        except LookupError:
            raise UsageError(msg("tables.unknown_encoding", encoding=encoding)) from None
        except UnicodeDecodeError as exc:
            raise TableError(file, msg("tables.not_in_encoding", encoding=encoding, byte=f"0x{data[exc.start]:02x}",
                                       offset=exc.start), line=data[:exc.start].count(b"\n") + 1) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", False
        except UnicodeDecodeError as exc:
            raise TableError(file, msg("tables.not_in_encoding", encoding="utf-16", byte=f"0x{data[exc.start]:02x}",
                                       offset=exc.start)) from None
    try:
        return data.decode("utf-8-sig"), ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"), False
    except UnicodeDecodeError:
        pass
    try:  # Excel's "CSV" on French Windows; the five bytes cp1252 leaves undefined fall back to Latin-1
        return data.decode("cp1252"), "cp1252", True
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", True


def _sniff(text: str) -> str:
    sample = text[:SNIFF_BYTES]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:  # one column, or too irregular a sample: the most frequent candidate of the lines
        head = sample.splitlines()[:HEADER_SEARCH]
        counts = {d: sum(line.count(d) for line in head) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _find_header(rows: Iterable[tuple[int, list[str]]], file: str,
                 columns: Sequence[Column]) -> tuple[int, list[str], dict[str, int]]:
    """The first row naming every required column: (its line, its cells, field → index)."""
    first: list[str] | None = None
    seen = 0
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        seen += 1
        names = [c.strip() for c in cells]
        if first is None or sum(map(bool, names)) > sum(map(bool, first)):
            first = names  # the row most like a header, to show when none names the columns
        found = {c.field: [i for i, name in enumerate(names) if name and c.matches(name)] for c in columns}
        if all(found[c.field] for c in columns if c.required):
            for c in columns:
                if len(found[c.field]) > 1:
                    same: list[Arg] = [names[i] for i in found[c.field]]
                    raise TableError(file, msg("tables.header_twice", headers=same), line=line, field=c.field)
            counts: dict[str, int] = {}
            for name in names:
                if name:
                    counts[name] = counts.get(name, 0) + 1
            twice: list[Arg] = [name for name in sorted(counts) if counts[name] > 1]
            if twice:
                raise TableError(file, msg("tables.header_twice", headers=twice), line=line, field=str(twice[0]))
            return line, names, {f: idx[0] for f, idx in found.items() if idx}
        if seen >= HEADER_SEARCH:
            break
    if first is None:
        raise TableError(file, msg("tables.empty"))
    missing = [c for c in columns if c.required
               and not any(c.matches(n) for n in first)]
    wanted = missing[0] if missing else columns[0]
    raise TableError(file, msg("tables.no_header", field=wanted.field, names=list[Arg](wanted.synonyms),
                               header=", ".join(n for n in first if n)[:200]), field=wanted.field)


def _read_csv(data: bytes, file: str, columns: Sequence[Column], encoding: str | None) -> Table:
    text, used, assumed = _decode(data, file, encoding)
    if not text.strip():
        raise TableError(file, msg("tables.empty"))
    if "\x00" in text:
        at = text.index("\x00")
        raise TableError(file, msg("tables.nul_byte"), line=text.count("\n", 0, at) + text.count("\r", 0, at)
                         - text.count("\r\n", 0, at) + 1)
    delimiter = _sniff(text)
    old_limit = csv.field_size_limit(CELL_LIMIT)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

        def numbered() -> Iterable[tuple[int, list[str]]]:
            start = 1
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise TableError(file, _csv_error(exc), line=reader.line_num) from None
                yield start, row
                start = reader.line_num + 1

        rows = numbered()
        header_line, names, index = _find_header(rows, file, columns)
        body = _read_body_fast(text, file, header_line, names, index, delimiter)
        if body is None:
            body = _read_body_exact(rows, file, names, index)
    finally:
        csv.field_size_limit(old_limit)
    cells, lines, formulas = body
    return Table(file=file, kind="csv", sha256="", size=0, columns=cells,
                 headers={f: names[i] for f, i in index.items()}, lines=lines, header_line=header_line,
                 other_columns=tuple(n for i, n in enumerate(names) if n and i not in index.values()),
                 encoding=used, encoding_detected=assumed, delimiter=delimiter, formulas=formulas)


def _read_json(data: bytes, file: str, columns: Sequence[Column]) -> Table:
    """A JSON export — an array of objects, or JSON Lines (one object per line) — as a table whose
    header is every key met, in order; each record is named by the line it starts on. Values are
    data: numbers keep their digits, nothing nested is flattened silently."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TableError(file, msg("tables.not_in_encoding", encoding="utf-8"), line=line) from None
    if "\x00" in text:
        raise TableError(file, msg("tables.nul_byte"), line=text.count("\n", 0, text.index("\x00")) + 1)
    records = list(_json_records(text, file))
    if not records:
        raise TableError(file, msg("tables.empty"))
    keys: dict[str, None] = {}
    for _, record in records:
        keys.update(dict.fromkeys(record))
    names = list(keys)
    rows = [(records[0][0], names)] + [(line, [_json_cell(record.get(name), file, line, name) for name in names])
                                       for line, record in records]
    numbered = iter(rows)
    header_line, names, index = _find_header(numbered, file, columns)
    cells, lines, formulas = _read_body_exact(numbered, file, names, index)
    return Table(file=file, kind="json", sha256="", size=0, columns=cells,
                 headers={f: names[i] for f, i in index.items()}, lines=lines, header_line=header_line,
                 other_columns=tuple(n for i, n in enumerate(names) if n and i not in index.values()),
                 encoding="utf-8", formulas=formulas)


def _json_records(text: str, file: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, object) for each record, by decoding one value at a time so that each is located."""
    decoder = json.JSONDecoder()

    def line_at(position: int) -> int:
        return text.count("\n", 0, position) + 1

    def decoded(position: int) -> tuple[Any, int]:
        try:
            return decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise TableError(file, msg("tables.malformed", error=exc.msg), line=exc.lineno) from None

    position = len(text) - len(text.lstrip())
    if text.startswith("[", position):
        position += 1
        while True:
            position = _skip_space(text, position)
            if text.startswith("]", position):
                break
            start = position
            value, position = decoded(position)
            if not isinstance(value, dict):
                raise TableError(file, msg("tables.json_not_object"), line=line_at(start))
            yield line_at(start), value
            position = _skip_space(text, position)
            if text.startswith(",", position):
                position += 1
            elif not text.startswith("]", position):
                raise TableError(file, msg("tables.malformed", error="',' or ']' expected"), line=line_at(position))
        if text[position + 1:].strip():
            raise TableError(file, msg("tables.malformed", error="data after the array"), line=line_at(position + 1))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TableError(file, msg("tables.malformed", error=exc.msg), line=number) from None
        if not isinstance(value, dict):
            raise TableError(file, msg("tables.json_not_object"), line=number)
        yield number, value


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _json_cell(value: Any, file: str, line: int, field: str) -> str:
    """A JSON value as the text a register cell would hold; a nested value is refused, named."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value) if not value.is_integer() else str(int(value))
    else:
        raise TableError(file, msg("tables.json_nested"), line=line, field=field)
    if len(text) >= CELL_LIMIT:
        raise TableError(file, msg("tables.cell_too_long", limit=CELL_LIMIT), line=line, field=field)
    return text


def _read_body_exact(rows: Iterable[tuple[int, list[str]]], file: str, names: list[str],
                     index: dict[str, int]) -> tuple[dict[str, list[str]], list[int], list[FormulaCell]]:
    """The rows under the header by the csv module, each problem named by its line."""
    width = len(names)
    cells: dict[str, list[str]] = {f: [] for f in index}
    lines: list[int] = []
    formulas: list[FormulaCell] = []
    appenders = [(i, cells[f].append) for f, i in index.items()]
    suspect = _SUSPECT_CELL.search
    for line, row in rows:
        joined = "\x1f".join(row)
        if not joined.strip(" \t\x1f"):
            continue  # a blank line, or one of empty cells
        if len(row) != width:
            if len(row) > width:
                if "".join(row[width:]).strip():
                    raise TableError(file, msg("tables.too_many_cells", count=len(row), expected=width), line=line)
                row = row[:width]
            else:
                row = row + [""] * (width - len(row))
        lines.append(line)
        for i, add in appenders:
            add(row[i].strip())
        if suspect(joined):  # one regex per row, not one test per cell
            formulas += [FormulaCell(line, names[i]) for i, cell in enumerate(row) if _formula_like(cell)]
    return cells, lines, formulas


_LINE_END = re.compile(r"\r\n|\r|\n")


def _read_body_fast(text: str, file: str, header_line: int, names: list[str], index: dict[str, int],
                    delimiter: str) -> tuple[dict[str, list[str]], list[int], list[FormulaCell]] | None:
    """The rows under the header by pandas' C parser, when that keeps every row on its own line and
    every problem visible: no quote anywhere (so no cell spans lines, and line = header + row) and no
    line long enough to hold a 64 KiB cell. None otherwise, or on any irregular row: the exact
    reader then reads the file and names the problem precisely."""
    import numpy as np
    import pandas as pd

    if '"' in text:
        return None
    ends = _LINE_END.finditer(text)
    start = 0
    for _ in range(header_line):
        found = next(ends, None)
        if found is None:
            return ({f: [] for f in index}, [], [])
        start = found.end()
    body = text[start:]
    if not body.strip():
        return ({f: [] for f in index}, [], [])
    raw = np.frombuffer(body.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    breaks = np.flatnonzero((raw == 10) | (raw == 13))
    if np.diff(breaks, prepend=-1, append=len(raw)).max(initial=0) > CELL_LIMIT:
        return None  # a line long enough to hold a 64 KiB cell (bytes ≥ characters: the exact reader decides)
    width = len(names)
    try:
        frame = pd.read_csv(io.StringIO(body), sep=delimiter, header=None, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, quoting=csv.QUOTE_NONE, engine="c")
    except (pd.errors.ParserError, ValueError):
        return None  # a row longer than the first: the exact reader names it
    if frame.shape[1] > width:
        return None  # cells beyond the header (maybe only empty ones): the exact reader decides
    for missing in range(frame.shape[1], width):
        frame[missing] = ""
    numbers = header_line + 1 + np.arange(len(frame))
    # plain list work from here: pandas' string methods call Python per cell anyway, with more overhead
    first = _texts(frame[0])
    maybe_blank = [r for r, c in enumerate(first) if not c or c.isspace()]  # one column first
    if maybe_blank:
        rows = frame.iloc[maybe_blank].fillna("")
        blank = np.zeros(len(frame), dtype=bool)
        blank[maybe_blank] = rows.apply(lambda column: column.str.strip() == "").all(axis=1).to_numpy()
        if blank.any():
            frame, numbers = frame[~blank], numbers[~blank]
    lines = numbers.tolist()
    cells = {f: [c.strip() for c in _texts(frame[i])] for f, i in index.items()}
    formulas: list[FormulaCell] = []
    formula_like = re.compile("[" + re.escape(delimiter) + "\r\n][ \t]*[=+\\-@]")  # a cell starting like one
    if body.lstrip(" \t")[:1] in FORMULA_START or formula_like.search(body):
        for i, name in enumerate(names):
            column = frame[i].fillna("")
            suspect = column.str.match(r"\s*[=+\-@]").to_numpy()
            for line, cell in zip(numbers[suspect].tolist(), column[suspect].tolist()):
                if _formula_like(cell):
                    formulas.append(FormulaCell(line, name))
        formulas.sort(key=lambda f: f.line)
    return cells, lines, formulas


def _texts(column: "pd.Series[Any]") -> list[str]:
    """A parsed column as strings (a cell missing from a short row is empty)."""
    values: list[Any] = column.tolist()
    return [v if isinstance(v, str) else "" for v in values] if column.hasnans else values


def _csv_error(exc: csv.Error) -> Message:
    text = str(exc)
    if "field larger than field limit" in text:
        return msg("tables.cell_too_long", limit=CELL_LIMIT)
    return msg("tables.malformed", error=text)


_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_SUSPECT = "".join(FORMULA_START) + " \t"  # first characters worth a closer look (cheap test per cell)
_SUSPECT_CELL = re.compile(r"(?:^|\x1f)\s*[=+\-@]")  # a row (cells joined by \x1f) with a cell worth a look


def _formula_like(cell: str) -> bool:
    """Whether a spreadsheet would run the cell as a formula. A signed number (``-3``,
    ``+33612345678``) is a number, not an injection."""
    text = cell.strip()
    return text[:1] in FORMULA_START and not _NUMBER.match(text)


def _read_xlsx(data: bytes, file: str, columns: Sequence[Column], sheet: str | None) -> Table:
    import pandas as pd  # imported here: reading a CSV does not pay for pandas

    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet if sheet else 0, header=None, dtype=str,
                              keep_default_na=False, engine="openpyxl")
    except ValueError as exc:
        if sheet and "not found" in str(exc):
            raise TableError(file, msg("tables.no_sheet", sheet=sheet)) from None
        raise TableError(file, msg("tables.malformed", error=str(exc))) from None
    except Exception as exc:  # a zip that is not a workbook, a corrupt part: openpyxl's own words
        raise TableError(file, msg("tables.malformed", error=f"{type(exc).__name__}: {exc}")) from None
    raw: list[list[str]] = [[str(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    rows = ((i + 1, row) for i, row in enumerate(raw))  # pandas keeps leading blank rows: index + 1 is the Excel row
    header_line, names, index = _find_header(rows, file, columns)
    cells: dict[str, list[str]] = {f: [] for f in index}
    lines: list[int] = []
    formulas: list[FormulaCell] = []
    used = {i for i in index.values()}
    for excel_row in range(header_line + 1, len(raw) + 1):
        row = raw[excel_row - 1]
        if not any(c.strip() for c in row):
            continue
        for i, cell in enumerate(row):
            if len(cell) >= CELL_LIMIT:
                raise TableError(file, msg("tables.cell_too_long", limit=CELL_LIMIT), line=excel_row,
                                 field=names[i] if i < len(names) else "")
            if i >= len(names) or not names[i]:
                if cell.strip() and i not in used:
                    raise TableError(file, msg("tables.too_many_cells", count=i + 1, expected=len(names)),
                                     line=excel_row)
                continue
            if cell and cell[0] in _SUSPECT and _formula_like(cell):
                formulas.append(FormulaCell(excel_row, names[i]))
        lines.append(excel_row)
        for f, i in index.items():
            cells[f].append(row[i].strip())
    return Table(file=file, kind="xlsx", sha256="", size=0, columns=cells,
                 headers={f: names[i] for f, i in index.items()}, lines=lines, header_line=header_line,
                 other_columns=tuple(n for i, n in enumerate(names) if n and i not in used),
                 sheet=sheet or "", formulas=formulas)


# --- times -------------------------------------------------------------------------------------

_ISO_OFFSET = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$"
_ISO_NAIVE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"


def zone_named(zone: str, *, option: str = "--timezone") -> ZoneInfo:
    """The IANA zone, or a usage error naming the option that gave it."""
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(msg("tables.unknown_zone", zone=zone), field=option) from None


def parse_times(values: Sequence[str], lines: Sequence[int], *, file: str, field: str, zone: str | None,
                zone_option: str = "--timezone") -> list[datetime]:
    """The times of :func:`parse_instants` as aware datetimes (UTC)."""
    import pandas as pd

    instants = parse_instants(values, lines, file=file, field=field, zone=zone, zone_option=zone_option)
    times: list[datetime] = pd.Series(instants).dt.tz_localize("UTC").dt.to_pydatetime().tolist()
    return times


def parse_instants(values: Sequence[str], lines: Sequence[int], *, file: str, field: str, zone: str | None,
                   zone_option: str = "--timezone") -> "np.ndarray[Any, Any]":
    """Times as written by platforms and spreadsheets (trimmed cells), as UTC instants
    (``datetime64[ns]``, one per value: a million of them stay one array, not a million objects).

    ISO 8601 with an offset (offsets may differ row to row: summer time); naive ISO times and
    French day-first dates (``01/12/2026 08:57:31``, seconds optional) are read in the IANA
    ``zone`` — never the machine's, never month first. A naive time without a zone, an ambiguous
    or non-existent local time (the hour repeated or skipped when the clocks change), or an
    unreadable date raises :class:`TableError` naming its line."""
    import numpy as np
    import pandas as pd

    if not len(values):
        return np.empty(0, dtype="datetime64[ns]")
    cells = np.asarray(values, dtype=object)
    result = np.full(len(cells), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")  # UTC
    pending = np.arange(len(cells))
    tz: ZoneInfo | None = None

    def local(positions: "np.ndarray[Any, Any]", parsed: "pd.Series[Any]") -> None:
        """Naive local times: refused without a zone, or read in it and stored in UTC."""
        nonlocal tz
        if zone is None:
            at = int(positions[0])
            raise TableError(file, msg("tables.time.no_zone", value=str(values[at])[:40], option=zone_option),
                             line=lines[at], field=field)
        tz = tz or zone_named(zone, option=zone_option)
        try:
            utc = parsed.dt.tz_localize(tz, ambiguous="raise", nonexistent="raise").dt.tz_convert("UTC")
        except Exception:  # pandas names the time, not the row: find it
            at = int(positions[_first_unlocalisable(parsed.tolist(), tz)])
            raise TableError(file, msg("tables.time.changeover", value=str(values[at])[:40], zone=str(tz)),
                             line=lines[at], field=field) from None
        result[positions] = utc.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")

    fixed = _day_first_fixed(values)
    if fixed is not None:  # the common export, all rows alike: read in one pass of array arithmetic
        local(pending, pd.Series(fixed))
        pending = pending[:0]
    # French day-first forms first (the platforms' exports), strictly by format: never month first.
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        if not pending.size:
            break
        parsed = pd.to_datetime(pd.Series(cells[pending], dtype=object), format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        if ok.any():
            local(pending[ok], parsed[ok])
            pending = pending[~ok]
    if pending.size:  # ISO 8601: with an offset (which may change row to row), or naive and local
        rest = pd.Series(cells[pending], dtype=object).astype(str)
        iso = rest.str.match(_ISO_NAIVE).to_numpy() | rest.str.match(_ISO_OFFSET).to_numpy()
        aware = rest.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).to_numpy() & iso
        unreadable = ~iso
        if aware.any():
            parsed = pd.to_datetime(rest[aware], format="ISO8601", utc=True, errors="coerce")
            good = parsed.notna().to_numpy()
            result[pending[aware][good]] = parsed[good].dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            unreadable[np.flatnonzero(aware)[~good]] = True
        naive = iso & ~aware
        if naive.any():
            parsed = pd.to_datetime(rest[naive], format="ISO8601", errors="coerce")
            good = parsed.notna().to_numpy()
            unreadable[np.flatnonzero(naive)[~good]] = True
            if unreadable.any() and int(pending[unreadable].min()) < int(pending[naive][good].min(initial=len(cells))):
                pass  # the unreadable one comes first in the file: named below
            elif good.any():
                local(pending[naive][good], parsed[good])
        if unreadable.any():
            at = int(pending[unreadable].min())
            reason = (msg("tables.time.empty") if not str(values[at]).strip()
                      else msg("tables.time.unreadable", value=str(values[at])[:40]))
            raise TableError(file, reason, line=lines[at], field=field)
    return result


def _day_first_fixed(values: Sequence[str]) -> "np.ndarray[Any, Any] | None":
    """Every value ``DD/MM/YYYY HH:MM:SS`` (or every one ``DD/MM/YYYY HH:MM``), zero-padded, and a
    real date and time: their naive times, computed from the digits as arrays (strptime takes a
    microsecond a row). None when any value differs: the general path reads them and names the
    culprit."""
    import numpy as np

    width = len(values[0])
    if width not in (16, 19):
        return None
    try:
        raw = np.array(values, dtype=f"S{width}")  # ASCII only; a longer value would be cut: lengths checked
    except UnicodeEncodeError:
        return None
    if len(values) and not all(len(v) == width for v in values):
        return None
    grid = raw.view(np.uint8).reshape(len(values), width)
    separators = {2: ord("/"), 5: ord("/"), 10: ord(" "), 13: ord(":")} | ({16: ord(":")} if width == 19 else {})
    digits = [i for i in range(width) if i not in separators]
    if not all((grid[:, i] == code).all() for i, code in separators.items()):
        return None
    numbers = grid[:, digits].astype(np.int64) - ord("0")
    if ((numbers < 0) | (numbers > 9)).any():
        return None

    def field(*columns: int) -> "np.ndarray[Any, Any]":
        value = np.zeros(len(values), dtype=np.int64)
        for column in columns:
            value = value * 10 + numbers[:, digits.index(column)]
        return value

    day, month, year = field(0, 1), field(3, 4), field(6, 7, 8, 9)
    hour, minute = field(11, 12), field(14, 15)
    second = field(17, 18) if width == 19 else np.zeros(len(values), dtype=np.int64)
    if ((month < 1) | (month > 12) | (day < 1) | (hour > 23) | (minute > 59) | (second > 59)).any():
        return None
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    if (days.astype("datetime64[M]") != months).any():
        return None  # 31/02: the general path names it
    seconds = (hour * 3600 + minute * 60 + second).astype("timedelta64[s]")
    stamps: np.ndarray[Any, Any] = (days + seconds).astype("datetime64[ns]")
    return stamps


def _first_unlocalisable(naive_times: Sequence[datetime], tz: ZoneInfo) -> int:
    """The position of the first local time that does not exist exactly once in ``tz`` (the slow
    path of an error: pandas says which time, not which row)."""
    for position, naive in enumerate(naive_times):
        first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
        round_trip = first.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None)
        if first.utcoffset() != second.utcoffset() or round_trip != naive:
            return position
    return 0


# --- writing evidence --------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """A cell made safe to open in a spreadsheet: one beginning like a formula gets a leading
    apostrophe (the OWASP advice for CSV injection), so it is shown, never run."""
    return "'" + cell if cell[:1] in ("\t", "\r") or _formula_like(cell) else cell


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Evidence as CSV (UTF-8, ``;`` as French spreadsheets expect), every cell neutralised."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([neutralise(str(c)) for c in row])


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Evidence as XLSX: every cell a string cell (never a formula), neutralised as in CSV."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for values in ([*header], *([*r] for r in rows)):
        line = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
            cell.data_type = "s"
            line.append(cell)
        sheet.append(line)
    book.save(path)
