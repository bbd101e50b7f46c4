"""`expertise seal` commands."""

from __future__ import annotations

import click


@click.group(name="seal")
def command() -> None:
    """(not available yet)"""
