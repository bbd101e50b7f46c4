"""Helpers shared by the board tests."""

from __future__ import annotations

from pathlib import Path

from expertise.board.account import StepStatus, Verification
from expertise.board.verify import VerifyOptions, verify_board

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SAMPLES = REPO / "fixtures" / "belenios"


def verify(path: Path, **options) -> Verification:  # type: ignore[no-untyped-def]
    """Verify a board; a board that fails (every tampered and hostile board of the tests) is also
    verified with membership tested one element at a time (``--no-batch``), and both accounts
    must be the same: same steps failing, same ballots, records and fields named, same counts.

    Only BELENIOS-2048 boards are verified twice: in RFC-3526-2048 (Legendre symbol) and Ed25519
    (libsodium) membership is tested one element at a time either way, the same code."""
    options.setdefault("workers", 1)
    report = verify_board(Path(path), VerifyOptions(**options))
    batched_group = report.election.get("group") == "BELENIOS-2048"
    if "batch" not in options and batched_group and failed_steps(report):
        single = verify_board(Path(path), VerifyOptions(**{**options, "batch": False}))
        assert outcome(single) == outcome(report), "batched and one-by-one membership tests disagree"
    return report


def outcome(report: Verification) -> dict[str, object]:
    """Everything a verification says about each step (status, summary, counts, discrepancies, notes)."""
    return {step_id: step.to_dict() for step_id, step in report.steps.items()}


def failed_steps(report: Verification) -> set[str]:
    return {s.id for s in report.steps.values() if s.status is StepStatus.FAIL}


def status(report: Verification, step: str) -> StepStatus:
    return report.steps[step].status


def sample(name: str) -> Path:
    return next((SAMPLES / name).glob("*.bel"))
