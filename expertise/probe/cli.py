"""`expertise probe` commands."""

from __future__ import annotations

import click


@click.group(name="probe")
def command() -> None:
    """(not available yet)"""
