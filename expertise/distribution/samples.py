"""Delivery and reissue exports as providers write them, for the demo case and the tests.

SMS gateways and voting back-offices export CSV with French headers, a byte-order mark, ``;`` as
separator and day-first local times (``01/12/2026 08:57:31``, Europe/Paris); this generator writes
exactly that, deterministically (a seed), so that the demo's files can be regenerated and a test
can plant a fault (a low delivery rate, a reissue with no identity check) in a realistic file.
``python -m expertise.distribution.samples FOLDER`` writes the demo's files.
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Sequence
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
DELIVERY_HEADER = ("Identifiant", "Canal", "Statut", "Date d'envoi")
REISSUE_HEADER = ("Identifiant", "Date de réédition", "Vérification d'identité")
AUTHENTICATION_HEADER = ("Horodatage", "Identifiant", "Résultat", "Adresse IP")
ADMINISTRATION_HEADER = ("Horodatage", "Compte", "Opération")


@dataclass(frozen=True)
class ReissueRow:
    voter: str
    at: datetime  # aware
    identity_checked: bool


def _local(at: datetime) -> str:
    return at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")


def _write(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_deliveries(path: Path, voters: Sequence[str], *, channel: str, delivered_share: float,
                     start: datetime, seed: int = 2012, encoding: str = "utf-8-sig") -> list[str]:
    """One message per voter, sent from ``start`` at a steady rate; returns the voters not reached."""
    rng = random.Random(seed)
    failed = set(rng.sample(list(voters), round(len(voters) * (1 - delivered_share))))
    rows = [(voter, channel.upper(), "Échec" if voter in failed else "Délivré",
             _local(start + timedelta(seconds=2 * i))) for i, voter in enumerate(voters)]
    _write(path, DELIVERY_HEADER, rows, encoding)
    return sorted(failed)


def write_reissues(path: Path, rows: Sequence[ReissueRow], *, encoding: str = "utf-8-sig") -> None:
    _write(path, REISSUE_HEADER, [(r.voter, _local(r.at), "oui" if r.identity_checked else "non") for r in rows],
           encoding)


@dataclass(frozen=True)
class AuthenticationRow:
    voter: str
    at: datetime  # aware
    outcome: str  # as the log writes it: "Succès", "Échec", "Verrouillage"
    address: str


def write_authentications(path: Path, rows: Sequence[AuthenticationRow], *, encoding: str = "utf-8-sig") -> None:
    _write(path, AUTHENTICATION_HEADER, [(_local(r.at), r.voter, r.outcome, r.address) for r in rows], encoding)


def write_administration(path: Path, rows: Sequence[tuple[datetime, str, str]], *,
                         encoding: str = "utf-8-sig") -> None:
    """Rows of (time, account, operation as written)."""
    _write(path, ADMINISTRATION_HEADER, [(_local(at), account, action) for at, account, action in rows], encoding)


def demo_authentications(seed: int = 2019) -> list[AuthenticationRow]:
    """64 voters, each from its own address, a few mistyped passwords first."""
    rng = random.Random(seed)
    rows = []
    at = datetime(2026, 12, 1, 9, 5, tzinfo=PARIS)
    for i in range(64):
        voter = f"HM{rng.randrange(1, 1851):05d}"
        address = f"192.0.2.{i + 1}"
        if i % 9 == 0:
            rows.append(AuthenticationRow(voter, at, "Échec", address))
        rows.append(AuthenticationRow(voter, at + timedelta(seconds=40), "Succès", address))
        at += timedelta(minutes=rng.randrange(20, 200))
    return rows


def write_demo(folder: Path) -> None:
    """The demo case's exports: 1 850 e-mails, 99.5 % delivered, two days before the opening; three
    reissues during the vote, each with its identity check; 64 voters' authentications; the
    administration log's entries before the opening and after the closing only."""
    voters = [f"HM{i:05d}" for i in range(1, 1851)]
    write_deliveries(folder / "envois-courriels.csv", voters, channel="courriel", delivered_share=0.995,
                     start=datetime(2026, 11, 29, 10, 0, tzinfo=PARIS))
    write_reissues(folder / "reeditions.csv", [
        ReissueRow("HM00412", datetime(2026, 12, 1, 10, 12, 5, tzinfo=PARIS), True),
        ReissueRow("HM01077", datetime(2026, 12, 2, 14, 40, 51, tzinfo=PARIS), True),
        ReissueRow("HM00093", datetime(2026, 12, 4, 9, 3, 17, tzinfo=PARIS), True),
    ])
    write_authentications(folder / "authentifications.csv", demo_authentications())
    write_administration(folder / "administration.csv", [
        (datetime(2026, 11, 30, 16, 2, 11, tzinfo=PARIS), "exploit.votesur", "Connexion à l'interface d'administration"),
        (datetime(2026, 11, 30, 16, 9, 40, tzinfo=PARIS), "exploit.votesur", "Modification du paramétrage : ouverture programmée"),
        (datetime(2026, 12, 8, 17, 31, 2, tzinfo=PARIS), "exploit.votesur", "Connexion à l'interface d'administration"),
    ])


if __name__ == "__main__":
    write_demo(Path(sys.argv[1]))
