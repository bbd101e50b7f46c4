"""Retention as the core sees it: only its ``case.toml`` section (the record of destruction is a
command of ``expertise archive``)."""

from __future__ import annotations

from pathlib import Path

from ..domain import Domain, SectionSpec
from .config import Retention

DOMAIN = Domain(name="retention", sections={"retention": SectionSpec(Retention | None)}, package=Path(__file__).parent)
