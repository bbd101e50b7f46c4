"""Registers: the voter list, the émargement list and the paper votes, cross-checked."""
