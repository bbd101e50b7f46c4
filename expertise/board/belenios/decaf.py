"""Ed25519 scalar multiplications without libsodium's per-call subgroup check, through libdecaf.

libsodium's ``crypto_scalarmult_ed25519_noclamp`` multiplies its point by the group order at
every call to re-check that it lies in the prime-order subgroup: a second scalar
multiplication, half of its cost. The verifier already tests every element of a ballot once
(``Ed25519Group.is_member``), so for those points the check is wasted. libdecaf (Debian package
``libdecaf0``, Mike Hamburg's reference implementation of Decaf/Ristretto) computes in the
ristretto255 group, which has prime order by construction and therefore checks nothing; it also
offers the combination [a]B + [b]P in one variable-time pass (signature verification's
"Shamir trick"), which is exactly a proof commitment g^r · X^c.

The bridge (docs/board.md, "Ed25519 without the per-call subgroup check"): libdecaf's
``decode_like_eddsa_and_mul_by_ratio`` maps an RFC 8032 point X to the ristretto255 element of
[2]X, and ``mul_by_ratio_and_encode_like_eddsa`` maps an element R back to the RFC 8032 encoding
of [4]R (the factor 4 clears the 4-torsion the ristretto element does not record). Hence for X in
the prime-order subgroup, encode([c/8]·decode(X)) = [8·c/8]X = [c]X exactly, and
encode([r/4]B + [c/8]·decode(X)) = [r]G + [c]X, with B libdecaf's base element (encoded: [4]G).
For a point OUTSIDE the subgroup the result is that of its prime-order part, not of the point:
callers use these functions only for points known to be members and keep the exact libsodium
path (or the Python complete formulas) for every other point.

Everything here is None-safe: without libdecaf, :data:`AVAILABLE` is False and the callers keep
libsodium.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Final

ORDER: Final = 2**252 + 27742317777372353535851937790883648493
_INV4: Final = pow(4, -1, ORDER)
_INV8: Final = pow(8, -1, ORDER)
_POINT_BYTES: Final = 4 * 64  # four field elements of 5 64-bit limbs, each aligned to 32 bytes
_SCALAR_BYTES: Final = 32
_ALIGN: Final = 32
_SUCCESS: Final = -1  # decaf_error_t: DECAF_SUCCESS is -1, DECAF_FAILURE 0
IDENTITY: Final = bytes([1]) + bytes(31)


def _load() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("decaf") or "libdecaf.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    void_p, char_p = ctypes.c_void_p, ctypes.c_char_p
    signatures: dict[str, list[type]] = {
        "decaf_255_scalar_decode_long": [void_p, char_p, ctypes.c_size_t],
        "decaf_255_point_decode_like_eddsa_and_mul_by_ratio": [void_p, char_p],
        "decaf_255_point_mul_by_ratio_and_encode_like_eddsa": [void_p, void_p],
        "decaf_255_point_scalarmul": [void_p, void_p, void_p],
        "decaf_255_point_double_scalarmul": [void_p, void_p, void_p, void_p, void_p],
        "decaf_255_base_double_scalarmul_non_secret": [void_p, void_p, void_p, void_p],
        "decaf_255_precompute": [void_p, void_p],
        "decaf_255_precomputed_scalarmul": [void_p, void_p, void_p],
        "decaf_255_point_add": [void_p, void_p, void_p],
    }
    try:
        for function, argtypes in signatures.items():
            getattr(lib, function).argtypes = argtypes
        lib.decaf_255_point_decode_like_eddsa_and_mul_by_ratio.restype = ctypes.c_int
        table_size = ctypes.c_size_t.in_dll(lib, "decaf_255_sizeof_precomputed_s").value
    except (AttributeError, ValueError):
        return None
    global _TABLE_BYTES
    _TABLE_BYTES = table_size
    return lib


_TABLE_BYTES = 0
_LIB: Final = _load()
AVAILABLE: Final = _LIB is not None


class _Buffer:
    """A C buffer aligned for libdecaf's structures (its field elements are 32-byte aligned)."""

    __slots__ = ("raw", "ptr")

    def __init__(self, size: int) -> None:
        self.raw = ctypes.create_string_buffer(size + _ALIGN)
        address = ctypes.addressof(self.raw)
        self.ptr = ctypes.c_void_p(address + (-address % _ALIGN))


def _scalar(value: int) -> _Buffer:
    assert _LIB is not None
    out = _Buffer(_SCALAR_BYTES)
    _LIB.decaf_255_scalar_decode_long(out.ptr, (value % ORDER).to_bytes(32, "little"), 32)
    return out


def _encode(point: _Buffer) -> bytes:
    assert _LIB is not None
    out = ctypes.create_string_buffer(32)
    _LIB.decaf_255_point_mul_by_ratio_and_encode_like_eddsa(out, point.ptr)
    return out.raw


class Point:
    """A point X of the prime-order subgroup held as libdecaf's element of [2]X.

    Build it only from an encoding already known to be in the prime-order subgroup (see the
    module's docstring: for other points every result below is that of the prime-order part),
    and not from the identity, which libdecaf's EdDSA decoding refuses (ValueError).
    """

    __slots__ = ("element",)

    def __init__(self, encoded: bytes) -> None:
        assert _LIB is not None
        self.element = _Buffer(_POINT_BYTES)
        if _LIB.decaf_255_point_decode_like_eddsa_and_mul_by_ratio(self.element.ptr, encoded) != _SUCCESS:
            raise ValueError("not an Ed25519 point")

    def times(self, scalar: int) -> bytes:
        """The RFC 8032 encoding of [scalar]X (= libsodium's noclamp, without its subgroup check)."""
        assert _LIB is not None
        if scalar % ORDER == 0:
            return IDENTITY
        out = _Buffer(_POINT_BYTES)
        s = _scalar(scalar * _INV8)
        _LIB.decaf_255_point_scalarmul(out.ptr, self.element.ptr, s.ptr)
        return _encode(out)


def base_combination(r: int, c: int, x: Point) -> bytes:
    """[r]G + [c]X in one variable-time double multiplication (G the Ed25519 base point).

    Variable time is harmless here: every scalar is public (read from the board). libdecaf 1.0.2
    answers wrongly when the second scalar is 0 (tests/board/test_decaf.py), hence that case apart.
    """
    assert _LIB is not None
    if c % ORDER == 0:
        from nacl.bindings import crypto_scalarmult_ed25519_base_noclamp

        return IDENTITY if r % ORDER == 0 else crypto_scalarmult_ed25519_base_noclamp((r % ORDER).to_bytes(32, "little"))
    out = _Buffer(_POINT_BYTES)
    s1, s2 = _scalar(r * _INV4), _scalar(c * _INV8)
    _LIB.decaf_255_base_double_scalarmul_non_secret(out.ptr, s1.ptr, x.element.ptr, s2.ptr)
    return _encode(out)


class Table:
    """[e]Y for a fixed member Y (the election key) through libdecaf's precomputed comb table."""

    __slots__ = ("table", "point")

    def __init__(self, point: Point) -> None:
        assert _LIB is not None
        self.point = point
        self.table = _Buffer(_TABLE_BYTES)
        _LIB.decaf_255_precompute(self.table.ptr, point.element.ptr)

    def _times(self, scalar: int) -> _Buffer:
        assert _LIB is not None
        out = _Buffer(_POINT_BYTES)
        s = _scalar(scalar * _INV8)
        _LIB.decaf_255_precomputed_scalarmul(out.ptr, self.table.ptr, s.ptr)
        return out

    def pow(self, scalar: int) -> bytes:
        """The RFC 8032 encoding of [scalar]Y."""
        return IDENTITY if scalar % ORDER == 0 else _encode(self._times(scalar))

    def combination(self, r: int, c: int, x: Point) -> bytes:
        """[r]Y + [c]X: the table's multiple plus one variable-base multiplication, one encoding."""
        assert _LIB is not None
        if c % ORDER == 0:
            return self.pow(r)
        if r % ORDER == 0:
            return x.times(c)
        left = self._times(r)
        right = _Buffer(_POINT_BYTES)
        s = _scalar(c * _INV8)
        _LIB.decaf_255_point_scalarmul(right.ptr, x.element.ptr, s.ptr)
        _LIB.decaf_255_point_add(left.ptr, left.ptr, right.ptr)
        return _encode(left)
