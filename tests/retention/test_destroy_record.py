"""`expertise archive destroy-record`: refused before the appeal period ends (naming the date),
refused when an action was brought or is not declared; once written, signed so that stock
ssh-keygen checks it, and journaled."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from expertise import journal
from expertise.retention.config import Retention
from expertise.retention.record import FACTS, RECORD, verify_command
from expertise.seal.keys import generate


def retention(case: Path, **values: object) -> None:
    lines = ["", "[retention]"] + [f"{k} = {json.dumps(v) if not isinstance(v, date) else v.isoformat()}"
                                   for k, v in values.items()]
    with open(case / "case.toml", "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


@pytest.fixture
def archived(run_cli, demo_case: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    key = tmp_path / "keys" / "expert"
    generate(key, comment="test expert")
    archive = tmp_path / "archive"
    made = run_cli("archive", "create", demo_case, "--out", archive, "--key", key, "--no-tsa")
    assert made.returncode == 0, made.stderr
    return demo_case, archive, key


def test_period_in_months_and_days() -> None:
    assert Retention(results_proclaimed=date(2026, 12, 31), period_months=2, legal_source="x").period_ends() == \
        date(2027, 2, 28)
    assert Retention(results_proclaimed=date(2026, 12, 8), period_days=15, legal_source="x").period_ends() == \
        date(2026, 12, 23)
    with pytest.raises(ValueError):
        Retention(results_proclaimed=date(2026, 12, 8), legal_source="x")


def test_refused_before_the_period_ends_naming_the_date(run_cli, archived, tmp_path: Path) -> None:
    case, archive, key = archived
    retention(case, results_proclaimed=date(2026, 12, 8), period_months=24,
              legal_source="CGFP, art. R. 211-580", litigation=False)
    done = run_cli("archive", "destroy-record", archive, "--case", case, "--out", tmp_path / "pv", "--key", key)
    assert done.returncode == 2 and "ends on 8 December 2028" in done.stderr, done.stderr
    assert not (tmp_path / "pv").exists()


def test_refused_when_an_action_was_brought_or_is_not_declared(run_cli, archived, tmp_path: Path) -> None:
    case, archive, key = archived
    retention(case, results_proclaimed=date(2025, 1, 10), period_days=15, legal_source="Code du travail")
    done = run_cli("archive", "destroy-record", archive, "--case", case, "--out", tmp_path / "pv", "--key", key)
    assert done.returncode == 2 and "retention.litigation" in done.stderr
    toml = case / "case.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "litigation = true\n", encoding="utf-8")
    done = run_cli("archive", "destroy-record", archive, "--case", case, "--out", tmp_path / "pv", "--key", key)
    assert done.returncode == 2 and "action was brought" in done.stderr


def test_written_signed_checked_by_ssh_keygen_and_journaled(run_cli, archived, tmp_path: Path) -> None:
    case, archive, key = archived
    retention(case, results_proclaimed=date(2025, 1, 10), period_days=15, legal_source="Code du travail",
              litigation=False)
    before = journal.verify(case).entries
    out = tmp_path / "pv"
    done = run_cli("--lang", "fr", "archive", "destroy-record", archive, "--case", case, "--out", out, "--key", key)
    assert done.returncode == 0, done.stderr
    text = (out / RECORD).read_text(encoding="utf-8")
    facts = json.loads((out / FACTS).read_text(encoding="utf-8"))
    assert "PROCÈS-VERBAL DE DESTRUCTION" in text and facts["merkle_root"] in text
    assert facts["period_ended"] == "2025-01-25" and facts["legal_source"] == "Code du travail"
    checked = subprocess.run(["bash", "-c", verify_command()], cwd=out, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and 'Good "expertise-destruction" signature' in checked.stdout, checked.stderr
    (out / RECORD).write_text(text.replace("2025", "2026"), encoding="utf-8")
    tampered = subprocess.run(["bash", "-c", verify_command()], cwd=out, capture_output=True, text=True, timeout=60)
    assert tampered.returncode != 0
    state = journal.verify(case)
    assert state.intact and state.entries == before + 1
    again = run_cli("archive", "destroy-record", archive, "--case", case, "--out", out, "--key", key)
    assert again.returncode == 2


def test_refused_when_the_archive_does_not_verify(run_cli, archived, tmp_path: Path) -> None:
    case, archive, key = archived
    retention(case, results_proclaimed=date(2025, 1, 10), period_days=15, legal_source="Code du travail",
              litigation=False)
    (archive / "case" / "case.toml").write_text("altered\n", encoding="utf-8")
    done = run_cli("archive", "destroy-record", archive, "--case", case, "--out", tmp_path / "pv", "--key", key)
    assert done.returncode == 1 and not (tmp_path / "pv").exists(), done.stderr
