"""Rules of the board domain (filled by the board issue)."""

from __future__ import annotations

from .registry import Rule

RULES: tuple[Rule, ...] = ()
