"""Partial decryptions, their threshold combination and the decoding of the result.

Each trustee publishes decryption factors with proofs that they used the key matching their
published public (or Pedersen verification) key. We check every proof, combine the factors
(Lagrange coefficients for a Pedersen group) and decrypt the tally ourselves: homomorphic
counts by a bounded discrete logarithm, non-homomorphic answers by decoding the embedded
integers. The published result is then compared with what we decrypted.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import gmpy2
from gmpy2 import mpz

from .groups import Group, get_group
from .proofs import Crypto

_CRYPTO: dict[tuple[str, str], Crypto] = {}


def _crypto(group: Group, y_text: str) -> Crypto:
    key = (group.name, y_text)
    crypto = _CRYPTO.get(key)
    if crypto is None:
        _CRYPTO.clear()
        crypto = _CRYPTO[key] = Crypto(group, group.parse(y_text, "public_key"))
    return crypto


def decryption_slice(group_name: str, y_text: str, fingerprint: str, key_text: str,
                     items: Sequence[tuple[int, Any, Any, mpz, mpz]]) -> tuple[list[int], list[int]]:
    """(indexes whose factor is not a group element, indexes whose proof is invalid)."""
    group = get_group(group_name)
    assert group is not None
    crypto = _crypto(group, y_text)
    key = group.parse(key_text, "public_key")
    not_members: list[int] = []
    invalid: list[int] = []
    for index, alpha, factor, challenge, response in items:
        if not group.is_member(factor):
            not_members.append(index)
            continue
        if not crypto.verify_decryption(fingerprint, key_text, key, alpha, factor, challenge, response):
            invalid.append(index)
    return not_members, invalid


def lagrange(indexes: Sequence[int], q: mpz) -> dict[int, mpz]:
    """λ_j = Π_{k≠j} k / (k − j) mod q for the 1-based member indexes used."""
    coefficients = {}
    for j in indexes:
        numerator = mpz(1)
        denominator = mpz(1)
        for k in indexes:
            if k != j:
                numerator = numerator * k % q
                denominator = denominator * (k - j) % q
        coefficients[j] = numerator * gmpy2.invert(denominator, q) % q
    return coefficients


def discrete_log(target: Any, group: Group, bound: int) -> int | None:
    """m in [0, bound] with g^m = target (baby-step giant-step), or None."""
    step = max(1, math.isqrt(bound) + 1)
    baby: dict[Any, int] = {}
    value = group.identity
    for j in range(step):
        baby.setdefault(value, j)
        value = group.mul(value, group.g)
    giant = group.inv(value)  # g^(-step)
    current = target
    for i in range(step + 1):
        j = baby.get(current)
        if j is not None:
            m = i * step + j
            return m if m <= bound else None
        current = group.mul(current, giant)
    return None


def decode(value: Any, group: Group, answers: int) -> tuple[list[int], bool]:
    """group_decode: the answers' bytes of (value >> padding), most significant first.

    The flag says whether value had bits above the answers (not a well-formed encoding).
    """
    return group.decode(value, answers)
