"""Writes are safe (issue 10): `init` never overwrites a journaled case, a report is published
whole or not at all (Ctrl-C included), a read-only case is read in review mode and refused for
writes with the reason, and `audit` says on the console what each collector found."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from importlib.resources import files
from pathlib import Path
from typing import Iterator

import pytest
from pypdf import PdfReader

from expertise import journal

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = files("expertise").joinpath("templates/case.toml").read_text(encoding="utf-8")


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ init


def test_init_force_on_a_journaled_case_is_refused(run_cli, demo_case: Path) -> None:
    assert run_cli("risk", demo_case).returncode in (0, 1)  # one journaled operation
    before = (demo_case / "case.toml").read_bytes()
    proc = run_cli("init", demo_case, "--force")
    assert proc.returncode == 2, proc.stderr
    message = _one_line(proc.stderr)
    assert "journal.jsonl" in message and "1 operation that rests on it" in message and "Traceback" not in message
    assert (demo_case / "case.toml").read_bytes() == before
    assert not (demo_case / "case.new.toml").exists()
    french = run_cli("init", demo_case, "--force", "--lang", "fr")
    assert french.returncode == 2 and "n’est pas remplacé" in french.stderr


def test_init_on_an_existing_case_writes_the_template_beside_it(run_cli, demo_case: Path) -> None:
    before = (demo_case / "case.toml").read_bytes()
    entries = journal.read_entries(demo_case)
    proc = run_cli("init", demo_case)
    assert proc.returncode == 0, proc.stderr
    assert (demo_case / "case.toml").read_bytes() == before
    assert (demo_case / "case.new.toml").read_text(encoding="utf-8") == TEMPLATE
    assert "case.new.toml" in _one_line(proc.stderr) and "left as it is" in _one_line(proc.stderr)
    assert journal.read_entries(demo_case) == entries  # a template beside the case is no operation on it
    # a second time: the first template (perhaps being filled in) is not overwritten either
    (demo_case / "case.new.toml").write_text("# my notes\n", encoding="utf-8")
    again = run_cli("init", demo_case)
    assert again.returncode == 2 and "case.new.toml" in _one_line(again.stderr)
    assert (demo_case / "case.new.toml").read_text(encoding="utf-8") == "# my notes\n"


def test_init_force_without_a_journal_replaces_case_toml(run_cli, demo_case: Path) -> None:
    assert not (demo_case / journal.JOURNAL_NAME).exists()
    proc = run_cli("init", demo_case, "--force")
    assert proc.returncode == 0, proc.stderr
    assert (demo_case / "case.toml").read_text(encoding="utf-8") == TEMPLATE


# ------------------------------------------------------------------ a report is published whole


def _set_is_whole(folder: Path) -> str:
    """The report files in ``folder`` come from one run: the HTML lists the SHA-256 of this
    results.json and shows its journal head, and the PDF carries this very results.json.
    Returns the head."""
    results = (folder / "results.json").read_bytes()
    head = json.loads(results)["journal"]["head"]
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert hashlib.sha256(results).hexdigest() in page, "report.html and results.json of two runs"
    assert head in page
    if (folder / "report.pdf").exists():
        attached = PdfReader(str(folder / "report.pdf")).attachments["results.json"][0]
        assert attached == results, "report.pdf and results.json of two runs"
    return head


def _cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "EXPERTISE_LANG": "en", "EXPERTISE_OPERATOR": "test-operator"}


@pytest.mark.slow
def test_ctrl_c_while_the_report_is_written_leaves_one_whole_set(run_cli, demo_case: Path) -> None:
    """A real SIGINT at varied moments of `expertise report` (rendering, PDF, publishing)."""
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    started = time.monotonic()
    assert run_cli("report", demo_case).returncode == 0
    whole_run = time.monotonic() - started  # the machine's pace: the signals land inside a run however loaded
    folder = demo_case / "report"
    heads = {_set_is_whole(folder)}
    interrupted = 0
    for delay in (whole_run * share for share in (0.35, 0.5, 0.6, 0.7, 0.8, 0.9)):
        proc = subprocess.Popen([sys.executable, "-m", "expertise", "report", str(demo_case)], env=_cli_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        # 130: interrupted by the CLI; -SIGINT: before Python could install its handler (nothing written)
        assert proc.returncode in (0, 130, -signal.SIGINT), stderr
        assert "Traceback" not in stderr and "internal error" not in stderr
        interrupted += proc.returncode == 130
        heads.add(_set_is_whole(folder))
        assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.pdf", "results.json"]
    assert interrupted >= 2  # the signal did land while the report was being written
    assert journal.verify(demo_case).intact
    reports = [e for e in journal.read_entries(demo_case) if e["action"] == "report"]
    assert all(e["status"] == "completed" for e in reports)  # an interrupted report journals nothing
    assert len(heads) == len(reports)  # each set on disk was one journaled run's, whole


def test_a_report_without_pdf_does_not_sit_beside_an_older_pdf(run_cli, demo_case: Path) -> None:
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    folder = demo_case / "report"
    stale = folder / ".partial-killed"  # left by a run killed before it could clean up
    stale.mkdir(parents=True)
    (stale / "report.html").write_text("half", encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF- of an older run")
    proc = run_cli("report", demo_case, "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "results.json"]
    _set_is_whole(folder)


# ------------------------------------------------------------------ read-only cases


@pytest.fixture
def audited_case(run_cli, demo_case: Path) -> Path:
    assert run_cli("audit", demo_case, "--no-pdf").returncode == 0
    return demo_case


@pytest.fixture
def read_only_case(audited_case: Path, tmp_path: Path) -> Iterator[Path]:
    """The audited case on a read-only file system, as a mounted archive or a received copy.

    As root (the suite's containers) permission bits do not stop writes, so the copy lies on a
    tmpfs remounted read-only: every write fails with EROFS, for root too. Without the right to
    mount, a non-root user gets a copy without write permission (EACCES) instead.
    """
    mount = tmp_path / "ro"
    mount.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
                                                   capture_output=True).returncode == 0
    if not mounted and os.geteuid() == 0:
        pytest.skip("root without the right to mount: no way to make a folder read-only for root")
    case = mount / "case"
    shutil.copytree(audited_case, case)
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    else:
        for path in [case, *case.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
    try:
        yield case
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount)], check=False)
        else:
            for path in [case, *case.rglob("*")]:
                path.chmod(path.stat().st_mode | 0o200)


def _journal_bytes(case: Path) -> bytes:
    return (case / journal.JOURNAL_NAME).read_bytes()


def test_commands_that_only_read_work_on_a_read_only_case(run_cli, read_only_case: Path) -> None:
    with pytest.raises(OSError):
        (read_only_case / "probe").write_text("x")  # the folder really is read-only, for this user too
    verified = run_cli("journal", "verify", read_only_case)
    assert verified.returncode == 0 and "journal intact" in verified.stdout, verified.stderr
    assert run_cli("checks").returncode == 0
    board = next((read_only_case / "board").glob("*.bel"))
    assert run_cli("board", "verify", board, "--workers", "1", "--quiet").returncode in (0, 1)
    risk = run_cli("risk", read_only_case)
    assert risk.returncode in (0, 1) and "review mode, nothing is journaled" in _one_line(risk.stderr), risk.stderr
    assessed = run_cli("assess", read_only_case, "--json")
    assert assessed.returncode in (0, 1), assessed.stderr
    assert json.loads(assessed.stdout)["objectives"] and "review mode" in assessed.stderr
    assert "cannot be written" in _one_line(assessed.stderr)


@pytest.mark.slow
def test_a_review_copy_of_a_read_only_case_says_so_on_every_page(run_cli, read_only_case: Path,
                                                                  tmp_path: Path) -> None:
    refused = run_cli("report", read_only_case)
    assert refused.returncode == 2 and "--out" in refused.stderr and "Traceback" not in refused.stderr

    proc = run_cli("report", read_only_case, "--out", tmp_path / "review", "--json")
    assert proc.returncode == 0, proc.stderr
    written = {kind: Path(path) for kind, path in json.loads(proc.stdout)["files"].items()}
    results = json.loads(written["results"].read_text(encoding="utf-8"))
    assert results["review"] is True
    assert results["review_notice"]["code"] == "report.review.notice"
    assert results["review_notice"]["args"]["reason"]["code"] == "report.review.read_only"
    # in the case's language (French), in the HTML and on every page of the PDF
    page = html.unescape(written["html"].read_text(encoding="utf-8"))
    assert "Copie d’examen — non consignée au journal" in page
    reader = PdfReader(str(written["pdf"]))
    for number, pdf_page in enumerate(reader.pages, start=1):
        assert "Copie d’examen" in pdf_page.extract_text(), f"page {number} does not say it is a review copy"
    _set_is_whole(tmp_path / "review")
    english = run_cli("report", read_only_case, "--out", tmp_path / "review-en", "--lang", "en", "--no-pdf")
    assert english.returncode == 0, english.stderr
    page = html.unescape((tmp_path / "review-en" / "report.html").read_text(encoding="utf-8"))
    assert "Review copy — not recorded in the case's journal (the case folder" in page


def test_commands_that_write_are_refused_on_a_read_only_case_with_the_reason(run_cli, read_only_case: Path,
                                                                              tmp_path: Path) -> None:
    for args in (("audit", read_only_case, "--no-pdf"), ("registers", "check", read_only_case),
                 ("init", read_only_case),
                 ("archive", "create", read_only_case, "--out", tmp_path / "archive")):
        proc = run_cli(*args)
        message = _one_line(proc.stderr)
        assert proc.returncode == 2, (args, proc.returncode, proc.stderr)
        assert "Traceback" not in message and "internal error" not in message, args
        assert re.search(r"cannot be written|cannot write", message), (args, message)


def test_review_flag_on_a_writable_case_journals_nothing(run_cli, audited_case: Path, tmp_path: Path) -> None:
    before = _journal_bytes(audited_case)
    assessed = run_cli("assess", audited_case, "--review")
    assert assessed.returncode in (0, 1) and "asked with --review" in _one_line(assessed.stderr)
    inside = run_cli("report", audited_case, "--review", "--no-pdf", "--out", audited_case / "review")
    assert inside.returncode == 2 and "outside" in _one_line(inside.stderr)
    proc = run_cli("report", audited_case, "--review", "--no-pdf", "--out", tmp_path / "review")
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "review" / "results.json").read_text(encoding="utf-8"))
    assert results["review"] is True and results["review_notice"]["args"]["reason"]["code"] == "report.review.asked"
    assert _journal_bytes(audited_case) == before
    ordinary = json.loads((audited_case / "report" / "results.json").read_text(encoding="utf-8"))
    assert ordinary["review"] is False and "review_notice" not in ordinary


# ------------------------------------------------------------------ audit says what each collector found


@pytest.mark.slow
def test_audit_prints_each_collector_with_its_failing_checks(run_cli, demo_case: Path) -> None:
    from expertise.seal.keys import generate

    generate(demo_case / "keys" / "expert")
    (demo_case / "www").mkdir()
    (demo_case / "www" / "index.html").write_text("<p>vote</p>\n", encoding="utf-8")
    with open(demo_case / "case.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[seal]\nkey = "keys/expert"\n[[seal.components]]\nname = "www"\nsource = "www"\n')
    assert run_cli("audit", demo_case, "--no-pdf").returncode == 0
    (demo_case / "www" / "index.html").write_text("<p>changed</p>\n", encoding="utf-8")

    proc = run_cli("audit", demo_case, "--no-pdf", env={"COLUMNS": "500"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    seal = next(line for line in lines if line.startswith("seal: "))
    assert seal.startswith("seal: done — ") and re.search(r"\d+ failing checks?: [A-Z0-9-, ]*SEAL-009", seal), seal
    assert "board: done — 1 failing check: BOARD-016" in lines
    assert "probe: skipped" in lines
    assert any(line.startswith("registers: done — ") for line in lines)
    report_line = lines.index(f"report: {demo_case / 'report'}")
    assert report_line > lines.index(seal) and lines[report_line + 1].endswith("report.html")

    french = run_cli("audit", demo_case, "--no-pdf", "--lang", "fr", env={"COLUMNS": "500"})
    seal_fr = next(line for line in french.stdout.splitlines() if line.startswith("seal"))
    assert seal_fr.startswith("seal\u00a0: fait — ") and "en échec\u00a0: " in seal_fr and "SEAL-009" in seal_fr

    as_json = run_cli("audit", demo_case, "--no-pdf", "--json")
    states = json.loads(as_json.stdout)["collector_states"]
    assert "SEAL-009" in states["seal"]["failing"] and states["board"]["failing"] == ["BOARD-016"]
