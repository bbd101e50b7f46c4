"""Report building (work in progress in the backbone issue)."""

from __future__ import annotations

from pathlib import Path


def build_report(case_dir: Path, *, lang: str | None, out_dir: Path | None, pdf: bool) -> dict[str, Path]:
    raise NotImplementedError("report not written yet")
