"""Fixtures shared by every test domain."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def run_cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python -m expertise ARGS` in a subprocess, as a user would, from this checkout.

    The console speaks English (``EXPERTISE_LANG=en``) whatever the machine's locale, so that the
    suite's assertions on wording hold everywhere; a test passes ``env={"EXPERTISE_LANG": "fr"}``
    or ``--lang fr`` for French.
    """

    def run(*args: str, cwd: Path | None = None, timeout: float = 600,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = str(REPO)
        full_env.setdefault("EXPERTISE_OPERATOR", "test-operator")
        full_env["EXPERTISE_LANG"] = "en"
        if env:
            full_env.update(env)
        return subprocess.run([sys.executable, "-m", "expertise", *map(str, args)], cwd=cwd or tmp_path,
                              env=full_env, capture_output=True, text=True, timeout=timeout)

    return run


@pytest.fixture
def demo_case(tmp_path: Path) -> Path:
    """A fresh copy of the bundled demo case folder."""
    import shutil

    target = tmp_path / "case"
    shutil.copytree(REPO / "fixtures" / "demo", target)
    (target / "evidence").mkdir(exist_ok=True)
    return target
