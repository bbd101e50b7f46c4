"""Helpers shared by the board tests."""

from __future__ import annotations

from pathlib import Path

from expertise.board.account import StepStatus, Verification
from expertise.board.verify import VerifyOptions, verify_board

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SAMPLES = REPO / "fixtures" / "belenios"


def verify(path: Path, **options) -> Verification:  # type: ignore[no-untyped-def]
    options.setdefault("workers", 1)
    return verify_board(Path(path), VerifyOptions(**options))


def failed_steps(report: Verification) -> set[str]:
    return {s.id for s in report.steps.values() if s.status is StepStatus.FAIL}


def status(report: Verification, step: str) -> StepStatus:
    return report.steps[step].status


def sample(name: str) -> Path:
    return next((SAMPLES / name).glob("*.bel"))
