"""docs/adding-a-domain.md is exactly what the code needs: follow it on a copy of the project.

Every fenced block of the page that names a file (```python file=…) is written into a copy of
the project, the line of step 1 is added to ``DOMAIN_MODULES``, and the new domain is then used as
a user would: its ``case.toml`` section, its own command, ``expertise audit`` and the report in
both languages, and the catalogue tests of the copy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "adding-a-domain.md"
BLOCK = re.compile(r"^```\w+ (file|line)=(\S+)\n(.*?)^```$", re.M | re.S)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name in ("expertise", "checks", "reports", "fixtures", "tests"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "data", "*.bel"))
    shutil.copy(REPO / "babel.cfg", root / "babel.cfg")
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 10, "the page lost its file blocks"
    for kind, target, body in blocks:
        path = root / target
        if kind == "file":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        else:  # one line into DOMAIN_MODULES
            source = path.read_text(encoding="utf-8")
            head, sep, tail = source.partition("DOMAIN_MODULES: tuple[str, ...] = (\n")
            assert sep, "DOMAIN_MODULES is not where the page says"
            path.write_text(head + sep + body + tail, encoding="utf-8")
    (root / "expertise" / "uptime" / "__init__.py").touch()
    return root


def _case(project: Path, tmp_path: Path, log: str) -> Path:
    case = tmp_path / "case"
    case.mkdir()
    text = (project / "fixtures" / "demo" / "case.toml").read_text(encoding="utf-8")
    # the demo's other collectors need servers and files: keep the case to its core and [uptime]
    text = re.sub(r"^\[(board|registers|scope)\]\n(?:(?!^\[).*\n)*", "", text, flags=re.M)
    text = re.sub(r"^\[\[actors\]\]\n(?:(?!^\[).*\n)*", "", text, flags=re.M)
    text = re.sub(r"^documents = .*\n", "", text, flags=re.M)  # the demo's documents folder is not copied
    text = re.sub(r"^\[report\.sections\]\n(?:(?!^\[).*\n)*", "", text, flags=re.M)  # nor its free sections
    text = re.sub(r"^\[\[report\.events\]\]\n(?:(?!^\[).*\n)*", "", text, flags=re.M)  # nor its events' evidence
    text = text.split("# --- The expert's own findings")[0]  # nor its findings folder
    opens = re.search(r"^opens = (\S+)", text, re.M)
    assert opens
    (case / "case.toml").write_text(text + '\n[uptime]\nlog = "uptime.csv"\n', encoding="utf-8")
    (case / "evidence").mkdir()
    (case / "uptime.csv").write_text(log.replace("OPENS", opens.group(1)), encoding="utf-8")
    return case


def _run(project: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project), "EXPERTISE_LANG": lang, "EXPERTISE_OPERATOR": "test"}
    return subprocess.run([sys.executable, "-m", "expertise", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_new_domain_fails_an_outage_in_both_languages(project: Path, tmp_path: Path) -> None:
    case = _case(project, tmp_path, "time,up\nOPENS,1\nOPENS,0\n")
    english = _run(project, "uptime", "check", str(case))
    assert english.returncode == 1, english.stderr
    assert "UPTIME-001: the platform was down once during the vote" in english.stdout
    french = _run(project, "uptime", "check", str(case), "--lang", "fr")
    assert "UPTIME-001\u00a0: la plateforme a été indisponible une fois" in french.stdout, french.stdout
    data = json.loads(_run(project, "uptime", "check", str(case), "--json").stdout)
    assert data[0]["code"] == "uptime.uptime_001.fail" and data[0]["args"]["count"] == 1
    assert data[0]["objectives"] == ["2-01"]  # from the check catalogue


def test_an_unreadable_log_is_could_not_test(project: Path, tmp_path: Path) -> None:
    case = _case(project, tmp_path, "time,up\nnot a time,1\n")
    result = _run(project, "uptime", "check", str(case), "--json")
    assert result.returncode == 0, result.stderr
    (only,) = json.loads(result.stdout)
    assert only["status"] == "error" and "line 2" in only["message"]


def test_audit_and_report_carry_the_chapter(project: Path, tmp_path: Path) -> None:
    case = _case(project, tmp_path, "time,up\nOPENS,1\n")
    audit = _run(project, "audit", str(case), "--no-pdf", "--lang", "fr")
    assert audit.returncode == 0, audit.stderr
    html = (case / "report" / "report.html").read_text(encoding="utf-8")
    assert "Disponibilité" in html and "chacune des" not in html  # one sample: the singular
    assert "la plateforme a répondu à la mesure du scrutin" in html
    english = _run(project, "report", str(case), "--no-pdf", "--lang", "en")
    assert english.returncode == 0, english.stderr
    html = (case / "report" / "report.html").read_text(encoding="utf-8")
    assert "Availability" in html and "the platform answered at the 1 sample" in html


def test_the_copy_passes_the_catalogue_tests(project: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/core/test_catalogues.py", "tests/core/test_catalogue.py", "-k", "uptime or codes or text"],
                            cwd=project, env={**os.environ, "PYTHONPATH": str(project)}, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_new_command_has_its_help_in_both_languages(project: Path) -> None:
    french = _run(project, "uptime", "check", "--help", lang="fr")
    assert "Vérifie le journal de disponibilité de CASE_DIR" in french.stdout, french.stderr
    assert "Affiche les résultats en JSON." in french.stdout
    english = _run(project, "uptime", "--help")
    assert "check  Check the availability log of CASE_DIR" in english.stdout, english.stdout
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/core/test_cli_help.py",
                             "-k", "takes_its_help or has_its_help"],
                            cwd=project, env={**os.environ, "PYTHONPATH": str(project)}, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
