"""Every registers result, and every reason a register was not read whole, renders in French and
in English: no ``[code]`` fallback, no English word in the French (the report is French by default)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Iterator

from expertise.case import Actor
from expertise.i18n import Message
from expertise.registers.observation import RegisterRead, RegistersObservation
from expertise.registers.reader import read_register
from expertise.results import Status
from tests.french import language_problems, results_named
from tests.registers.test_rules import CLOSES, OPENS, clean, register, replace, run


def variants() -> Iterator[RegistersObservation]:
    """The observations of test_rules, so that every branch of every rule is seen."""
    obs = clean()
    assert obs.board is not None
    unread = register("emargement", [], unread=True)
    many = [f"X{n}" for n in range(9)]
    yield obs
    yield replace(obs, emargement=register("emargement", ["V1", "X99", "V2", "V2"], times=[OPENS] * 4))
    yield replace(obs, emargement=register("emargement", many, times=[OPENS] * len(many)))
    yield replace(obs, emargement=register("emargement", many, times=[CLOSES + timedelta(days=1)] * len(many)))
    yield replace(obs, emargement=register("emargement", ["V1", "V2"], times=[OPENS, CLOSES + timedelta(minutes=3)]))
    yield replace(obs, emargement=register("emargement", ["V1", "V2"], times=[OPENS, CLOSES + timedelta(minutes=3)]),
                  grace_minutes=1)
    yield replace(obs, emargement=register("emargement", ["V1"], times=[OPENS]), voters=register("voters", ["V1"]))
    yield replace(obs, mixed_paper=True)
    yield replace(obs, mixed_paper=True, paper=register("paper_votes", ["V8", "V9"]))
    yield replace(obs, mixed_paper=True, paper=register("paper_votes", ["V8"]))
    yield replace(obs, mixed_paper=True, paper=register("paper_votes", ["V9", "V3", "V9", "Z1"]))
    yield replace(obs, mixed_paper=True, paper=register("paper_votes", [], unread=True))
    yield replace(obs, board=replace(obs.board, counted=5))
    yield replace(obs, board=replace(obs.board, counted=3))
    yield replace(obs, board=replace(obs.board, counted=1))
    flagged = register("emargement", ["V1", "X9", "V3"], times=[OPENS, OPENS, CLOSES + timedelta(hours=1)])
    yield replace(obs, emargement=flagged, board=replace(obs.board, counted=1))
    yield replace(obs, emargement=flagged, board=replace(obs.board, counted=0))
    yield replace(obs, board=None)
    yield replace(obs, voters=None, electorate=3)
    yield replace(obs, voters=None, electorate=0)
    yield replace(obs, emargement=unread)
    yield replace(obs, emargement=None, voters=None)
    yield replace(obs, voters=None)
    yield replace(obs, voters=register("voters", [], unread=True))
    yield replace(obs, voters=register("voters", ["V1", "V2", "V3", "V4"], formula_lines=(2, 3, 4, 5, 6, 7, 8)))
    yield replace(obs, voters=register("voters", ["V1", "V2", "V3", "V4"],
                                       columns=("Matricule", "Adresse", "E-mail perso", "Téléphone perso",
                                                "Date de naissance", "Syndicat", "Ancienneté", "NIR")))
    yield replace(obs, actors=())
    yield replace(obs, actors=(Actor(name="A", role="r", electoral_board=True, key_parts=2),))
    yield replace(obs, actors=(Actor(name="A", role="r", electoral_board=True, key_parts=1),
                               Actor(name="Ops", role="r", provider_staff=True, key_parts=1)))
    yield replace(obs, actors=tuple(Actor(name=n, role="r", electoral_board=True, key_parts=1) for n in "ABC"))
    yield replace(obs, board=replace(obs.board, trustees=None))


def test_every_registers_result_renders_in_both_languages() -> None:
    seen: set[tuple[str, Status]] = set()
    problems: list[str] = []
    for obs in variants():
        results = list(run(obs).values())
        seen.update((r.check_id, r.status) for r in results)
        problems += language_problems(results_named(results))
    assert not problems, "\n".join(problems)
    # the variants do reach pass, fail, could-not-test, manual and not-applicable
    assert {status for _, status in seen} == {Status.PASS, Status.FAIL, Status.ERROR, Status.MANUAL,
                                              Status.NOT_APPLICABLE}


BAD_FILES = {
    "absent.csv": None,
    "empty.csv": b"",
    "no-column.csv": b"id_x,when\nA1,2026-12-01T09:00:00+01:00\n",
    "twice.csv": b"Identifiant;Matricule;time\nA1;A1;2026-12-01T09:00:00+01:00\n",
    "nul.csv": b"voter_id,time\nA1\x00,2026-12-01T09:00:00+01:00\n",
    "cells.csv": b"voter_id,time\nA5,2026-12-01T09:03:00+01:00,extra\n",
    "long.csv": b"voter_id,time\nA5," + b"9" * 70000 + b"\n",
    "empty-id.csv": b"voter_id,time\n,2026-12-01T09:01:00+01:00\n",
    "zoneless.csv": b"voter_id,time\nA3,01/12/2026 09:02\n",
    "date.csv": b"voter_id,time\nA4,yesterday\n",
    "quote.csv": b'voter_id,time\n"A6,2026-12-01T09:04:00+01:00\n',
}


def test_every_reading_problem_renders_in_both_languages(tmp_path: Path) -> None:
    named: list[tuple[str, Message]] = []
    reasons = set()
    for name, content in BAD_FILES.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        read = read_register(tmp_path / name, label="emargement", cited_as=f"registers/{name}", zone=None)
        assert not read.complete and read.unread is not None and not read.entries, name
        named.append((name, read.unread))
        reasons.add(read.unread.args["reason"].code)  # type: ignore[union-attr]
    assert reasons >= {"tables.cannot_read", "tables.empty", "tables.no_header", "tables.header_twice",
                       "tables.nul_byte", "tables.too_many_cells", "tables.cell_too_long", "registers.read.empty_id",
                       "tables.time.no_zone", "tables.time.unreadable", "tables.malformed"}
    problems = language_problems(named)
    assert not problems, "\n".join(problems)


def test_a_reading_problem_names_file_line_and_field_in_each_language(tmp_path: Path) -> None:
    path = tmp_path / "emargement.csv"
    path.write_text("voter_id,time\nV1,01/12/2026 09:00\n", encoding="utf-8")
    read = read_register(path, label="emargement", cited_as="registers/emargement.csv", zone=None)
    assert read.unread is not None
    assert read.unread.render("fr") == ("registers/emargement.csv, ligne 2, champ time\u00a0: heure locale "
                                        "01/12/2026 09:00 sans décalage UTC\u00a0: indiquer son fuseau horaire "
                                        "avec --timezone")
    assert read.unread.render("en") == ("registers/emargement.csv, line 2, field time: local time 01/12/2026 09:00 "
                                        "without a UTC offset: give its time zone with --timezone")
