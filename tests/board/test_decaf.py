"""Ed25519 scalar multiplication through libdecaf equals libsodium's, bit for bit, on members.

The replay computes [c]X, [r]G + [c]X and [r]Y + [c]X through libdecaf for points known to be
in the prime-order subgroup (expertise/board/belenios/decaf.py); libsodium's
``crypto_scalarmult_ed25519_noclamp`` (which re-checks membership at every call) is the
reference. Points outside the subgroup must never take that path.
"""

from __future__ import annotations

import secrets

import pytest
from nacl.bindings import (crypto_core_ed25519_add, crypto_scalarmult_ed25519_base_noclamp,
                           crypto_scalarmult_ed25519_noclamp)

from expertise.board.belenios import decaf
from expertise.board.belenios.groups import Ed25519Group

needs_decaf = pytest.mark.skipif(not decaf.AVAILABLE, reason="libdecaf0 (Debian) is not installed")

L = decaf.ORDER
IDENTITY = bytes([1]) + bytes(31)
SCALARS = [0, 1, 2, 7, 8, L - 1, L - 8, L, L + 1, 2**253 - 1]


def base(n: int) -> bytes:
    return IDENTITY if n % L == 0 else crypto_scalarmult_ed25519_base_noclamp((n % L).to_bytes(32, "little"))


def noclamp(n: int, point: bytes) -> bytes:
    """libsodium's answer, extended to the identity the way Ed25519Group.pow is."""
    n %= L
    if n == 0 or point == IDENTITY:
        return IDENTITY
    return crypto_scalarmult_ed25519_noclamp(n.to_bytes(32, "little"), point)


def add(a: bytes, b: bytes) -> bytes:
    if a == IDENTITY:
        return b
    if b == IDENTITY:
        return a
    return crypto_core_ed25519_add(a, b)


def points() -> list[bytes]:
    """Members other than the identity (libdecaf refuses to decode it; the group never asks)."""
    return [base(1), base(L - 1)] + [base(secrets.randbelow(L)) for _ in range(20)]


def scalars() -> list[int]:
    return SCALARS + [secrets.randbelow(L) for _ in range(10)]


@needs_decaf
def test_times_equals_noclamp() -> None:
    for point in points():
        for n in scalars():
            assert decaf.times(point, n) == noclamp(n, point), (point.hex(), n)


@needs_decaf
def test_combinations_equal_libsodium() -> None:
    y = base(secrets.randbelow(L))
    table = decaf.Table(y)
    for point in points():
        x = point
        for r in scalars():
            c = secrets.choice(scalars())
            assert decaf.base_combination(r, c, x) == add(base(r), noclamp(c, point))
            assert decaf.base_combination(c, r, x) == add(base(c), noclamp(r, point))
            assert table.combination(r, c, x) == add(noclamp(r, y), noclamp(c, point))
            assert table.combination(c, r, x) == add(noclamp(c, y), noclamp(r, point))
            assert table.pow(r) == noclamp(r, y)


@needs_decaf
def test_zero_second_scalar() -> None:
    """libdecaf 1.0.2's variable-time double multiplication is wrong for a zero second scalar."""
    x = base(secrets.randbelow(L))
    for r in SCALARS:
        assert decaf.base_combination(r, 0, x) == base(r)
        assert decaf.base_combination(r, L, x) == base(r)


@needs_decaf
def test_group_uses_it_only_for_known_members() -> None:
    """A point with a 2-torsion component is not a member: its powers stay exact (libsodium's
    refusal, then the complete formulas), unlike libdecaf's, which would drop the torsion."""
    group = Ed25519Group()
    order_two = (2**255 - 20).to_bytes(32, "little")  # y = -1
    member = base(secrets.randbelow(L))
    hostile = group.mul(member, order_two)
    assert not group.is_member(hostile) and hostile not in group._known
    c = secrets.randbelow(L) | 1  # odd: the torsion survives
    exact = group.pow(hostile, c)
    assert exact == group.mul(noclamp(c, member), order_two)
    assert exact != decaf.times(hostile, c)  # what the unchecked path would have said
    assert group.commit(group.g_table, 5, hostile, c) == add(base(5), exact)
    # and members do take it, with libsodium's answers
    assert group.is_member(member) and member in group._known
    for r, c in zip(scalars(), scalars()[1:]):
        assert group.pow(member, c) == noclamp(c, member)
        assert group.commit(group.g_table, r, member, c) == add(base(r), noclamp(c, member))
        assert group.commit(group.g_table, r, group.identity, c) == base(r)
        assert group.pow(group.identity, c) == IDENTITY
    y = base(secrets.randbelow(L))
    table = group.fixed_base(y)
    assert group.commit(table, 3, member, 4) == add(noclamp(3, y), noclamp(4, member))


def test_without_libdecaf_the_group_keeps_libsodium(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where libdecaf0 is missing, every operation takes libsodium's path, with the same answers."""
    monkeypatch.setattr(decaf, "AVAILABLE", False)
    group = Ed25519Group()
    member, y = base(secrets.randbelow(L)), base(secrets.randbelow(L))
    table = group.fixed_base(y)
    assert type(table).__name__ == "_EdTable"
    for r, c in [(0, 1), (1, 0), (L - 1, 5), (secrets.randbelow(L), secrets.randbelow(L))]:
        assert group.pow(member, c) == noclamp(c, member)
        assert group.commit(group.g_table, r, member, c) == add(base(r), noclamp(c, member))
        assert group.commit(table, r, member, c) == add(noclamp(r, y), noclamp(c, member))


@needs_decaf
def test_total_equals_libsodium_sums() -> None:
    for size in (1, 2, 5, 8, 64):
        terms = [base(secrets.randbelow(L)) for _ in range(size)]
        expected = IDENTITY
        for term in terms:
            expected = add(expected, term)
        assert decaf.total(terms) == expected
    x = base(secrets.randbelow(L))
    minus_x = base(L - 1) if x == base(1) else noclamp(L - 1, x)
    assert decaf.total([x, minus_x]) == IDENTITY  # a sum that cancels encodes as the identity
    assert decaf.total([x, minus_x, x]) == x


@needs_decaf
def test_range_commitments_equal_one_by_one() -> None:
    group = Ed25519Group()
    y = base(secrets.randbelow(L))
    alpha, beta = base(secrets.randbelow(L)), base(secrets.randbelow(L))
    g_table, y_table = group.g_table, group.fixed_base(y)
    assert group.is_member(alpha) and group.is_member(beta)
    for scalars_ in ([(secrets.randbelow(L), secrets.randbelow(L)) for _ in range(3)], [(1, L - 1), (L - 1, 1), (7, 8)]):
        plaintexts = [0, 1, 5][: len(scalars_)]
        terms = [(c, r, m) for (c, r), m in zip(scalars_, plaintexts)]
        fast = decaf.range_commitments(alpha, beta, y_table.table, terms)
        expected = []
        for c, r, m in terms:
            expected.append(add(base(r), noclamp(c, alpha)))
            shifted = beta if m == 0 else add(beta, base(L - m))
            expected.append(add(noclamp(r, y), noclamp(c, shifted)))
        assert fast == expected
    # a zero scalar is left to the one-by-one path, which the group then takes with the same answers
    assert decaf.range_commitments(alpha, beta, y_table.table, [(0, 5, 1)]) is None
    assert decaf.range_commitments(alpha, beta, y_table.table, [(5, L, 1)]) is None
    proofs = [(0, 5), (3, L)]
    shift = {1: base(L - 1), 2: base(L - 2)}
    assert group.range_commitments(g_table, y_table, alpha, beta, proofs, [1, 2], shift.__getitem__) == [
        base(5), noclamp(5, y), noclamp(3, alpha), noclamp(3, add(beta, base(L - 2)))]


@needs_decaf
def test_product_uses_libdecaf_only_for_known_members() -> None:
    group = Ed25519Group()
    members = [base(secrets.randbelow(L)) for _ in range(12)]
    for x in members:
        assert group.is_member(x)
    expected = IDENTITY
    for x in members:
        expected = add(expected, x)
    assert group.product(members) == expected
    order_two = (2**255 - 20).to_bytes(32, "little")
    hostile = group.mul(members[0], order_two)  # not a member: libdecaf would drop its torsion
    assert group.product(members + [hostile]) == add(expected, hostile)
