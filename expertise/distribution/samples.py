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


@dataclass(frozen=True)
class ReissueRow:
    voter: str
    at: datetime  # aware
    identity_checked: bool


def _local(at: datetime) -> str:
    return at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")


def _write(path: Path, header: Sequence[str], rows: list[Sequence[str]], encoding: str) -> None:
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


def write_demo(folder: Path) -> None:
    """The demo case's exports: 1 850 SMS, 99.5 % delivered, two days before the opening; three
    reissues during the vote, each with its identity check."""
    voters = [f"HM{i:05d}" for i in range(1, 1851)]
    write_deliveries(folder / "envois-sms.csv", voters, channel="sms", delivered_share=0.995,
                     start=datetime(2026, 11, 29, 10, 0, tzinfo=PARIS))
    write_reissues(folder / "reeditions.csv", [
        ReissueRow("HM00412", datetime(2026, 12, 1, 10, 12, 5, tzinfo=PARIS), True),
        ReissueRow("HM01077", datetime(2026, 12, 2, 14, 40, 51, tzinfo=PARIS), True),
        ReissueRow("HM00093", datetime(2026, 12, 4, 9, 3, 17, tzinfo=PARIS), True),
    ])


if __name__ == "__main__":
    write_demo(Path(sys.argv[1]))
