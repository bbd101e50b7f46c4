"""What `expertise demo` adds for the probe domain (placeholder until the probe issue lands)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path


def prepare(case_dir: Path) -> AbstractContextManager[None]:
    """Set up the probe part of the demo in the copied case folder; the context ends it."""
    return nullcontext()
