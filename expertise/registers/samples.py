"""Registers as organisers really export them, generated: for the tests, the bench and trying the
command without personal data.

Each writer reproduces a real export's quirks on purpose — an HR list with a byte-order mark,
French headers and ids with leading zeros; a platform's émargement in ``JJ/MM/AAAA HH:MM:SS`` local
time, possibly in Windows-1252; an XLSX list whose header sits on row 3 under a merged title, ids
typed as Excel numbers — so that a reader that works on these works on the organiser's files.
Names are drawn from a fixed small pool: nothing here is anybody's data.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

SURNAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
            "Lefèvre", "Müller", "Nguyen", "Benali", "Da Silva", "Œuvrard")
FIRST_NAMES = ("Camille", "Léa", "Hélène", "Noé", "Zoé", "Jérôme", "François", "Anaïs", "Inès", "Chloé")


def voter_ids(count: int, *, width: int = 8, start: int = 1) -> list[str]:
    """Matricules with leading zeros (``00000042``): the zeros are part of the id."""
    return [f"{n:0{width}d}" for n in range(start, start + count)]


def write_voters_csv(path: Path, ids: Sequence[str], *, header: Sequence[str] = ("Matricule", "Nom", "Prénom",
                     "Collège"), extra: dict[str, Sequence[str]] | None = None, bom: bool = True,
                     delimiter: str = ";", newline: str = "\r\n", encoding: str = "utf-8") -> Path:
    """An HR export: BOM, ``;``, CRLF, French headers; ``extra`` adds columns (e.g. a home address)."""
    extra = extra or {}
    names = list(header) + list(extra)
    rnd = random.Random(len(ids))
    lines = [delimiter.join(names)]
    for index, voter in enumerate(ids):
        row = [voter, rnd.choice(SURNAMES), rnd.choice(FIRST_NAMES), rnd.choice(("cadres", "employés"))][:len(header)]
        row += [values[index % len(values)] for values in extra.values()]
        lines.append(delimiter.join(row))
    data = newline.join(lines) + newline
    path.write_bytes(("\ufeff" if bom and encoding.startswith("utf") else "").encode(encoding) + data.encode(encoding))
    return path


def signing_times(count: int, opens: datetime, closes: datetime, *, seed: int = 1) -> list[datetime]:
    """Times spread over the opening, sorted (a platform exports in order)."""
    rnd = random.Random(seed)
    start = opens.astimezone(timezone.utc)  # in UTC: wall-clock arithmetic would invent 02:30 on the change day
    span = (closes.astimezone(timezone.utc) - start).total_seconds()
    return sorted(start + timedelta(seconds=int(rnd.random() * span)) for _ in range(count))


def day_first(when: datetime, zone: str, *, seconds: bool = True) -> str:
    """``01/12/2026 08:57:31`` in the zone's local time (what a French back-office shows)."""
    local = when.astimezone(ZoneInfo(zone))
    return local.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def write_emargement_csv(path: Path, rows: Iterable[tuple[str, datetime]], *, zone: str | None = "Europe/Paris",
                         header: Sequence[str] = ("Identifiant", "Horodatage", "Canal"), delimiter: str = ";",
                         encoding: str = "utf-8", bom: bool = False, seconds: bool = True,
                         channel: str = "Internet") -> Path:
    """A platform's émargement: day-first local times in ``zone`` (ISO 8601 with the offset if None)."""
    lines = [delimiter.join(header)]
    for voter, when in rows:
        shown = day_first(when, zone, seconds=seconds) if zone else when.isoformat()
        lines.append(delimiter.join([voter, shown, channel][:len(header)]))
    data = "\r\n".join(lines) + "\r\n"
    path.write_bytes(("\ufeff" if bom else "").encode(encoding) + data.encode(encoding))
    return path


def write_paper_csv(path: Path, rows: Iterable[tuple[str, str]], *,
                    header: Sequence[str] = ("Matricule", "Date de réception")) -> Path:
    """The paper votes of a mixed election: the voter and the day the envelope arrived."""
    lines = [";".join(header)] + [f"{voter};{received}" for voter, received in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_voters_xlsx(path: Path, ids: Sequence[str], *, title: str = "Liste électorale — élections du CSE",
                      as_numbers: bool = True, header: Sequence[str] = ("N° RPPS", "Nom", "Prénom"),
                      extra_rows: Sequence[Sequence[object]] = ()) -> Path:
    """An XLSX list with a merged title on row 1, an empty row 2, the header on row 3; ids typed as
    Excel numbers when ``as_numbers`` (as a spreadsheet does to a column of digits)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Électeurs"
    sheet["A1"] = title
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append([])
    sheet.append(list(header))
    rnd = random.Random(len(ids))
    for voter in ids:
        # a spreadsheet makes a number of digits typed without a leading zero; with one, the export keeps text
        cell: object = int(voter) if as_numbers and voter.isdigit() and not voter.startswith("0") else voter
        sheet.append([cell, rnd.choice(SURNAMES), rnd.choice(FIRST_NAMES)][:len(header)])
    for row in extra_rows:
        sheet.append(list(row))
    book.save(path)
    return path
