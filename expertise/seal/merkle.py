"""A Merkle tree hash (RFC 9162 §2.1.1) computed incrementally, in O(log n) memory.

One value (the root) stands for every entry of the manifest, so it can be quoted in the
report, time-stamped or compared at a glance; the tree shape is the one of Certificate
Transparency: leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right), the left
subtree holding the largest power of two smaller than the number of leaves.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

ALGORITHM = (
    "RFC 9162 Merkle tree hash, SHA-256; leaves = canonical JSON of each manifest entry, in manifest order"
)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleBuilder:
    """Adds leaves one at a time; keeps one hash per perfect subtree (at most log2 n)."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []
        self.size = 0

    def add(self, data: bytes) -> None:
        size, digest = 1, leaf_hash(data)
        while self._stack and self._stack[-1][0] == size:
            left_size, left = self._stack.pop()
            size, digest = left_size + size, node_hash(left, digest)
        self._stack.append((size, digest))
        self.size += 1

    def root(self) -> str:
        if not self._stack:
            return hashlib.sha256(b"").hexdigest()
        digest = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            digest = node_hash(left, digest)
        return digest.hex()


def merkle_root(leaves: Iterable[bytes]) -> str:
    builder = MerkleBuilder()
    for leaf in leaves:
        builder.add(leaf)
    return builder.root()
