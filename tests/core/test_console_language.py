"""The console speaks the language asked (`--lang`, else the environment's), and says the same
facts in French and in English."""

from __future__ import annotations

import json
import re
from pathlib import Path

from expertise import journal
from expertise.i18n import msg
from expertise.results import Result, Status


def _entries(case: Path, count: int) -> None:
    for index in range(count):
        with journal.operation(case, f"step{index}", ["expertise", "test", str(index)], operator="tester") as op:
            op.store_text("notes.txt", f"observation {index}\n")
            op.add_results(journal.ResultSet(f"test:{index}", "test", [Result("RISK-001", Status.PASS,
                                                                              msg("audit.state.done"))]))


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def test_journal_verify_says_the_same_facts_in_both_languages(run_cli, demo_case: Path) -> None:
    _entries(demo_case, 3)
    path = demo_case / "journal.jsonl"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].replace('"step2"', '"edited"')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    english = run_cli("journal", "verify", demo_case, "--lang", "en")
    french = run_cli("journal", "verify", demo_case, "--lang", "fr")
    assert english.returncode == french.returncode == 1
    assert "journal.jsonl: entry 3 (line 3): content does not match its hash (entry edited)" in english.stderr
    assert "journal.jsonl\u00a0: entrée 3 (ligne 3)\u00a0: le contenu ne correspond pas à son empreinte" in french.stderr
    assert _numbers(english.stderr) == _numbers(french.stderr)
    # the environment's language when --lang is not given
    assert "entrée 3" in run_cli("journal", "verify", demo_case, env={"EXPERTISE_LANG": "fr"}).stderr

    data = {lang: json.loads(run_cli("journal", "verify", demo_case, "--json", "--lang", lang).stdout)
            for lang in ("en", "fr")}
    problems = {lang: data[lang]["problems"][0] for lang in data}
    assert problems["en"]["code"] == problems["fr"]["code"] == "journal.problem.edited"
    assert problems["en"]["seq"] == problems["fr"]["seq"] == 3
    assert "entry edited" in problems["en"]["message"] and "entrée modifiée" in problems["fr"]["message"]


def test_risk_says_the_same_facts_in_both_languages(run_cli, demo_case: Path) -> None:
    english = run_cli("risk", demo_case, "--lang", "en")
    french = run_cli("risk", demo_case, "--lang", "fr")
    assert english.returncode == french.returncode == 0
    assert "score 5/10 → computed level: 2; chosen level: 2" in english.stdout
    assert "score 5/10 → niveau calculé\u00a0: 2\u202f; niveau retenu\u00a0: 2" in french.stdout
    for heading, other in (("Statement", "Affirmation"), ("Answer", "Réponse")):
        assert heading in english.stdout and other not in english.stdout
        assert other in french.stdout and heading not in french.stdout
    assert english.stdout.count("true") == french.stdout.count("vrai") > 0
    assert english.stdout.count("false") == french.stdout.count("faux") > 0


def test_errors_speak_the_console_language(run_cli, tmp_path: Path) -> None:
    english = run_cli("journal", "verify", tmp_path / "nowhere", "--lang", "en")
    french = run_cli("journal", "verify", tmp_path / "nowhere", "--lang", "fr")
    assert english.returncode == french.returncode == 2
    assert "error: " in english.stderr and "no such folder" in english.stderr
    assert "erreur\u00a0: " in french.stderr and "dossier introuvable" in french.stderr
    assert str(tmp_path / "nowhere") in english.stderr and str(tmp_path / "nowhere") in french.stderr


def test_the_report_language_is_the_console_language(run_cli, demo_case: Path) -> None:
    """`report --lang en` writes an English report and speaks English, whatever the environment."""
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    proc = run_cli("report", demo_case, "--no-pdf", "--lang", "en", env={"EXPERTISE_LANG": "fr"})
    assert proc.returncode == 0, proc.stderr
    assert "warning: " in proc.stderr and "declares" in proc.stderr and "attention" not in proc.stderr
    page = (demo_case / "report" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    proc = run_cli("report", demo_case, "--no-pdf", "--lang", "fr")
    assert "attention\u00a0: " in proc.stderr and "déclare" in proc.stderr

