"""`expertise seal reuse`: the recommendation's windows, an unchanged element, vulnerabilities."""

from __future__ import annotations

import json
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from expertise.seal.reuse import add_months


@pytest.fixture
def seals(run_cli, expert_key, tree: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    previous, current = tmp_path / "previous", tmp_path / "current"
    assert run_cli("seal", "create", "--key", expert_key.path, "--out", previous, tree).returncode == 0
    copy = tmp_path / "deployed"
    shutil.copytree(tree, copy, symlinks=True)
    assert (
        run_cli("seal", "create", "--key", expert_key.path, "--out", current, f"src={copy}").returncode == 0
    )
    return previous, current, copy


def reuse(run_cli, previous: Path, current: Path, *args: object):  # type: ignore[no-untyped-def]
    done = run_cli("seal", "reuse", "--previous", previous, "--current", current, "--json", *args)
    assert "Traceback" not in done.stderr
    return done.returncode, (json.loads(done.stdout) if done.stdout.strip() else None), done.stderr


@pytest.fixture
def osv(tmp_path: Path) -> Path:
    path = tmp_path / "osv.json"
    path.write_text(
        json.dumps(
            {
                "vulns": [
                    {
                        "id": "OSV-2026-001",
                        "published": "2026-03-10T00:00:00Z",
                        "summary": "XSS in vote.js",
                        "affected": [{"package": {"ecosystem": "npm", "name": "votesur-client"}}],
                    },
                    {
                        "id": "OSV-2024-009",
                        "published": "2024-01-01T00:00:00Z",
                        "summary": "old",
                        "affected": [{"package": {"ecosystem": "npm", "name": "votesur-client"}}],
                    },
                    {
                        "id": "OSV-2026-002",
                        "published": "2026-04-01T00:00:00Z",
                        "withdrawn": "2026-04-05T00:00:00Z",
                        "summary": "withdrawn",
                    },
                    {
                        "id": "GHSA-other",
                        "modified": "2026-05-01T00:00:00Z",
                        "summary": "other package",
                        "affected": [{"package": {"ecosystem": "PyPI", "name": "unrelated"}}],
                    },
                ]
            }
        )
    )
    return path


@pytest.mark.parametrize(
    "level, months, previous, reference, eligible",
    [
        (1, 24, "2024-12-01", "2026-11-30", True),
        (1, 24, "2024-11-29", "2026-11-30", False),
        (2, 12, "2025-12-01", "2026-11-30", True),
        (2, 12, "2025-11-29", "2026-11-30", False),
        (3, 0, "2026-11-01", "2026-11-30", False),
    ],
)
def test_window_by_level(
    run_cli, seals, osv: Path, level: int, months: int, previous: str, reference: str, eligible: bool
) -> None:
    code, verdict, _ = reuse(
        run_cli,
        seals[0],
        seals[1],
        "--previous-date",
        previous,
        "--level",
        level,
        "--date",
        reference,
        "--osv",
        osv,
        "--package",
        "votesur-server",
    )
    window = next(c for c in verdict["conditions"] if c["id"] == "window")
    assert verdict["window_months"] == months
    assert (window["status"] == "ok") is eligible
    assert (code == 0) is eligible and verdict["verdict"] == ("eligible" if eligible else "not_eligible")
    if level == 3:
        assert "must be redone for each element, for each election" in window["reason"]
    else:  # the earlier seal was made today, long after the earlier expertise: said, but not decisive
        note = next(c for c in verdict["conditions"] if c["id"] == "previous-seal-date")
        assert (
            note["status"] == "note"
            and "check that it seals the element that expertise examined" in note["reason"]
        )


def test_month_arithmetic_clamps_to_the_end_of_month() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2025, 1, 15), 24) == date(2027, 1, 15)


def test_changed_element_is_not_eligible(run_cli, seals, osv: Path, expert_key, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    previous, _, copy = seals
    (copy / "app" / "main.py").write_text("print('new version')\n")
    current = tmp_path / "current-2"
    assert run_cli("seal", "create", "--key", expert_key.path, "--out", current, copy).returncode == 0
    code, verdict, _ = reuse(
        run_cli,
        previous,
        current,
        "--previous-date",
        "2026-06-01",
        "--level",
        "2",
        "--date",
        "2026-11-30",
        "--osv",
        osv,
        "--package",
        "votesur-server",
    )
    unchanged = next(c for c in verdict["conditions"] if c["id"] == "unchanged")
    assert code == 1 and unchanged["status"] == "failed" and "modified app/main.py" in unchanged["reason"]
    assert unchanged["details"]["differences"][0]["path"] == "app/main.py"


def test_vulnerability_published_since_blocks_reuse(run_cli, seals, osv: Path) -> None:  # type: ignore[no-untyped-def]
    code, verdict, _ = reuse(
        run_cli,
        seals[0],
        seals[1],
        "--previous-date",
        "2026-01-15",
        "--level",
        "2",
        "--date",
        "2026-11-30",
        "--osv",
        osv,
        "--package",
        "votesur-client",
    )
    vulns = next(c for c in verdict["conditions"] if c["id"] == "vulnerabilities")
    assert code == 1 and vulns["status"] == "failed"
    assert [v["id"] for v in vulns["details"]["found"]] == ["OSV-2026-001"]
    # without a package filter, every record published in the window counts (not the withdrawn one)
    code, verdict, _ = reuse(
        run_cli,
        seals[0],
        seals[1],
        "--previous-date",
        "2026-01-15",
        "--level",
        "2",
        "--date",
        "2026-11-30",
        "--osv",
        osv,
    )
    found = next(c for c in verdict["conditions"] if c["id"] == "vulnerabilities")["details"]["found"]
    assert [v["id"] for v in found] == ["OSV-2026-001", "GHSA-other"]


def test_without_vulnerability_file_it_is_a_manual_item(run_cli, seals) -> None:  # type: ignore[no-untyped-def]
    code, verdict, _ = reuse(
        run_cli, seals[0], seals[1], "--previous-date", "2026-06-01", "--level", "1", "--date", "2026-11-30"
    )
    assert code == 1 and verdict["verdict"] == "manual"
    item = next(c for c in verdict["conditions"] if c["id"] == "vulnerabilities")
    assert item["status"] == "manual" and "between 2026-06-01 and 2026-11-30" in item["reason"]
    text = run_cli(
        "seal",
        "reuse",
        "--previous",
        seals[0],
        "--current",
        seals[1],
        "--previous-date",
        "2026-06-01",
        "--level",
        "1",
        "--date",
        "2026-11-30",
    )
    assert "NOT YET ELIGIBLE" in text.stdout and "[to check] vulnerabilities" in text.stdout


def test_malformed_vulnerability_file_names_the_field(run_cli, seals, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "X-1", "published": "last tuesday"}]))
    code, _, stderr = reuse(
        run_cli, seals[0], seals[1], "--previous-date", "2026-06-01", "--level", "1", "--osv", bad
    )
    assert code == 2 and "bad.json: [0].published: not an RFC 3339 date-time" in stderr
    bad.write_text("{not json")
    code, _, stderr = reuse(
        run_cli, seals[0], seals[1], "--previous-date", "2026-06-01", "--level", "1", "--osv", bad
    )
    assert code == 2 and "not a JSON file" in stderr


def test_broken_seal_and_untrusted_key(run_cli, seals, other_key) -> None:  # type: ignore[no-untyped-def]
    code, _, stderr = reuse(
        run_cli,
        seals[0],
        seals[1],
        "--previous-date",
        "2026-06-01",
        "--level",
        "1",
        "--trusted-key",
        other_key.pub,
    )
    assert code == 2 and "not among the trusted keys" in stderr
    (seals[0] / "manifest.json.sig").write_text("garbage")
    code, _, stderr = reuse(run_cli, seals[0], seals[1], "--previous-date", "2026-06-01", "--level", "1")
    assert code == 2 and "manifest.json.sig" in stderr


def test_previous_date_after_reference_is_refused(run_cli, seals) -> None:  # type: ignore[no-untyped-def]
    code, _, stderr = reuse(
        run_cli, seals[0], seals[1], "--previous-date", "2027-01-01", "--level", "1", "--date", "2026-11-30"
    )
    assert code == 2 and "--previous-date" in stderr


def test_a_previous_seal_newer_than_the_current_one_is_refused(  # type: ignore[no-untyped-def]
    run_cli, expert_key, tree: Path, tmp_path: Path
) -> None:
    """Swapped seals would judge the window and the vulnerabilities on the wrong dates."""
    older, newer = tmp_path / "older", tmp_path / "newer"
    assert run_cli("seal", "create", "--key", expert_key.path, "--out", older, tree).returncode == 0
    time.sleep(1.1)  # seal times are kept to the second
    assert run_cli("seal", "create", "--key", expert_key.path, "--out", newer, tree).returncode == 0
    code, _, stderr = reuse(run_cli, newer, older, "--previous-date", "2026-01-01", "--level", "1")
    assert code == 2 and "--previous" in stderr and "swapped" in stderr
    code, answer, _ = reuse(run_cli, older, newer, "--previous-date", "2026-01-01", "--level", "1",
                            "--date", "2026-11-30")
    assert code != 2 and answer is not None
