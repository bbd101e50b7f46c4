"""Every registers result speaks French too: the report is French by default."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from expertise.case import Actor
from expertise.registers.reader import RegisterRead
from expertise.results import Status
from tests.french import french_problems
from tests.registers.test_rules import CLOSES, OPENS, clean, register, run


def half_read(ids: list[str]) -> RegisterRead:
    """A register with a reading problem, worded in both languages as the reader words them."""
    read = register("emargement", ids, times=[OPENS] * len(ids))
    read.note(7, "time", "time without a UTC offset", "heure sans décalage UTC")
    return read


def variants():  # type: ignore[no-untyped-def]
    """The observations of test_rules, so that every branch of every rule is seen."""
    obs = clean()
    assert obs.board is not None
    unread = half_read(["V1", "X99", "V2", "V2"])
    yield obs
    yield replace(obs, emargement=register("emargement", ["V1", "X99", "V2", "V2"], times=[OPENS] * 4))
    yield replace(obs, emargement=register("emargement", ["V1", "V2"], times=[OPENS, CLOSES + timedelta(minutes=3)]))
    yield replace(obs, mixed_paper=True)
    yield replace(obs, mixed_paper=True, paper=register("paper_votes", ["V8", "V9"]))
    yield replace(obs, mixed_paper=True, paper=register("paper_votes", ["V9", "V3", "V9"]))
    yield replace(obs, board=replace(obs.board, counted=5))
    yield replace(obs, board=replace(obs.board, counted=3))
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


def test_every_registers_result_has_a_french_message() -> None:
    seen: set[tuple[str, Status]] = set()
    problems: list[str] = []
    for obs in variants():
        results = list(run(obs).values())
        seen.update((r.check_id, r.status) for r in results)
        problems += french_problems(r.to_dict() for r in results)
    assert not problems, "\n".join(problems)
    # the variants do reach pass, fail, could-not-test, manual and not-applicable
    assert {status for _, status in seen} == {Status.PASS, Status.FAIL, Status.ERROR, Status.MANUAL,
                                              Status.NOT_APPLICABLE}


def test_reading_problems_have_a_french_wording(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from expertise.registers.reader import read_register

    path = tmp_path / "emargement.csv"
    path.write_text("voter_id,time\nV1,2026-12-01T09:00:00\n", encoding="utf-8")
    read: RegisterRead = read_register(path, label="emargement", cited_as="registers/emargement.csv",
                                       id_column="voter_id", time_column="time")
    assert read.first_problem_fr() == ("registers/emargement.csv, ligne 2, time : heure sans décalage UTC : "
                                       "'2026-12-01T09:00:00' (écrire 2026-12-01T09:12:00+01:00)")
    assert "without a UTC offset" in read.first_problem()
