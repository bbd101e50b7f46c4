"""Every registers result, and every reason a register was not read whole, renders in French and
in English: no ``[code]`` fallback, no English word in the French (the report is French by default)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Iterator

from expertise.case import Actor
from expertise.i18n import Message, msg
from expertise.registers.observation import ReadingProblem, RegisterRead, RegistersObservation
from expertise.registers.reader import read_register
from expertise.results import Status
from tests.french import language_problems, results_named
from tests.registers.test_rules import CLOSES, OPENS, clean, register, replace, run




def half_read(ids: list[str]) -> RegisterRead:
    """An émargement list with a time that could not be read, as the reader says it."""
    read = register("emargement", ids, times=[OPENS] * len(ids))
    problem = ReadingProblem(file=read.file, line=7, field="time",
                      reason=msg("registers.read.no_utc_offset", value="'2026-12-01T09:00:00'"))
    return replace(read, problems=(problem, problem), problems_total=2)


def variants() -> Iterator[RegistersObservation]:
    """The observations of test_rules, so that every branch of every rule is seen."""
    obs = clean()
    assert obs.board is not None
    unread = half_read(["V1", "X99", "V2", "V2"])
    many = [f"X{n}" for n in range(9)]
    yield obs
    yield replace(obs, emargement=register("emargement", ["V1", "X99", "V2", "V2"], times=[OPENS] * 4))
    yield replace(obs, emargement=register("emargement", many, times=[OPENS] * len(many)))
    yield replace(obs, emargement=register("emargement", ["V1", "V2"], times=[OPENS, CLOSES + timedelta(minutes=3)]))
    yield replace(obs, emargement=register("emargement", ["V1"], times=[OPENS]), voters=register("voters", ["V1"]))
    yield replace(obs, mixed_paper=True)
    yield replace(obs, mixed_paper=True, paper=register("paper_votes", ["V8", "V9"]))
    yield replace(obs, mixed_paper=True, paper=register("paper_votes", ["V8"]))
    yield replace(obs, mixed_paper=True, paper=register("paper_votes", ["V9", "V3", "V9"]))
    yield replace(obs, board=replace(obs.board, counted=5))
    yield replace(obs, board=replace(obs.board, counted=3))
    yield replace(obs, board=replace(obs.board, counted=1))
    yield replace(obs, board=None)
    yield replace(obs, voters=None, electorate=3)
    yield replace(obs, voters=None, electorate=0)
    yield replace(obs, emargement=unread)
    yield replace(obs, emargement=half_read(["V1"]), board=replace(obs.board, counted=2))
    yield replace(obs, emargement=half_read(["V1"]))
    yield replace(obs, emargement=None, voters=None)
    yield replace(obs, voters=None)
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


def test_every_reading_problem_renders_in_both_languages(tmp_path: Path) -> None:
    files = {
        "absent.csv": None,
        "latin1.csv": "voter_id,time\nDurand-Hélène,2026-12-01T09:00:00+01:00\n".encode("latin-1"),
        "empty.csv": b"",
        "no-column.csv": b"id,when\nA1,2026-12-01T09:00:00+01:00\n",
        "rows.csv": (b"voter_id,time\n,2026-12-01T09:01:00+01:00\nA3,2026-12-01T09:02:00\nA4,yesterday\n"
                     b"A5,2026-12-01T09:03:00+01:00,extra\n\"A6,2026-12-01T09:04:00+01:00\n"),
    }
    named: list[tuple[str, Message]] = []
    for name, content in files.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        read = read_register(tmp_path / name, label="emargement", cited_as=f"registers/{name}", id_column="voter_id",
                             time_column="time")
        assert not read.complete and read.unread is not None, name
        named += [(name, p.message) for p in read.problems] + [(name, read.unread)]
    assert {m.args["reason"].code for _, m in named if "reason" in m.args} >= {
        "registers.read.cannot_read", "registers.read.not_utf8", "registers.read.no_header",
        "registers.read.no_column", "registers.read.empty_id", "registers.read.no_utc_offset",
        "registers.read.not_iso_time", "registers.read.cell_count", "registers.read.malformed_row"}
    problems = language_problems(named)
    assert not problems, "\n".join(problems)


def test_a_reading_problem_names_file_line_and_field_in_each_language(tmp_path: Path) -> None:
    path = tmp_path / "emargement.csv"
    path.write_text("voter_id,time\nV1,2026-12-01T09:00:00\n", encoding="utf-8")
    read = read_register(path, label="emargement", cited_as="registers/emargement.csv",
                         id_column="voter_id", time_column="time")
    assert read.unread is not None
    assert read.unread.render("fr") == ("registers/emargement.csv, ligne 2, time\u00a0: heure sans décalage UTC\u00a0: "
                                        "'2026-12-01T09:00:00' (écrire 2026-12-01T09:12:00+01:00)")
    assert read.unread.render("en") == ("registers/emargement.csv: line 2: time: time without a UTC offset: "
                                        "'2026-12-01T09:00:00' (write 2026-12-01T09:12:00+01:00)")
