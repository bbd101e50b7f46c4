"""Reading the registers (voter list, émargement, paper votes) as organisers export them.

The file format is :mod:`expertise.tables`' business (any CSV dialect, XLSX, encodings, header
under title rows); this module says which columns each register has, under which names people
write them, and what a register row must hold (a voter id; a time in the émargement). A register
is read whole or not at all: the first problem (file, line or Excel row, field) is its ``unread``
reason and no row of it is counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from ..errors import UsageError
from ..i18n import msg
from ..tables import Column, Table, TableError, read_table
from .observation import RegisterRead

# The header names met in real exports (HR software, voting platforms, spreadsheets), compared
# without accents, case or punctuation; `--column ROLE.FIELD=NAME` maps any other.
VOTER_ID = ("voter_id", "voter id", "identifiant", "identifiant electeur", "identifiant de l'électeur", "id electeur",
            "id", "matricule", "n° matricule", "numéro de matricule", "n° rpps", "rpps", "numéro rpps",
            "n° électeur", "numéro d'électeur", "code électeur", "login", "employee id", "elector id", "voter")
VOTED_AT = ("time", "voted_at", "horodatage", "date et heure", "date/heure", "date heure", "date et heure du vote",
            "date du vote", "heure du vote", "date d'émargement", "date émargement", "timestamp", "date time",
            "signed at", "voted at")
RECEIVED_ON = ("received_on", "date de réception", "reçu le", "date d'arrivée", "date réception", "received on",
               "received")
CHANNEL = ("channel", "canal", "mode de vote", "moyen de vote", "voting channel")

# The columns of each register ([registers] key → roles); FIELD names are those of `--column ROLE.FIELD=NAME`.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "voters": (Column("voter_id", VOTER_ID),),
    "emargement": (Column("voter_id", VOTER_ID), Column("voted_at", VOTED_AT), Column("channel", CHANNEL, False)),
    "paper_votes": (Column("voter_id", VOTER_ID), Column("received_on", RECEIVED_ON, False),
                    Column("channel", CHANNEL, False)),
}
# The ROLE of `--column`, `--encoding`, `--sheet` → the [registers] key.
ROLES = {"voters": "voters", "emargement": "emargement", "paper": "paper_votes"}
TIMED = {"emargement": "voted_at", "paper_votes": "received_on"}


def read_register(path: Path, *, label: str, cited_as: str, zone: str | None, zone_option: str = "--timezone",
                  encoding: str | None = None, sheet: str | None = None,
                  overrides: Mapping[str, str] | None = None) -> RegisterRead:
    """Read one register; never raises on its content: what keeps it from being read whole is its
    ``unread`` reason (a bad option, such as an unknown zone or encoding, is a UsageError)."""
    try:
        table = read_table(path, COLUMNS[label], cited_as=cited_as, encoding=encoding, sheet=sheet,
                           overrides=overrides)
    except TableError as exc:
        return RegisterRead(label=label, file=cited_as, unread=exc.message)
    try:
        columns = _columns(table, label, zone, zone_option)
    except TableError as exc:
        return _described(table, label, exc)
    return _described(table, label, None, columns)


def _columns(table: Table, label: str, zone: str | None,
             zone_option: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...] | None]:
    """The register's columns: ids, lines, and times (UTC ns) where the register has them."""
    ids = table.column("voter_id")
    if "" in ids:
        empty = ids.index("")
        raise TableError(table.file, msg("registers.read.empty_id"), line=table.lines[empty],
                         field=table.headers["voter_id"])
    timed = TIMED.get(label)
    stamps = None
    if timed is not None and timed in table.columns and (timed != "received_on" or any(table.column(timed))):
        try:
            stamps = tuple(table.instants(timed, zone, zone_option=zone_option).astype("int64").tolist())
        except TableError as exc:
            # the day an envelope arrived decides nothing (the electronic vote prevails whatever it is):
            # without a zone it is left unread rather than the paper votes refused
            if timed != "received_on" or exc.reason.code != "tables.time.no_zone":
                raise
    return tuple(ids), tuple(table.lines), stamps


def _described(table: Table, label: str, error: TableError | None,
               columns: tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...] | None] = ((), (), None)
               ) -> RegisterRead:
    names = [table.headers.get(f.field, "") for f in COLUMNS[label]]
    ids, lines, stamps = columns if error is None else ((), (), None)
    return RegisterRead(
        label=label, file=table.file, ids=ids, lines=lines, stamps=stamps,
        unread=error.message if error is not None else None, sha256=table.sha256, size=table.size,
        kind=table.kind, encoding=table.encoding, encoding_detected=table.encoding_detected,
        columns=tuple(n for n in names if n) + table.other_columns,
        formula_lines=tuple(sorted({f.line for f in table.formulas})),
        formula_columns=tuple(sorted({f.column for f in table.formulas})))


def role_options(pairs: Mapping[str, str], option: str) -> dict[str, str]:
    """``ROLE=VALUE`` options (``--encoding``, ``--sheet``) by [registers] key; an unknown ROLE is refused."""
    found: dict[str, str] = {}
    for role, value in pairs.items():
        if role not in ROLES:
            raise UsageError(msg("registers.error.unknown_role", role=role, roles=list(ROLES)), field=option)
        found[ROLES[role]] = value
    return found


def column_options(pairs: Mapping[str, str], option: str = "--column") -> dict[str, dict[str, str]]:
    """``ROLE.FIELD=NAME`` by [registers] key then field; an unknown role or field is refused."""
    found: dict[str, dict[str, str]] = {}
    for key, name in pairs.items():
        role, _, field = key.partition(".")
        if role not in ROLES:
            raise UsageError(msg("registers.error.unknown_role", role=role, roles=list(ROLES)), field=option)
        fields = [c.field for c in COLUMNS[ROLES[role]]]
        if field not in fields:
            raise UsageError(msg("registers.error.unknown_field", role=role, field=field, fields=list(fields)),
                             field=option)
        found.setdefault(ROLES[role], {})[field] = name
    return found

