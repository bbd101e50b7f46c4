"""Rules of the probe domain (filled by the probe issue)."""

from __future__ import annotations

from .registry import Rule

RULES: tuple[Rule, ...] = ()
