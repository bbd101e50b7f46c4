"""The registers rules on constructed observations: a planted fault and a clean run for each check,
could-not-test on an unread register, and no voter identity in any message."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import pytest

from expertise import catalogue
from expertise.case import Actor
from expertise.domain import Observation, evaluate
from expertise.i18n import msg
from expertise.registers.crosscheck import cross_check
from expertise.registers.observation import BoardCount, RegisterRead, RegistersObservation, stamp_of
from expertise.registers.rules import RULES as REGISTERS_RULES
from expertise.results import Result, Status
from expertise.tables import located

TZ = timezone(timedelta(hours=1))
OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
CLOSES = datetime(2026, 12, 8, 17, 0, tzinfo=TZ)

Model = TypeVar("Model", bound=Observation)


def crossed(obs: RegistersObservation) -> RegistersObservation:
    """The observation with its cross-check, as the collector makes it."""
    cross = cross_check(obs.voters, obs.emargement, obs.paper, opens=obs.opens, closes=obs.closes,
                        grace_minutes=obs.grace_minutes, mixed_paper=obs.paper is not None or bool(obs.mixed_paper),
                        board=obs.board)
    return obs.model_copy(update={"cross": cross})


def replace(model: Model, **changes: Any) -> Model:
    changed = model.model_copy(update=changes)
    return crossed(changed) if isinstance(changed, RegistersObservation) else changed  # type: ignore[return-value]


def register(label: str, ids: list[str], *, times: list[datetime] | None = None, unread: bool = False,
             columns: tuple[str, ...] = ("voter_id",), formula_lines: tuple[int, ...] = ()) -> RegisterRead:
    """A register as read (rows from line 2); ``unread``: not read, a time on line 7 without its zone."""
    file = f"registers/{label}.csv"
    if unread:
        reason = msg("tables.time.no_zone", value="01/12/2026 09:00", option="--timezone")
        return RegisterRead(label=label, file=file, unread=located(file, reason, line=7, field="Horodatage"))
    return RegisterRead(label=label, file=file, columns=columns, formula_lines=formula_lines,
                        formula_columns=("Nom",) if formula_lines else (), ids=tuple(ids),
                        lines=tuple(range(2, 2 + len(ids))),
                        stamps=tuple(stamp_of(t) for t in times) if times is not None else None)


def clean() -> RegistersObservation:
    voters = register("voters", [f"V{n}" for n in range(1, 11)], columns=("Matricule", "Nom", "Prénom", "Collège"))
    signed = ["V1", "V2", "V3", "V4"]
    emargement = register("emargement", signed, times=[OPENS + timedelta(hours=n) for n in range(4)])
    board = BoardCount(counted=4, trustees=2, source="board:board/x.bel", evidence="evidence/op/results.json",
                       verdict="valid")
    actors = (Actor(name="A", role="présidente", electoral_board=True, key_parts=1),
              Actor(name="B", role="secrétaire", electoral_board=True, key_parts=1),
              Actor(name="Ops", role="prestataire", provider_staff=True))
    return crossed(RegistersObservation(voters=voters, emargement=emargement, paper=None, mixed_paper=False,
                                        opens=OPENS, closes=CLOSES, electorate=10, board=board, actors=actors))


def run(obs: RegistersObservation) -> dict[str, Result]:
    return {r.check_id: r for r in evaluate(REGISTERS_RULES, obs, catalogue.load())}


def test_a_clean_case_passes_everything_that_applies() -> None:
    results = run(clean())
    statuses = {check: r.status for check, r in results.items()}
    assert statuses == {"REG-001": Status.PASS, "REG-002": Status.PASS, "REG-003": Status.PASS,
                        "REG-004": Status.NOT_APPLICABLE, "REG-005": Status.PASS, "REG-006": Status.PASS,
                        "REG-007": Status.PASS, "REG-008": Status.NOT_APPLICABLE, "REG-009": Status.PASS,
                        "REG-010": Status.PASS, "REG-011": Status.PASS}
    assert results["REG-005"].evidence == ("registers/emargement.csv", "evidence/op/results.json")
    assert results["REG-001"].guarantees == ("G4",)  # filled from the catalogue


def test_not_on_list_and_duplicates_name_lines_never_voters() -> None:
    emargement = register("emargement", ["V1", "X99", "V2", "V2"], times=[OPENS] * 4)
    results = run(replace(clean(), emargement=emargement))
    assert results["REG-001"].status is Status.FAIL and results["REG-001"].message.args["lines"] == ["3"]
    assert results["REG-002"].status is Status.FAIL and results["REG-002"].message.args["lines"] == ["4+5"]
    for check in ("REG-001", "REG-002"):
        for lang in ("en", "fr"):
            assert "X99" not in results[check].text(lang) and "V2" not in results[check].text(lang)
    assert "X99" not in str(results["REG-001"].details)


def test_ids_are_compared_exactly_leading_zeros_count() -> None:
    voters = register("voters", ["00123", "0042"])
    emargement = register("emargement", ["123", "0042"], times=[OPENS] * 2)
    obs = replace(clean(), voters=voters, emargement=emargement, board=None)
    assert [f.voter_id for f in obs.cross.not_on_list or ()] == ["123"]
    assert run(obs)["REG-001"].status is Status.FAIL


def test_out_of_hours_with_line_and_grace() -> None:
    late = register("emargement", ["V1", "V2"], times=[OPENS, CLOSES + timedelta(minutes=3)])
    result = run(replace(clean(), emargement=late, board=None))["REG-003"]
    assert result.status is Status.FAIL and "line 3 at 2026-12-08T17:03:00+01:00" in result.text("en")
    assert "V2" not in result.text("en")
    graced = run(replace(clean(), emargement=late, grace_minutes=5, board=None))["REG-003"]
    assert graced.status is Status.PASS and "5 minutes of grace" in graced.text("en")
    early = register("emargement", ["V1"], times=[OPENS - timedelta(seconds=1)])
    assert run(replace(clean(), emargement=early, grace_minutes=5))["REG-003"].status is Status.FAIL
    # the closing minute itself is inside
    assert run(replace(clean(), emargement=register("emargement", ["V1"], times=[CLOSES])))["REG-003"].status \
        is Status.PASS


def test_paper_votes_to_discard_and_not_on_list() -> None:
    obs = replace(clean(), mixed_paper=True)
    assert run(obs)["REG-004"].status is Status.MANUAL  # mixed vote, no paper list declared
    ok = run(replace(obs, paper=register("paper_votes", ["V8", "V9"])))
    assert ok["REG-004"].status is Status.PASS and ok["REG-008"].status is Status.PASS
    both = replace(obs, paper=register("paper_votes", ["V9", "V3", "V9", "Z1"]))
    assert [f.voter_id for f in both.cross.paper_votes_to_discard or ()] == ["V3"]
    assert [f.voter_id for f in both.cross.paper_votes_not_on_list or ()] == ["Z1"]
    results = run(both)
    assert results["REG-004"].status is Status.FAIL
    codes = [m.code for m in results["REG-004"].message.args["problems"]]  # type: ignore[union-attr]
    assert codes == ["registers.reg_004.to_discard", "registers.reg_004.twice_on_paper"]
    assert "electronic vote prevails" in results["REG-004"].text("en")
    assert results["REG-008"].status is Status.FAIL and results["REG-008"].message.args["lines"] == ["5"]


def test_board_count_mismatch_both_ways_and_the_part_flagged_rows_explain() -> None:
    obs = clean()
    assert obs.board is not None
    more = run(replace(obs, board=replace(obs.board, counted=5)))["REG-005"]
    assert more.status is Status.FAIL and "1 ballot without a voter signed" in more.text("en")
    assert more.details["unexplained_difference"] == -1
    fewer = run(replace(obs, board=replace(obs.board, counted=3)))["REG-005"]
    assert fewer.status is Status.FAIL and "1 voter signed without a ballot" in fewer.text("en")
    assert run(replace(obs, board=None))["REG-005"].status is Status.MANUAL
    # one signature out of hours, one not on the list; 2 ballots short: attributed to them, a pass
    flagged = register("emargement", ["V1", "V2", "X9", "V3"],
                       times=[OPENS, OPENS, OPENS, CLOSES + timedelta(hours=1)])
    explained = replace(obs, emargement=flagged, board=replace(obs.board, counted=2))
    assert explained.cross.counts.raw_difference == 2 and explained.cross.counts.unexplained_difference == 0
    result = run(explained)["REG-005"]
    assert result.status is Status.PASS and result.message.code == "registers.reg_005.explained"
    short = run(replace(explained, board=replace(obs.board, counted=1)))["REG-005"]
    assert short.status is Status.FAIL and short.details["explained_by_flagged_rows"] == 2
    assert short.details["unexplained_difference"] == 1 and short.message.code == "registers.reg_005.partly_explained"


def test_more_voters_than_registered() -> None:
    obs = replace(clean(), voters=None, electorate=3)
    result = run(obs)["REG-006"]
    assert result.status is Status.FAIL and "4 voters for 3 registered" in result.text("en")


def test_data_minimisation_of_the_electoral_list() -> None:
    columns = ("Matricule", "Nom", "Adresse personnelle", "E-mail perso", "Syndicat", "Ancienneté", "Service")
    result = run(replace(clean(), voters=replace(clean().voters, columns=columns)))["REG-009"]  # type: ignore[type-var]
    assert result.status is Status.FAIL
    assert result.details["beyond_minimal"] == ["Adresse personnelle", "E-mail perso", "Syndicat", "Ancienneté"]
    assert "data minimisation" in result.text("en") and "membership" in result.text("en")


def test_formula_cells_are_a_finding_with_their_lines() -> None:
    voters = register("voters", ["V1", "V2", "V3", "V4"], formula_lines=(3, 5))
    result = run(replace(clean(), voters=voters))["REG-010"]
    assert result.status is Status.FAIL and "formula injection" in result.text("en")
    assert "3 and 5" in result.text("en")


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


def test_an_unread_emargement_is_could_not_test_never_fail_nor_pass() -> None:
    obs = clean()
    assert obs.board is not None
    results = run(replace(obs, emargement=register("emargement", [], unread=True), board=replace(obs.board, counted=9)))
    for check in ("REG-001", "REG-002", "REG-003", "REG-005", "REG-006"):
        assert results[check].status is Status.ERROR, check
        assert results[check].message.code == "registers.could_not_test"
        assert "registers/emargement.csv, line 7, field Horodatage" in results[check].text("en")
        assert "--timezone" in results[check].text("en")
    assert results["REG-010"].status is Status.ERROR  # one register not read: its cells are unknown
    assert run(replace(obs, emargement=None))["REG-001"].status is Status.MANUAL  # missing: manual, not a pass


def test_an_unread_voter_list_never_makes_signers_absent() -> None:
    results = run(replace(clean(), voters=register("voters", [], unread=True)))
    for check in ("REG-001", "REG-006", "REG-009"):
        assert results[check].status is Status.ERROR, check
        assert "V1" not in results[check].text("en")
    # the checks that do not need the voter list are unaffected
    assert results["REG-002"].status is Status.PASS and results["REG-005"].status is Status.PASS


def test_an_unread_paper_list_is_could_not_test() -> None:
    results = run(replace(clean(), mixed_paper=True, paper=register("paper_votes", [], unread=True)))
    assert results["REG-004"].status is Status.ERROR and results["REG-008"].status is Status.ERROR
    assert results["REG-001"].status is Status.PASS
