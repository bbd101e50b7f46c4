"""The case's own checks (risk level, independence, journal): rules without a collector, run by
the assessment on the case itself."""

from __future__ import annotations

from pathlib import Path

from ..domain import Domain
from .rules import RULES

DOMAIN = Domain(name="case", rules=RULES, package=Path(__file__).parent)
