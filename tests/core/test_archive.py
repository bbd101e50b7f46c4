"""The sealed archive of a case: made, checked by us and by stock tools, refused when unsound."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from expertise import journal
from expertise.archive import stock_commands
from expertise.seal.keys import generate
from expertise.seal.localtsa import running_tsa

from .test_journal import make_entries


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "expert"
    generate(path, comment="test expert")
    return path


@pytest.fixture
def case(demo_case: Path) -> Path:
    make_entries(demo_case, 2)
    generate(demo_case / "keys" / "stray", comment="a key left in the case")
    return demo_case


def _stock(folder: Path, multi: bool) -> None:
    for command in stock_commands(multi):
        done = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        if "-Y verify" in command:
            assert 'Good "expertise-seal" signature' in done.stdout


def test_archive_with_reports_verifies_with_our_tool_and_stock_tools(run_cli, case, key, tmp_path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7 not really\n")
    out = tmp_path / "archive"
    made = run_cli("archive", "create", case, "--out", out, "--key", key, "--report", report,
                   "--retain-until", "2027-06-30", "--json")
    assert made.returncode == 0, made.stderr
    data = json.loads(made.stdout)
    assert data["journal_entries"] == 2 and data["left_out"] == [
        {"code": "archive.left_out.private_key", "args": {"path": "keys/stray"}, "message": "keys/stray (private key)"}]
    assert (out / "case" / "case.toml").is_file() and (out / "report" / "report.pdf").is_file()
    assert not (out / "case" / "keys" / "stray").exists()
    assert (out / "case" / "keys" / "stray.pub").exists()  # a public key is kept
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "2027-06-30" in readme and "épuisement des voies et délais de recours" in readme
    assert "keys/stray" in readme
    _stock(out, multi=True)
    checked = run_cli("archive", "verify", out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "archive intact" in checked.stdout
    # the archive is an operation of the case, after the state it sealed
    entries = journal.read_entries(case)
    assert entries[-1]["action"] == "archive" and len(entries) == 3
    assert journal.verify(case).intact


def test_archive_without_report_is_checked_inside_the_case_copy(run_cli, case, key, tmp_path) -> None:
    out = tmp_path / "archive"
    assert run_cli("archive", "create", case, "--out", out, "--key", key).returncode == 0
    assert not (out / "report").exists()
    _stock(out, multi=False)
    assert run_cli("archive", "verify", out).returncode == 0


def test_a_changed_or_added_file_is_named(run_cli, case, key, tmp_path) -> None:
    out = tmp_path / "archive"
    assert run_cli("archive", "create", case, "--out", out, "--key", key).returncode == 0
    (out / "case" / "case.toml").write_text((out / "case" / "case.toml").read_text() + "\n# edited\n")
    (out / "case" / "evidence" / "added.txt").write_text("late\n")
    checked = run_cli("archive", "verify", out, "--json")
    assert checked.returncode == 1
    data = json.loads(checked.stdout)
    assert not data["ok"]
    named = {(d["path"], tuple(d["kinds"])) for d in data["differences"]}
    assert ("case.toml", ("modified",)) in named and ("evidence/added.txt", ("added",)) in named
    first = stock_commands(False)[-1]
    done = subprocess.run(["bash", "-c", first], cwd=out, capture_output=True, text=True)
    assert done.returncode != 0 and "case.toml" in done.stdout + done.stderr


def test_a_resigned_list_is_a_broken_seal(run_cli, case, key, tmp_path) -> None:
    out = tmp_path / "archive"
    assert run_cli("archive", "create", case, "--out", out, "--key", key).returncode == 0
    sums = out / "seal" / "SHA256SUMS"
    sums.write_text(sums.read_text().replace("case.toml", "case.toml.bak", 1))
    checked = run_cli("archive", "verify", out)
    assert checked.returncode == 2 and "signature" in checked.stderr
    assert "Traceback" not in checked.stderr


def test_a_tampered_journal_is_never_sealed(run_cli, case, key, tmp_path) -> None:
    rows = (case / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    entry = json.loads(rows[0])
    entry["operator"] = "someone-else"
    rows[0] = json.dumps(entry, sort_keys=True, ensure_ascii=False)
    (case / "journal.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "archive"
    refused = run_cli("archive", "create", case, "--out", out, "--key", key)
    assert refused.returncode == 1
    assert "journal does not verify" in refused.stderr and "journal.jsonl" in refused.stderr
    assert not out.exists()


def test_unsound_requests_are_refused_with_nothing_written(run_cli, case, key, tmp_path) -> None:
    out = tmp_path / "archive"
    no_key = run_cli("archive", "create", case, "--out", out)
    assert no_key.returncode == 2 and "--key" in no_key.stderr and not out.exists()
    absent = run_cli("archive", "create", case, "--out", out, "--key", tmp_path / "keys" / "absent")
    assert absent.returncode == 2 and "--key: no such key file" in absent.stderr and not out.exists()
    (case / "case.toml").write_text((case / "case.toml").read_text(encoding="utf-8")
                                    + '\n[seal]\nkey = "keys/absent"\n', encoding="utf-8")
    declared = run_cli("archive", "create", case, "--out", out)
    message = " ".join(declared.stderr.split())
    assert declared.returncode == 2 and "case.toml: seal.key: keys/absent: no such key file" in message
    assert "Traceback" not in message and not out.exists()
    inside = run_cli("archive", "create", case, "--out", case / "archive", "--key", key)
    assert inside.returncode == 2 and "inside the case" in inside.stderr
    assert not (case / "archive").exists()
    out.mkdir()
    exists = run_cli("archive", "create", case, "--out", out, "--key", key)
    assert exists.returncode == 2 and "never overwritten" in exists.stderr
    missing = run_cli("archive", "create", case, "--out", tmp_path / "other", "--key", key,
                      "--report", tmp_path / "nope.pdf")
    assert missing.returncode == 2 and "nope.pdf" in missing.stderr
    bad_date = run_cli("archive", "create", case, "--out", tmp_path / "other", "--key", key,
                       "--retain-until", "30/06/2027")
    assert bad_date.returncode == 2 and "--retain-until" in bad_date.stderr
    (case / "evidence" / ".pending-20261121T000000Z-probe-abc123").mkdir()
    pending = run_cli("archive", "create", case, "--out", tmp_path / "other", "--key", key)
    assert pending.returncode == 1 and ".pending-" in pending.stderr
    assert not (tmp_path / "other").exists()
    not_archive = run_cli("archive", "verify", case)
    assert not_archive.returncode == 2 and "not an archive" in not_archive.stderr


def test_timestamped_archive(run_cli, case, key, tmp_path) -> None:
    out = tmp_path / "archive"
    with running_tsa(tmp_path / "tsa") as tsa:
        made = run_cli("archive", "create", case, "--out", out, "--key", key, "--tsa", tsa.url,
                       "--tsa-ca-file", tsa.ca_file)
    assert made.returncode == 0, made.stderr
    assert "RFC 3161" in made.stdout
    token = out / "seal" / "SHA256SUMS.tsr"
    assert token.is_file()
    verified = subprocess.run(["openssl", "ts", "-verify", "-data", str(out / "seal" / "SHA256SUMS"),
                               "-in", str(token), "-CAfile", str(tsa.ca_file)],
                              capture_output=True, text=True)
    assert verified.returncode == 0 and "Verification: OK" in verified.stdout, verified.stderr
    checked = run_cli("archive", "verify", out, "--tsa-ca-file", tsa.ca_file)
    assert checked.returncode == 0, checked.stdout + checked.stderr
