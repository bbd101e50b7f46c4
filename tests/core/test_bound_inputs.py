"""Inputs stay bound to the results drawn from them (issue 10, "the evidence chain has holes").

Each test reproduces what a new user did on the demo case: edit a register after `audit`, then
ask the journal, the report and the archive whether anything changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from expertise import journal
from expertise.hashing import sha256_file
from expertise.seal.keys import generate

pytestmark = pytest.mark.slow

EMARGEMENT = "registers/emargement.csv"


@pytest.fixture
def audited(run_cli, demo_case: Path) -> Path:
    proc = run_cli("audit", demo_case, "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    return demo_case


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "expert"
    generate(path, comment="test expert")
    return path


def edit_register(case: Path) -> None:
    path = case / EMARGEMENT
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(rows[:-1]), encoding="utf-8")  # one signature less


def test_journal_verify_names_an_input_edited_after_audit(run_cli, audited: Path) -> None:
    assert run_cli("journal", "verify", audited).returncode == 0
    edit_register(audited)
    proc = run_cli("journal", "verify", audited)
    assert proc.returncode == 1
    assert f"{EMARGEMENT} changed since operation" in proc.stderr
    data = json.loads(run_cli("journal", "verify", audited, "--json").stdout)
    assert data["intact"] is True and data["inputs_unchanged"] is False
    [change] = [c for c in data["changed_inputs"] if c["path"] == EMARGEMENT]
    assert change["state"] == "changed" and change["action"] in ("registers", "distribution")  # both read it
    assert change["found_sha256"] == sha256_file(audited / EMARGEMENT)
    assert change["code"] == "journal.input.changed"


def _results_of(value: object) -> list[dict[str, object]]:
    """Every result dict anywhere in results.json (they sit under objectives, sources…)."""
    found: list[dict[str, object]] = []
    if isinstance(value, dict):
        if "check_id" in value and "status" in value:
            found.append(value)
        for item in value.values():
            found.extend(_results_of(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_results_of(item))
    return found


def test_a_deleted_input_is_named_missing(run_cli, audited: Path) -> None:
    (audited / "registers/voters.csv").unlink()
    data = json.loads(run_cli("journal", "verify", audited, "--json").stdout)
    [change] = [c for c in data["changed_inputs"] if c["path"] == "registers/voters.csv"]
    assert change["state"] == "missing" and change["found_sha256"] is None
    assert run_cli("journal", "verify", audited).returncode == 1


def test_report_and_assess_refuse_then_accept_changed_is_journaled_and_stated(run_cli, audited: Path) -> None:
    edit_register(audited)
    before = len(journal.read_entries(audited))
    for command in (("report", audited, "--no-pdf"), ("assess", audited)):
        proc = run_cli(*command)
        assert proc.returncode == 1, proc.stderr
        assert EMARGEMENT in proc.stderr and "--accept-changed" in proc.stderr
        assert "expertise audit" in proc.stderr  # the operation to run again
    assert len(journal.read_entries(audited)) == before  # refused before anything was written

    proc = run_cli("report", audited, "--no-pdf", "--accept-changed")
    assert proc.returncode == 0, proc.stderr
    entries = journal.read_entries(audited)
    acceptance = [e for e in entries if e["action"] == "accept-changed"]
    assert len(acceptance) == 1
    [accepted] = acceptance[0]["notes"]["accepted_changes"]
    assert accepted["path"] == EMARGEMENT and accepted["found_sha256"] == sha256_file(audited / EMARGEMENT)
    html = (audited / "report/report.html").read_text(encoding="utf-8")
    assert "Fichiers modifiés depuis la collecte" in html  # the demo's report is in French
    assert EMARGEMENT in html
    results = json.loads((audited / "report/results.json").read_text(encoding="utf-8"))
    assert [c["path"] for c in results["changed_inputs"]] == [EMARGEMENT]
    journal_002 = [r for r in _results_of(results) if r.get("check_id") == "JOURNAL-002"]
    assert journal_002 and all(r["status"] == "fail" for r in journal_002)

    # accepted once: the journal says so, and later commands go on while still stating it
    verify = run_cli("journal", "verify", audited)
    assert verify.returncode == 0, verify.stderr
    assert "accepted by the expert" in verify.stderr
    assert run_cli("assess", audited).returncode in (0, 1)  # not refused (exit 1 would be "not met")
    assert len([e for e in journal.read_entries(audited) if e["action"] == "accept-changed"]) == 1


def test_audit_again_collects_the_new_file_and_clears_the_change(run_cli, audited: Path) -> None:
    edit_register(audited)
    assert run_cli("audit", audited, "--no-pdf").returncode == 0
    assert run_cli("journal", "verify", audited).returncode == 0
    assert run_cli("report", audited, "--no-pdf").returncode == 0


def test_archive_refuses_an_edited_input_and_verify_never_calls_it_intact(run_cli, audited: Path, key: Path,
                                                                           tmp_path: Path) -> None:
    edit_register(audited)
    refused = run_cli("archive", "create", audited, "--out", tmp_path / "archive", "--no-tsa", "--key", key)
    assert refused.returncode == 1, refused.stderr
    assert EMARGEMENT in refused.stderr and not (tmp_path / "archive").exists()

    archived = run_cli("archive", "create", audited, "--out", tmp_path / "archive", "--no-tsa", "--key", key,
                       "--accept-changed")
    assert archived.returncode == 0, archived.stderr
    check = json.loads(run_cli("archive", "verify", tmp_path / "archive", "--json").stdout)
    assert check["ok"] is True and check["inputs_unchanged"] is True
    [change] = check["changed_inputs"]
    assert change["path"] == EMARGEMENT and change["accepted_by"] is not None
    [summary_file] = [p for p in (tmp_path / "archive").glob("*.json")]
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    assert [c["path"] for c in summary["changed_inputs"]] == [EMARGEMENT]


def test_an_archived_case_edited_without_acceptance_does_not_verify(run_cli, audited: Path, key: Path,
                                                                   tmp_path: Path) -> None:
    """Someone edits a register inside an archive after the fact: the seal says so, and so does the
    archived journal, independently."""
    made = run_cli("archive", "create", audited, "--out", tmp_path / "archive", "--no-tsa", "--key", key)
    assert made.returncode == 0, made.stderr
    copy = next((tmp_path / "archive").glob(f"*/{EMARGEMENT}"))
    edit_register(copy.parents[1])
    check = json.loads(run_cli("archive", "verify", tmp_path / "archive", "--json").stdout)
    assert check["ok"] is False and check["inputs_unchanged"] is False
    assert [c["path"] for c in check["changed_inputs"]] == [EMARGEMENT]


def test_case_toml_is_kept_by_content_at_every_operation(run_cli, audited: Path) -> None:
    entries = journal.read_entries(audited)
    original = (audited / "case.toml").read_bytes()
    copies = {e["case_copy"]["path"] for e in entries}
    assert len(copies) == 1  # one content, one copy however many operations read it
    [copy] = copies
    assert (audited / copy).read_bytes() == original
    # the expert edits case.toml: the next operation keeps the new version too, the old stays
    edited = original.replace(b'opinion = "', b'opinion = "(revu) ', 1)
    assert edited != original
    (audited / "case.toml").write_bytes(edited)
    verify = run_cli("journal", "verify", audited)
    assert verify.returncode == 0, verify.stderr  # an edit of case.toml is the expert's work
    assert "evidence/case/" in verify.stderr
    assert run_cli("report", audited, "--no-pdf").returncode == 0
    last = journal.read_entries(audited)[-1]
    assert (audited / last["case_copy"]["path"]).read_bytes() == edited
    assert (audited / copy).read_bytes() == original
    # a kept copy is evidence: altering it breaks the journal
    (audited / copy).write_bytes(original + b"\n# altered\n")
    assert run_cli("journal", "verify", audited).returncode == 1


def test_inputs_are_journaled_relative_to_the_case(run_cli, audited: Path, tmp_path: Path) -> None:
    registers = [e for e in journal.read_entries(audited) if e["action"] == "registers"][-1]
    paths = {i["path"] for i in registers["inputs"]}
    assert {"case.toml", EMARGEMENT, "registers/voters.csv"} <= paths
    # the case moved elsewhere (a copy received by a judge's adviser) still verifies and still binds
    moved = tmp_path / "moved"
    shutil.copytree(audited, moved)
    assert run_cli("journal", "verify", moved).returncode == 0
    edit_register(moved)
    assert run_cli("journal", "verify", moved).returncode == 1


def test_older_journals_with_absolute_paths_are_still_checked(audited: Path) -> None:
    """Journals written before paths were relative named inputs absolutely: still re-hashed."""
    entries = journal.read_entries(audited)
    registers = [e for e in entries if e["action"] == "registers"][-1]
    changes, _ = journal.input_states(audited, [{**registers, "inputs": [
        {**i, "path": str((audited / i["path"]).resolve())} for i in registers["inputs"]]}])
    assert changes == []
    edit_register(audited)
    changes, _ = journal.input_states(audited, [{**registers, "inputs": [
        {**i, "path": str((audited / i["path"]).resolve())} for i in registers["inputs"]]}])
    assert [c.path for c in changes] == [EMARGEMENT]


def test_operator_is_the_option_then_the_case_expert_then_the_account(run_cli, audited: Path) -> None:
    assert journal.read_entries(audited)[-1]["operator"] == "test-operator"  # the fixture's --operator
    run_cli("assess", audited, env={"EXPERTISE_OPERATOR": ""})
    last = journal.read_entries(audited)[-1]
    assert last["operator"].startswith("Camille Lefèvre")  # the demo case's (fictitious) expert
    assert "@" in last["account"]
    run_cli("--operator", "Dominique Martin", "assess", audited)
    assert journal.read_entries(audited)[-1]["operator"] == "Dominique Martin"


def test_template_name_is_no_operator(tmp_path: Path) -> None:
    case = tmp_path / "case"
    case.mkdir()
    (case / "case.toml").write_text('[expert]\nname = "Prénom Nom"\n', encoding="utf-8")
    assert journal.default_operator(case) == journal.default_account()


def test_an_input_only_a_superseded_operation_read_stales_nothing(run_cli, audited: Path) -> None:
    """The émargement is replaced by another file in case.toml and collected again: editing the old
    file afterwards concerns no current result, so nothing is refused (journal verify still names it)."""
    shutil.copy(audited / EMARGEMENT, audited / "registers/emargement-v2.csv")
    case_file = audited / "case.toml"
    case_file.write_text(case_file.read_text(encoding="utf-8").replace(
        f'emargement = "{EMARGEMENT}"', 'emargement = "registers/emargement-v2.csv"'), encoding="utf-8")
    assert run_cli("audit", audited, "--no-pdf").returncode == 0
    edit_register(audited)  # the old file, no longer read
    assert journal.changed_evidence_inputs(audited) == []
    assert run_cli("report", audited, "--no-pdf").returncode == 0
    verify = run_cli("journal", "verify", audited)
    assert verify.returncode == 0 and EMARGEMENT in verify.stderr and "superseded" in verify.stderr
    results = json.loads((audited / "report/results.json").read_text(encoding="utf-8"))
    assert results["changed_inputs"] == []  # JOURNAL-002 and the report agree with the refusal
