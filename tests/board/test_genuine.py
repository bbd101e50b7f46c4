"""Boards made by belenios-tool verify, with the result belenios-tool found and the voters cast."""

from __future__ import annotations

import json

import pytest
from .conftest import SPECS
from .helpers import SAMPLES, sample, verify

from expertise.board.account import StepStatus

SAMPLE_NAMES = ["small", "weighted", "threshold", "rfc3526", "mixnet"]
SAMPLE_ROOT = SAMPLES.parent


def normalised(result: list, questions: list[dict]) -> list:
    """Non-homomorphic answers come out in shuffled order: compare them as sorted lists."""
    return [sorted(r) if q["type"] == "non-homomorphic" else [int(x) for x in r] for r, q in zip(result, questions)]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_boards_verify_with_their_published_and_expected_result(name: str) -> None:
    board = sample(name)
    report = verify(board, workers=2)
    assert not report.failed, [s.to_dict() for s in report.steps.values() if s.status is StepStatus.FAIL]
    published = json.loads((board.parent / "result.json").read_text())
    expected = json.loads((board.parent / "expected_result.json").read_text())
    assert report.result == published
    assert normalised(report.result["result"], report.election["questions"]) == expected["result"]
    assert report.tally["num_tallied"] == expected["num_tallied"]
    assert report.tally["total_weight"] == expected["total_weight"]
    for step in ("archive", "election", "group", "trustees", "credentials", "ballots", "revotes", "duplicates",
                 "tally", "decryptions", "result", "membership"):
        assert report.steps[step].status is StepStatus.PASS, step
    meta = json.loads((board.parent / "meta.json").read_text())
    assert report.steps["ballots"].counts["ballots"] == meta["ballots_cast"]
    assert report.steps["revotes"].counts["superseded"] == meta["revotes"]
    expected_shuffles = StepStatus.PASS if meta["nonhomomorphic_question"] else StepStatus.NOT_APPLICABLE
    assert report.steps["shuffles"].status is expected_shuffles


@pytest.mark.needs_tool
@pytest.mark.parametrize("name", [n for n in SPECS if SPECS[n].stop == "result"])
def test_generated_boards_match_belenios_tool(election, name: str) -> None:  # type: ignore[no-untyped-def]
    made = election(name)
    assert made.tool_verdict[0] == 0, made.tool_verdict  # belenios-tool's own verdict: valid
    report = verify(made.board, credentials_fingerprint=made.credentials_fingerprint, electorate=made.spec.voters,
                    snapshots=list(made.snapshots.values()))
    failures = {s.id: [f.to_dict() for f in s.failures] for s in report.steps.values() if s.status is StepStatus.FAIL}
    assert not failures
    assert report.result == made.result_payload()  # exactly belenios-tool's Result payload
    assert normalised(report.result["result"], report.election["questions"]) == made.expected["result"]
    assert report.tally["num_tallied"] == made.expected["num_tallied"]
    assert report.tally["total_weight"] == made.expected["total_weight"]
    for step in ("credential_authority", "snapshot", "tally", "decryptions", "result"):
        assert report.steps[step].status is StepStatus.PASS, step
    assert report.steps["revotes"].counts["superseded"] == made.spec.revotes
    assert report.steps["ballots"].counts["ballots"] == len(made.votes)


@pytest.mark.needs_tool
def test_threshold_board_is_decrypted_without_the_absent_member(election) -> None:  # type: ignore[no-untyped-def]
    made = election("threshold")
    report = verify(made.board)
    decryptions = report.steps["decryptions"]
    assert decryptions.status is StepStatus.PASS
    # owner 1 is the Single trustee, owners 2..4 the Pedersen members; member 1 (owner 2) did not decrypt
    assert "trustees 1, 3, 4" in str(decryptions.summary)
    assert report.election["trustees"]["pedersen"] == [{"threshold": 2, "members": 3}]


@pytest.mark.needs_tool
def test_board_during_the_vote_has_no_failure_and_unverifiable_count(election) -> None:  # type: ignore[no-untyped-def]
    made = election("voting")
    assert made.tool_verdict[0] == 0
    report = verify(made.board, snapshots=[made.snapshots["mid_voting"]])
    assert not report.failed
    assert report.verdict == "no-failure"
    for step in ("tally", "decryptions", "result"):
        assert report.steps[step].status is StepStatus.NOT_VERIFIABLE, step
    assert report.steps["ballots"].status is StepStatus.PASS
    assert report.steps["snapshot"].status is StepStatus.PASS
    assert report.result is None


def test_belenios_3_3_board_in_the_finite_field_group() -> None:
    """Belenios 3.3.0 kept the 2.0 ballots for BELENIOS-2048; its threshold keys gained signatures."""
    board = next((SAMPLE_ROOT / "belenios-3.3" / "belenios2048-threshold").glob("*.bel"))
    report = verify(board, workers=2)
    assert not report.failed
    assert report.result == json.loads((board.parent / "result.json").read_text())
    assert report.profile == "3.x"
    trustees = report.steps["trustees"]
    assert trustees.status is StepStatus.PASS and trustees.counts["proofs"] >= 3 * 4 + 1


@pytest.mark.parametrize("name", ["ed25519-single-weighted", "ed25519-threshold", "ed25519-nh-mixnet"])
def test_belenios_3_3_ed25519_boards(name: str) -> None:
    """Ed25519 (the default group since Belenios 2.1): weights, threshold, mixnet with shuffles."""
    board = next((SAMPLE_ROOT / "belenios-3.3" / name).glob("*.bel"))
    report = verify(board, workers=2)
    assert not report.failed, {s.id: [f.to_dict() for f in s.failures] for s in report.steps.values()
                               if s.status is StepStatus.FAIL}
    assert report.result == json.loads((board.parent / "result.json").read_text())
    assert report.election["group"] == "Ed25519" and report.profile == "3.x"
    for step in ("ballots", "tally", "decryptions", "result", "membership"):
        assert report.steps[step].status is StepStatus.PASS, step
    if name == "ed25519-nh-mixnet":
        assert report.steps["shuffles"].status is StepStatus.PASS
