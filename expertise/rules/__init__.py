"""Rules: pure functions from observations to results, one check id each."""

from .registry import Rule, all_rules, evaluate, rules_for

__all__ = ["Rule", "all_rules", "evaluate", "rules_for"]
