"""Rules of the seal domain (filled by the seal issue)."""

from __future__ import annotations

from .registry import Rule

RULES: tuple[Rule, ...] = ()
