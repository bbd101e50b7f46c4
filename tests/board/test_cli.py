"""`expertise board verify` as a user runs it: exit status, --json, messages."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import sample


def test_valid_board_exits_0_and_writes_the_report(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.json"
    result = run_cli("board", "verify", sample("weighted"), "--workers", "2", "--json", out,
                     "--credentials-fingerprint", "Z3ZhFlvgUGGmyIyaUyJ1Y+r8ELoHhOM8kZkX1AkcFGA", "--electorate", "10")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(out.read_text())
    assert data["result"] == {"result": [[16, 10, 3]]}
    assert data["tally"]["total_weight"] == 29 and data["tally"]["num_tallied"] == 10
    steps = {s["id"]: s["status"] for s in data["steps"]}
    assert steps["credential_authority"] == "pass" and steps["snapshot"] == "not_verifiable"
    assert len(data["steps"]) == 16 and data["verdict"] == "no-failure"
    assert "16  Candidate 1" in result.stdout and "NO FAILURE" in result.stdout


def test_json_to_stdout(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("board", "verify", sample("small"), "--workers", "1", "--json", "-")
    assert result.returncode == 0
    assert json.loads(result.stdout)["result"]["result"] == [[5, 4, 1]]


def test_failing_step_exits_1(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("board", "verify", sample("small"), "--workers", "1", "--credentials-fingerprint", "A" * 43)
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "ballot stuffing" in result.stdout and "INVALID" in result.stdout


def test_usage_errors_exit_2(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for args, message in (
        (["board", "verify", tmp_path / "absent.bel"], "no such file"),
        (["board", "verify", tmp_path], "folder"),
        (["board", "verify", sample("small"), "--opens", "yesterday"], "ISO 8601"),
        (["board", "verify", sample("small"), "--opens", "2026-12-01T09:00:00"], "time zone"),
        (["board", "verify", sample("small"), "--opens", "2026-12-02T09:00:00+01:00", "--closes",
          "2026-12-01T09:00:00+01:00"], "after --opens"),
        (["board", "verify", sample("small"), "--snapshot", tmp_path / "none.bel"], "snapshot"),
        (["board", "verify", sample("small"), "--workers", "-3"], "--workers"),
        (["board", "verify", sample("small"), "--electorate", "0"], "--electorate"),
        (["board", "verify", sample("small"), "--credentials-fingerprint", "UKd1aa7TCy5"], "not a SHA-256 fingerprint"),
        (["board", "verify", sample("small"), "--json", tmp_path / "absent" / "out.json"], "folder does not exist"),
        (["board", "verify", sample("small"), "--json", tmp_path], "is a folder"),
    ):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in " ".join(result.stderr.split()), (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_forced_format_on_a_file_that_is_no_board(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "notes.txt"
    other.write_text("not a board")
    result = run_cli("board", "verify", other, "--format", "belenios", "--workers", "1")
    assert result.returncode == 1 and "archive" in result.stdout.lower()


def test_help_lists_the_steps(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("board", "verify", "--help")
    assert result.returncode == 0
    for word in ("--snapshot", "--credentials-fingerprint", "--scheduler", "shuffles", "Exit status"):
        assert word in result.stdout
