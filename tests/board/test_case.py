"""The board in a case: the collector of `expertise audit`, the journal, the rules, the demo hook, the report partial."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from .helpers import REPO, sample

from expertise import catalogue as catalogue_mod
from expertise import journal
from expertise.assess import assess
from expertise.board.collector import collect
from expertise.board.demo import prepare
from expertise.case import load_case
from expertise.errors import UsageError
from expertise.results import Status

DEMO_BOARD = "board/dCRjH5o39RcAaH.bel"


def _results(case_dir: Path) -> dict[str, dict]:
    sets = journal.latest_result_sets(case_dir)
    boards = [rs for _, rs in sets if rs.producer == "board"]
    assert len(boards) == 1
    return {r.check_id: r for r in boards[0].results}, boards[0]


def test_demo_case_board_replayed_into_the_journal(demo_case: Path) -> None:
    with prepare(demo_case):
        collect(load_case(demo_case), ["expertise", "audit", str(demo_case)])
    results, result_set = _results(demo_case)
    assert result_set.source == f"board:{DEMO_BOARD}"
    assert set(results) == {f"BOARD-{i:03d}" for i in range(1, 17)}
    statuses = {cid: r.status for cid, r in results.items()}
    assert statuses["BOARD-011"] is Status.NOT_APPLICABLE  # no mixnet question
    assert all(s is Status.PASS for cid, s in statuses.items() if cid != "BOARD-011"), statuses
    assert results["BOARD-007"].objectives and "G5" in results["BOARD-007"].guarantees
    summary = result_set.summary
    assert summary["verdict"] == "valid"
    table = summary["result_table"][0]
    assert [row["count"] for row in table["rows"]] == [10, 10, 11, 10, 23]  # the plaintexts' result (README)
    assert summary["counts"]["credentials"] == 1850
    report = journal.verify(demo_case)
    assert report.intact, report.problems
    entry = journal.read_entries(demo_case)[-1]
    outputs = {o["path"].split("/", 2)[-1] for o in entry["outputs"]}
    assert {"verification.json", f"board/{Path(DEMO_BOARD).name}", "snapshots/01-mi-scrutin.bel"} <= outputs
    assert entry["inputs"][0]["label"] == "board"
    timing = json.loads((demo_case / [o["path"] for o in entry["outputs"]
                                      if o["path"].endswith("verification.json")][0]).read_text())
    timing_step = next(s for s in timing["steps"] if s["id"] == "timing")
    assert "EXPERTISE_BOARD_CLOCK" in " ".join(note["message"] for note in timing_step["notes"])
    assert all(note["code"].startswith("board.") for note in timing_step["notes"])


def test_objective_1_11_met_from_the_board_checks(demo_case: Path) -> None:
    with prepare(demo_case):
        collect(load_case(demo_case), [])
    assessment = assess(load_case(demo_case))
    rows = {row.objective.id: row.verdict for row in assessment.objectives}
    assert rows["1-11"].conclusion.value == "met"
    assert {r.check_id for r in rows["1-11"].results} >= {"BOARD-010", "BOARD-013"}


def test_failing_board_gives_failing_results(demo_case: Path, tmp_path: Path) -> None:
    text = (demo_case / "case.toml").read_text()
    shutil.copy(sample("small"), demo_case / "board" / "other.bel")
    text = text.replace(f'path = "{DEMO_BOARD}"', 'path = "board/other.bel"')
    (demo_case / "case.toml").write_text(text)
    with prepare(demo_case):
        collect(load_case(demo_case), [])
    results, _ = _results(demo_case)
    # another election: wrong credential fingerprint, 10 credentials for 1 850 voters, and the snapshot is not a prefix
    assert results["BOARD-006"].status is Status.FAIL
    assert "ballot stuffing" in results["BOARD-006"].text("en")
    assert results["BOARD-014"].status is Status.FAIL
    assert results["BOARD-007"].status is Status.PASS
    assert results["BOARD-006"].details["findings"]


def test_missing_board_is_a_usage_error(demo_case: Path) -> None:
    text = (demo_case / "case.toml").read_text().replace(f'path = "{DEMO_BOARD}"', 'path = "board/absent.bel"')
    (demo_case / "case.toml").write_text(text)
    with pytest.raises(UsageError) as info:
        collect(load_case(demo_case), [])
    assert str(info.value).startswith(f"{demo_case / 'case.toml'}: board.path: board/absent.bel: no such board file")
    assert "fichier d’urne introuvable" in info.value.render("fr")


def test_rules_on_recorded_observations() -> None:
    from expertise.board.observation import ReplayObservation, WatchObservation
    from expertise.board.rules import RULES as BOARD_RULES
    from expertise.board.rules import WATCH_RULES
    from expertise.domain import evaluate

    data = REPO / "tests" / "board" / "data"
    catalogue = catalogue_mod.load()
    for name, expected in (("open-vote.json", {"BOARD-010": Status.ERROR, "BOARD-007": Status.PASS}),
                           ("tampered-tally.json", {"BOARD-010": Status.FAIL, "BOARD-013": Status.PASS})):
        observation = ReplayObservation.model_validate_json((data / name).read_text())
        results = {r.check_id: r for r in evaluate(BOARD_RULES, observation, catalogue)}
        assert len(results) == 16
        for check_id, status in expected.items():
            assert results[check_id].status is status, (name, check_id, results[check_id].text("en"))
        assert results["BOARD-001"].severity is not None
    watch = WatchObservation.model_validate_json((data / "watch-rewritten.json").read_text())
    (result,) = evaluate(WATCH_RULES, watch, catalogue)
    assert result.status is Status.FAIL and "removed" in result.text("en")
    empty = ReplayObservation.model_validate({"report": {"steps": []}, "subject": "x"})
    (missing,) = evaluate(BOARD_RULES, empty, catalogue)[:1]
    assert missing.status is Status.ERROR


def test_malformed_credential_fingerprint_is_a_usage_error(demo_case: Path) -> None:
    """A mistyped fingerprint would read as ballot stuffing: it is refused as a mistake in the case."""
    text = (demo_case / "case.toml").read_text()
    start = text.index("credentials_fingerprint = ")
    end = text.index("\n", start)
    (demo_case / "case.toml").write_text(text[:start] + 'credentials_fingerprint = "NwN3Riu0"' + text[end:])
    with pytest.raises(UsageError) as info:
        collect(load_case(demo_case), [])
    assert "board.credentials_fingerprint" in str(info.value) and "not a SHA-256 fingerprint" in str(info.value)


def test_demo_hook_dates_the_snapshot_inside_the_voting_period(demo_case: Path) -> None:
    """Copying the fixtures dates the demo's mid-vote copy today; BOARD-014 would set it aside (issue 10)."""
    from datetime import datetime, timezone

    case = load_case(demo_case)
    (snapshot,) = case.data.board.snapshots
    path = case.resolve(snapshot)
    os.utime(path, (case.data.election.closes.timestamp() + 86400,) * 2)
    with prepare(demo_case):
        taken = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        assert case.data.election.opens < taken < case.data.election.closes
