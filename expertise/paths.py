"""Where the shipped data lives, both in a source checkout and in an installed wheel.

The wheel carries ``checks/``, ``reports/templates/`` and ``fixtures/demo/`` under
``expertise/_data/``; a source checkout keeps them at the repository top level, which
is where experts read and edit them.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent


def _locate(installed: str, checkout: str) -> Path:
    candidate = _INSTALLED / installed
    if candidate.is_dir():
        return candidate
    return _CHECKOUT / checkout


def checks_dir() -> Path:
    return _locate("checks", "checks")


def templates_dir() -> Path:
    return _locate("templates", "reports/templates")


def demo_case_dir() -> Path:
    return _locate("demo", "fixtures/demo")
