"""The wheel is complete: a non-editable install runs with the data shipped inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(REPO)], check=True, capture_output=True, text=True)
    wheel = next(dist.glob("expertise-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("expertise/_data/checks/frameworks/cnil-2019-053.toml",
                     "expertise/_data/checks/risk/cnil-2019-grid.toml",
                     "expertise/_data/templates/report.html.j2",
                     "expertise/_data/templates/report.css",
                     "expertise/_data/demo/case.toml",
                     "expertise/templates/case.toml"):
        assert required in names, required
    assert any(name.endswith("licenses/LICENSE") or name.endswith("LICENSE") for name in names)
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, text=True)
    return target


def run_installed(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(target), EXPERTISE_OPERATOR="packaging-test")
    return subprocess.run([sys.executable, "-m", "expertise", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_installed_wheel_runs_from_its_own_data(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([sys.executable, "-c", "import expertise.paths as p; print(p.checks_dir())"],
                           cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(installed)),
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(installed)), where
    assert run_installed(installed, tmp_path, "checks").returncode == 0
    assert run_installed(installed, tmp_path, "init", "case").returncode == 0
    # the template declares nothing for the expert: answer it as they would
    from tests.core.test_declarations import answer, expert_answered

    toml = tmp_path / "case" / "case.toml"
    for key, value in (("name", '"Élection"'), ("organiser", '"Organisme"'), ("provider", '"Prestataire"'),
                       ("type", '"CSE"'), ("electorate", "100"), ("opens", "2026-12-01T09:00:00+01:00"),
                       ("closes", "2026-12-08T17:00:00+01:00")):
        answer(toml, "election", key, value)
    answer(toml, "risk", "chosen_level", "2")
    expert_answered(tmp_path / "case")
    proc = run_installed(installed, tmp_path, "report", "case", "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "case" / "report" / "report.html").is_file()
