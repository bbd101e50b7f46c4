"""`expertise audit` and `expertise report` as a newcomer meets them: the report before the audit,
a declared input that does not exist, and --json a machine can rely on."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from expertise import journal


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_report_before_audit_is_refused_with_what_to_run(run_cli, demo_case: Path) -> None:
    proc = run_cli("report", demo_case, "--no-pdf")
    assert proc.returncode == 2, proc.stderr
    message = " ".join(proc.stderr.split())
    assert "case.toml" in message and "[board]" in message and "[registers]" in message
    assert "expertise audit" in message and "Traceback" not in message
    assert not (demo_case / "report").exists()


def test_report_after_a_partial_collection_names_what_is_missing(run_cli, demo_case: Path) -> None:
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    proc = run_cli("report", demo_case, "--no-pdf", "--json")
    assert proc.returncode == 0, proc.stderr
    files = json.loads(proc.stdout)["files"]
    assert Path(files["html"]).is_file() and Path(files["results"]).is_file()
    assert "[board]" in proc.stderr and "[registers]" not in proc.stderr.split("declares")[1].split("but")[0]


def test_assess_before_audit_warns(run_cli, demo_case: Path) -> None:
    proc = run_cli("assess", demo_case, "--json")
    assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout)
    assert "warning" in proc.stderr and "[board], [registers]" in proc.stderr


def test_audit_with_missing_inputs_names_each_field_writes_the_report_and_exits_2(run_cli, demo_case: Path,
                                                                                  tmp_path: Path) -> None:
    key = demo_case / "keys" / "expert"
    assert run_cli("seal", "keygen", "--out", key).returncode == 0
    replace_in(demo_case / "case.toml", "[board]", '[seal]\nkey = "keys/expert"\n[[seal.components]]\n'
               'name = "source"\nsource = "../vendor-src"\n\n[board]')
    board = demo_case / "case.toml"
    text = board.read_text(encoding="utf-8")
    start = text.index("[board]")
    line_start = text.index("path = ", start)
    line_end = text.index("\n", line_start)
    board.write_text(text[:line_start] + 'path = "board/nothere.bel"' + text[line_end:], encoding="utf-8")

    proc = run_cli("audit", demo_case, "--no-pdf", "--json")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    collectors = data["collectors"]
    assert collectors["registers"] == "done" and collectors["probe"] == "skipped"
    assert collectors["seal"].startswith("failed") and "case.toml" in collectors["seal"]
    assert "seal.components[0].source" in collectors["seal"] and "../vendor-src" in collectors["seal"]
    assert collectors["board"].startswith("failed") and "board.path" in collectors["board"]
    assert Path(data["files"]["html"]).is_file()
    results = json.loads(Path(data["files"]["results"]).read_text(encoding="utf-8"))
    assert results["collectors"] == collectors  # results.json says it too, for whoever reads it later
    message = " ".join(proc.stderr.split())
    assert "audit incomplete" in message and "seal.components[0].source" in message and "board.path" in message
    # the French report says why in French (the CLI speaks English)
    page = html.unescape(Path(data["files"]["html"]).read_text(encoding="utf-8"))
    assert "échec\u00a0:" in page and "fichier ou dossier introuvable" in page
    assert "no such file or folder" not in page
    assert re.search("Journal n°\u00a0\\d", page) and "n°\u00a0 " not in page  # one non-breaking space

    # the missing source given: sealed; a key that is not there is named by its field
    (tmp_path / "vendor-src").mkdir()
    (tmp_path / "vendor-src" / "app.py").write_text("print('vote')\n", encoding="utf-8")
    replace_in(demo_case / "case.toml", 'source = "../vendor-src"', f'source = "{tmp_path / "vendor-src"}"')
    replace_in(demo_case / "case.toml", 'key = "keys/expert"', 'key = "keys/nokey"')
    proc = run_cli("audit", demo_case, "--no-pdf", "--json")
    assert proc.returncode == 2
    seal = json.loads(proc.stdout)["collectors"]["seal"]
    assert "seal.key" in seal and "keys/nokey" in seal and "expertise seal keygen" in seal
    replace_in(demo_case / "case.toml", 'key = "keys/nokey"', 'key = "keys/expert"')
    proc = run_cli("audit", demo_case, "--no-pdf", "--json")
    assert json.loads(proc.stdout)["collectors"]["seal"] == "done"
    assert any(e["action"] == "seal" and e["status"] == "completed" for e in journal.read_entries(demo_case))
