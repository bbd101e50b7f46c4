"""Durable file writes: a crash never leaves a half-written evidence file or report."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write to a temporary sibling, fsync, then rename over ``path``.

    With ``exclusive`` the temporary file must not exist yet, so two writers of the same
    evidence file collide loudly instead of interleaving.
    """
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "xb" if exclusive else "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
