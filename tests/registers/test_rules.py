"""The registers rules on constructed observations: pass, fail and could-not-test for each."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import pytest

from expertise import catalogue
from expertise.case import Actor
from expertise.domain import Observation
from expertise.i18n import msg
from expertise.registers.observation import BoardCount, Entry, ReadingProblem, RegisterRead, RegistersObservation
from expertise.results import Status
from expertise.registers.rules import RULES as REGISTERS_RULES
from expertise.domain import evaluate

TZ = timezone(timedelta(hours=1))
OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
CLOSES = datetime(2026, 12, 8, 17, 0, tzinfo=TZ)


Model = TypeVar("Model", bound=Observation)


def replace(model: Model, **changes: Any) -> Model:
    return model.model_copy(update=changes)


def register(label: str, ids: list[str], *, times: list[datetime] | None = None,
             unread: bool = False) -> RegisterRead:
    """A register as read; ``unread``: with a time that could not be read on line 7."""
    file = f"registers/{label}.csv"
    problems = (ReadingProblem(file=file, line=7, field="time",
                        reason=msg("registers.read.no_utc_offset", value="'2026-12-01T09:00:00'")),) if unread else ()
    return RegisterRead(label=label, file=file,
                        entries=tuple(Entry(index + 2, voter, times[index] if times else None)
                                      for index, voter in enumerate(ids)),
                        problems=problems, problems_total=len(problems))


def clean() -> RegistersObservation:
    voters = register("voters", [f"V{n}" for n in range(1, 11)])
    signed = ["V1", "V2", "V3", "V4"]
    emargement = register("emargement", signed, times=[OPENS + timedelta(hours=n) for n in range(4)])
    board = BoardCount(counted=4, trustees=2, source="board:board/x.bel", evidence="evidence/op/results.json",
                       verdict="valid")
    actors = (Actor(name="A", role="présidente", electoral_board=True, key_parts=1),
              Actor(name="B", role="secrétaire", electoral_board=True, key_parts=1),
              Actor(name="Ops", role="prestataire", provider_staff=True))
    return RegistersObservation(voters=voters, emargement=emargement, paper=None, mixed_paper=False, opens=OPENS,
                                closes=CLOSES, electorate=10, board=board, actors=actors)


def run(obs: RegistersObservation) -> dict[str, object]:
    return {r.check_id: r for r in evaluate(REGISTERS_RULES, obs, catalogue.load())}


def test_a_clean_case_passes_everything_that_applies() -> None:
    results = run(clean())
    statuses = {check: r.status for check, r in results.items()}
    assert statuses == {"REG-001": Status.PASS, "REG-002": Status.PASS, "REG-003": Status.PASS,
                        "REG-004": Status.NOT_APPLICABLE, "REG-005": Status.PASS, "REG-006": Status.PASS,
                        "REG-007": Status.PASS, "REG-008": Status.PASS}
    assert results["REG-005"].evidence == ("registers/emargement.csv", "evidence/op/results.json")
    assert results["REG-001"].guarantees == ("G4",)  # filled from the catalogue


def test_unknown_and_double_emargement() -> None:
    obs = clean()
    emargement = register("emargement", ["V1", "X99", "V2", "V2"], times=[OPENS] * 4)
    results = run(replace(obs, emargement=emargement))
    assert results["REG-001"].status is Status.FAIL and "X99" in results["REG-001"].text("en")
    assert results["REG-002"].status is Status.FAIL and results["REG-002"].text("en").endswith(": V2")


def test_outside_opening_hours_named_with_line() -> None:
    obs = clean()
    late = register("emargement", ["V1", "V2"], times=[OPENS, CLOSES + timedelta(minutes=3)])
    result = run(replace(obs, emargement=late))["REG-003"]
    assert result.status is Status.FAIL and "V2 at 2026-12-08T17:03:00+01:00 (line 3)" in result.text("en")
    # the closing minute itself is inside
    assert run(replace(obs, emargement=register("emargement", ["V1"], times=[CLOSES])))["REG-003"].status \
        is Status.PASS


def test_paper_and_internet() -> None:
    obs = replace(clean(), mixed_paper=True)
    assert run(obs)["REG-004"].status is Status.MANUAL  # mixed vote, no paper list declared
    ok = run(replace(obs, paper=register("paper_votes", ["V8", "V9"])))
    assert ok["REG-004"].status is Status.PASS
    both = run(replace(obs, paper=register("paper_votes", ["V9", "V3", "V9"])))["REG-004"]
    assert both.status is Status.FAIL and "V3" in both.text("en") and "V9 (twice on paper)" in both.text("en")


def test_board_count_mismatch_both_ways() -> None:
    obs = clean()
    assert obs.board is not None
    more = run(replace(obs, board=replace(obs.board, counted=5)))["REG-005"]
    assert more.status is Status.FAIL and "1 ballot without a voter signed" in more.text("en")
    fewer = run(replace(obs, board=replace(obs.board, counted=3)))["REG-005"]
    assert fewer.status is Status.FAIL and "1 voter signed without a ballot" in fewer.text("en")
    assert run(replace(obs, board=None))["REG-005"].status is Status.MANUAL


def test_more_voters_than_registered() -> None:
    obs = replace(clean(), voters=None, electorate=3)
    result = run(obs)["REG-006"]
    assert result.status is Status.FAIL and "4 voters for 3 registered" in result.text("en")


@pytest.mark.parametrize("actors, expected", [
    ((Actor(name="A", role="r", electoral_board=True, key_parts=2),), ["A (2 parts)", "a single holder"]),
    ((Actor(name="A", role="r", electoral_board=True, key_parts=1),
      Actor(name="Ops", role="r", provider_staff=True, key_parts=1)),
     ["Ops (not a member of the electoral board)", "Ops (provider's staff)"]),
    ((Actor(name="A", role="r", electoral_board=True, key_parts=1),
      Actor(name="B", role="r", electoral_board=True, key_parts=1),
      Actor(name="C", role="r", electoral_board=True, key_parts=1)),
     ["3 parts declared, 2 trustee keys on the board"]),
])
def test_key_parts(actors, expected) -> None:  # type: ignore[no-untyped-def]
    result = run(replace(clean(), actors=actors))["REG-007"]
    assert result.status is Status.FAIL
    for text in expected:
        assert text in result.text("en")


def test_no_key_holder_declared_is_manual() -> None:
    assert run(replace(clean(), actors=()))["REG-007"].status is Status.MANUAL


def test_incomplete_registers_never_pass() -> None:
    obs = clean()
    half = register("emargement", ["V1", "V2", "V3", "V4"], times=[OPENS] * 4, unread=True)
    results = run(replace(obs, emargement=half))
    for check in ("REG-001", "REG-002", "REG-003", "REG-005", "REG-006"):
        assert results[check].status is Status.ERROR, check
        assert "line 7: time" in results[check].text("en")
    # but what the rows read do show is still reported
    bad = register("emargement", ["V1", "X99"], times=[OPENS] * 2, unread=True)
    unknown = run(replace(obs, emargement=bad))["REG-001"]
    assert unknown.status is Status.FAIL and "X99" in unknown.text("en") and "not read completely" in unknown.text("en")
    # and a missing register is a manual check, not a pass
    assert run(replace(obs, emargement=None))["REG-001"].status is Status.MANUAL


def unreadable(label: str) -> RegisterRead:
    """A register whose file could not be read at all (missing, empty, wrong column: no row read)."""
    file = f"registers/{label}.csv"
    problem = ReadingProblem(file=file, line=1, field="voter_id",
                             reason=msg("registers.read.no_column", column="'voter_id'", header="id, name"))
    return RegisterRead(label=label, file=file, problems=(problem,), problems_total=1)


def test_an_unreadable_voter_list_never_makes_signers_absent() -> None:
    results = run(replace(clean(), voters=unreadable("voters")))
    for check in ("REG-001", "REG-006"):
        result = results[check]
        assert result.status is Status.ERROR, check
        assert result.message.code == "registers.could_not_test"
        assert "registers/voters.csv: line 1: voter_id" in result.text("en"), result.text("en")
        assert "V1" not in result.text("en")
    # the checks that do not need the voter list are unaffected
    assert results["REG-002"].status is Status.PASS and results["REG-005"].status is Status.PASS


def test_a_partly_read_voter_list_proves_no_absence_nor_excess() -> None:
    obs = replace(clean(), voters=register("voters", ["V1", "V2"], unread=True), electorate=0)
    results = run(obs)
    assert results["REG-001"].status is Status.ERROR  # V3, V4 may be on the unread rows
    assert results["REG-006"].status is Status.ERROR  # 4 signed for 2 listed: the unread rows may hold more


def test_unreadable_emargement_rows_make_no_missing_voter() -> None:
    obs = clean()
    assert obs.board is not None
    # 4 ballots, 2 rows read, 2 not: the unread rows may be the 2 signatures
    half = register("emargement", ["V1", "V2"], times=[OPENS] * 2, unread=True)
    half = replace(half, problems=half.problems * 2, problems_total=2)
    result = run(replace(obs, emargement=half))["REG-005"]
    assert result.status is Status.ERROR and "ballot without" not in result.text("en")
    assert "line 7: time" in result.text("en")
    # more voters signed than ballots stays proven: rows not read could only add voters
    more = run(replace(obs, emargement=half, board=replace(obs.board, counted=1)))["REG-005"]
    assert more.status is Status.FAIL and "1 voter signed without a ballot" in more.text("en")
    assert "not read completely" in more.text("en")


def test_failures_proven_row_by_row_stand_on_a_partly_read_emargement() -> None:
    obs = replace(clean(), mixed_paper=True, paper=register("paper_votes", ["V2"]), electorate=3)
    rows = register("emargement", ["V1", "V2", "V2", "V3"],
                    times=[OPENS, OPENS, OPENS, CLOSES + timedelta(hours=1)], unread=True)
    results = run(replace(obs, emargement=rows, voters=register("voters", ["V1", "V2"])))
    for check in ("REG-001", "REG-002", "REG-003", "REG-004", "REG-006"):
        assert results[check].status is Status.FAIL, check
        assert "not read completely" in results[check].text("en"), check
