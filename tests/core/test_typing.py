"""The engine's own modules type-check under mypy --strict (the domains move there one by one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STRICT = ["expertise/i18n.py", "expertise/domain.py", "expertise/domains.py", "expertise/typography.py",
          "expertise/console.py", "expertise/results.py", "expertise/errors.py", "expertise/tables.py"]
STRICT += ["expertise/distribution", "expertise/retention"]
STRICT += ["expertise/report/sections.py", "expertise/report/timeline.py", "expertise/report/docx.py"]
STRICT += ["expertise/report/versions.py", "expertise/report/versions_cli.py"]
STRICT += ["expertise/findings"]  # issue 13


def test_engine_modules_are_strictly_typed() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                             "--no-error-summary", *STRICT], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
