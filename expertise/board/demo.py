"""What `expertise demo` adds for the board domain (placeholder until the board issue lands)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path


def prepare(case_dir: Path) -> AbstractContextManager[None]:
    """Set up the board part of the demo in the copied case folder; the context ends it."""
    return nullcontext()
