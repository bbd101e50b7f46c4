"""The journal of operations: chaining, evidence hashes, and what `journal verify` reports."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from expertise import journal
from expertise.errors import UsageError
from expertise.i18n import msg
from expertise.results import Result, Status


def make_entries(case: Path, count: int) -> None:
    for index in range(count):
        with journal.operation(case, f"step{index}", ["expertise", "test", str(index)], operator="tester") as op:
            op.store_text("notes.txt", f"observation {index}\n")
            op.add_results(journal.ResultSet(f"test:{index}", "test",
                                             [Result("RISK-001", Status.PASS, msg("audit.state.done"))]))


def lines(case: Path) -> list[str]:
    return (case / "journal.jsonl").read_text(encoding="utf-8").splitlines()


def write_lines(case: Path, rows: list[str]) -> None:
    (case / "journal.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_entries_are_chained_and_hash_every_output(demo_case: Path) -> None:
    make_entries(demo_case, 3)
    entries = journal.read_entries(demo_case)
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev"] == journal.GENESIS
    assert entries[1]["prev"] == entries[0]["hash"] and entries[2]["prev"] == entries[1]["hash"]
    assert entries[0]["operator"] == "tester"
    assert entries[0]["command"] == ["expertise", "test", "0"]
    outputs = {Path(o["path"]).name for o in entries[0]["outputs"]}
    assert outputs == {"notes.txt", "results.json"}
    report = journal.verify(demo_case)
    assert report.intact and report.entries == 3 and report.head == entries[2]["hash"]


def test_verify_cli_intact(run_cli, demo_case: Path) -> None:
    make_entries(demo_case, 2)
    proc = run_cli("journal", "verify", demo_case)
    assert proc.returncode == 0, proc.stderr
    assert "intact: 2 entries" in proc.stdout


def test_an_edited_entry_is_named(run_cli, demo_case: Path) -> None:
    make_entries(demo_case, 4)
    rows = lines(demo_case)
    entry = json.loads(rows[2])
    entry["operator"] = "someone-else"
    rows[2] = json.dumps(entry, sort_keys=True, ensure_ascii=False)
    write_lines(demo_case, rows)
    proc = run_cli("journal", "verify", demo_case)
    assert proc.returncode == 1
    assert "entry 3" in proc.stderr and "edited" in proc.stderr


def test_an_edit_that_rehashes_the_entry_breaks_the_next_link(run_cli, demo_case: Path) -> None:
    make_entries(demo_case, 3)
    rows = lines(demo_case)
    entry = json.loads(rows[0])
    entry["operator"] = "forger"
    entry["hash"] = journal.entry_hash(entry)
    rows[0] = json.dumps(entry, sort_keys=True, ensure_ascii=False)
    write_lines(demo_case, rows)
    proc = run_cli("journal", "verify", demo_case, "--json")
    assert proc.returncode == 1
    problems = json.loads(proc.stdout)["problems"]
    assert problems[0]["seq"] == 2 and "does not chain" in problems[0]["message"]


def test_a_removed_entry_is_detected(run_cli, demo_case: Path) -> None:
    make_entries(demo_case, 3)
    rows = lines(demo_case)
    write_lines(demo_case, [rows[0], rows[2]])
    proc = run_cli("journal", "verify", demo_case)
    assert proc.returncode == 1
    assert "removed or reordered" in proc.stderr


def test_reordered_entries_are_detected(run_cli, demo_case: Path) -> None:
    make_entries(demo_case, 3)
    rows = lines(demo_case)
    write_lines(demo_case, [rows[0], rows[2], rows[1]])
    report = journal.verify(demo_case)
    assert not report.intact
    assert report.problems[0].line == 2
    proc = run_cli("journal", "verify", demo_case)
    assert proc.returncode == 1
    assert "entry 3 (line 2)" in proc.stderr and "removed or reordered" in proc.stderr


def test_removing_the_last_entry_leaves_its_evidence_orphaned(demo_case: Path) -> None:
    make_entries(demo_case, 2)
    write_lines(demo_case, lines(demo_case)[:1])
    report = journal.verify(demo_case)
    assert not report.intact
    assert report.problems[0].message.code == "journal.problem.evidence_unrecorded"
    assert "not recorded in the journal" in report.problems[0].message.render("en")


def test_removing_the_whole_journal_is_detected(run_cli, demo_case: Path) -> None:
    """Deleting journal.jsonl must not make a worked-on case look like a fresh, intact one."""
    make_entries(demo_case, 2)
    (demo_case / "journal.jsonl").unlink()
    report = journal.verify(demo_case)
    assert not report.intact
    problem = report.problems[0].message
    # two entries × (notes.txt + results.json) + the one copy of case.toml both operations read
    assert problem.code == "journal.problem.removed" and problem.args["count"] == 5
    assert "journal.jsonl is missing but evidence/ holds 5 evidence files" in problem.render("en")
    assert problem.render("fr").startswith("journal.jsonl absent")
    proc = run_cli("journal", "verify", demo_case)
    assert proc.returncode == 1 and "journal was removed" in proc.stderr
    for path in (demo_case / "evidence").rglob("*"):
        if path.is_file():
            path.unlink()
    assert journal.verify(demo_case).intact  # nothing was ever done: nothing to vouch for


def test_modified_or_missing_evidence_is_detected(demo_case: Path) -> None:
    make_entries(demo_case, 2)
    entries = journal.read_entries(demo_case)
    notes = demo_case / [o["path"] for o in entries[1]["outputs"] if o["path"].endswith("notes.txt")][0]
    notes.write_text("tampered\n", encoding="utf-8")
    report = journal.verify(demo_case)
    assert [p.seq for p in report.problems] == [2]
    assert report.problems[0].message.code == "journal.problem.evidence_modified"
    assert "evidence file modified" in report.problems[0].message.render("en")
    notes.unlink()
    assert "evidence file missing" in journal.verify(demo_case).problems[0].message.render("en")


def test_truncated_last_line(demo_case: Path) -> None:
    make_entries(demo_case, 2)
    raw = (demo_case / "journal.jsonl").read_bytes()
    (demo_case / "journal.jsonl").write_bytes(raw[:-40])
    assert not journal.verify(demo_case).intact


def test_not_a_case_exit_2(run_cli, tmp_path: Path) -> None:
    proc = run_cli("journal", "verify", tmp_path)
    assert proc.returncode == 2
    assert "not a case folder" in proc.stderr


def test_evidence_is_never_overwritten_and_stays_inside(demo_case: Path) -> None:
    with pytest.raises(UsageError):
        with journal.operation(demo_case, "x", ["x"]) as op:
            op.store_text("a.txt", "1")
            op.store_text("a.txt", "2")
    with pytest.raises(UsageError):
        with journal.operation(demo_case, "x", ["x"]) as op:
            op.store_text("../escape.txt", "1")
    entries = journal.read_entries(demo_case)
    assert [e["status"] for e in entries] == ["aborted", "aborted"]
    assert journal.verify(demo_case).intact


def test_a_failed_operation_is_still_journaled(demo_case: Path) -> None:
    with pytest.raises(RuntimeError):
        with journal.operation(demo_case, "probe", ["expertise", "probe"]) as op:
            op.store_text("partial.txt", "what was seen before the failure")
            raise RuntimeError("connection lost")
    entry = journal.read_entries(demo_case)[0]
    assert entry["status"] == "aborted"
    assert "connection lost" in entry["notes"]["aborted"]
    assert journal.verify(demo_case).intact


def _append_many(case: str) -> None:
    make_entries(Path(case), 5)


def test_concurrent_writers_keep_the_chain(demo_case: Path) -> None:
    processes = [multiprocessing.Process(target=_append_many, args=(str(demo_case),)) for _ in range(3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    report = journal.verify(demo_case)
    assert report.intact, report.problems
    assert report.entries == 15


def test_latest_result_set_per_source_wins(demo_case: Path) -> None:
    for status in (Status.FAIL, Status.PASS):
        with journal.operation(demo_case, "probe", ["x"]) as op:
            op.add_results(journal.ResultSet("probe:host", "probe", [Result("RISK-001", status, msg("common.verbatim", text="x"))]))
    latest = journal.latest_result_sets(demo_case)
    assert len(latest) == 1
    assert latest[0][1].results[0].status is Status.PASS
