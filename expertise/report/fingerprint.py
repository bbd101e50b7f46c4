"""Fingerprints of the tool and of its catalogue, printed in the report.

A reader years later must be able to tell which version of the code and of the check
catalogue produced a report: the fingerprint is the SHA-256 of a SHA256SUMS-style listing
of the files (sorted relative paths), so it can be recomputed with stock tools.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ..hashing import sha256_file


def sums_listing(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        if suffixes and path.suffix not in suffixes:
            continue
        lines.append(f"{sha256_file(path)}  ./{path.relative_to(root).as_posix()}\n")
    return "".join(lines)


@lru_cache(maxsize=8)
def tree_fingerprint(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    return hashlib.sha256(sums_listing(root, suffixes).encode("utf-8")).hexdigest()
