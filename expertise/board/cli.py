"""`expertise board` commands."""

from __future__ import annotations

import click


@click.group(name="board")
def command() -> None:
    """(not available yet)"""
