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

Without libdecaf0 (not a Debian system), :data:`AVAILABLE` is False, nothing here may be called,
and the callers keep libsodium. The library is called through ctypes: no maintained Python binding
of libdecaf exists, and its C interface is small and stable.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from typing import Final, Sequence

ORDER: Final = 2**252 + 27742317777372353535851937790883648493
_INV4: Final = pow(4, -1, ORDER)
_INV8: Final = pow(8, -1, ORDER)
_POINT_BYTES: Final = 4 * 64  # four field elements of 5 64-bit limbs, each aligned to 32 bytes
_SCALAR_BYTES: Final = 32
_ALIGN: Final = 32
_SUCCESS: Final = -1  # decaf_error_t: DECAF_SUCCESS is -1, DECAF_FAILURE 0
IDENTITY: Final = bytes([1]) + bytes(31)


def _load() -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL("libdecaf.so.0")  # Debian's libdecaf0 (no subprocess, unlike find_library)
    except OSError:
        name = ctypes.util.find_library("decaf")
        if name is None:
            return None
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            return None
    void_p, char_p = ctypes.c_void_p, ctypes.c_char_p
    signatures: dict[str, list[type]] = {
        "decaf_255_scalar_decode_long": [void_p, char_p, ctypes.c_size_t],
        "decaf_255_point_decode_like_eddsa_and_mul_by_ratio": [void_p, char_p],
        "decaf_255_point_mul_by_ratio_and_encode_like_eddsa": [void_p, void_p],
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


class _Scratch(threading.local):
    """Work buffers, one set per thread, so that a multiplication allocates nothing (allocating
    the buffers cost about a tenth of a ballot's CPU)."""

    def __init__(self) -> None:
        self.x = _Buffer(_POINT_BYTES)  # the decoded variable point
        self.alpha = _Buffer(_POINT_BYTES)  # a ciphertext's two points, decoded once (range_commitments)
        self.beta = _Buffer(_POINT_BYTES)
        self.left = _Buffer(_POINT_BYTES)
        self.right = _Buffer(_POINT_BYTES)
        self.s1 = _Buffer(_SCALAR_BYTES)
        self.s2 = _Buffer(_SCALAR_BYTES)
        self.zero = _Buffer(_SCALAR_BYTES)  # create_string_buffer zero-fills: the scalar 0
        self.out = ctypes.create_string_buffer(32)


_SCRATCH = _Scratch()


def _decode(lib: ctypes.CDLL, into: _Buffer, encoded: bytes) -> None:
    """libdecaf's element of [2]X for the RFC 8032 encoding of X (ValueError if not on the curve
    or the identity, which libdecaf's EdDSA decoding refuses: callers handle it apart)."""
    if lib.decaf_255_point_decode_like_eddsa_and_mul_by_ratio(into.ptr, encoded) != _SUCCESS:
        raise ValueError("not an Ed25519 point libdecaf decodes")


def _scalar(lib: ctypes.CDLL, into: _Buffer, value: int) -> None:
    lib.decaf_255_scalar_decode_long(into.ptr, (value % ORDER).to_bytes(32, "little"), 32)


def _encode(lib: ctypes.CDLL, point: _Buffer, scratch: _Scratch) -> bytes:
    """The RFC 8032 encoding of [4]R for libdecaf's element R."""
    lib.decaf_255_point_mul_by_ratio_and_encode_like_eddsa(scratch.out, point.ptr)
    return scratch.out.raw


def times(encoded: bytes, scalar: int) -> bytes:
    """[scalar]X for a member X other than the identity (= libsodium's noclamp, without its
    subgroup check): encode([scalar/8]·[2]X) = [scalar]X."""
    lib = _LIB
    assert lib is not None
    if scalar % ORDER == 0:
        return IDENTITY
    scratch = _SCRATCH
    _decode(lib, scratch.x, encoded)
    _variable(lib, scratch, scratch.left, scalar)
    return _encode(lib, scratch.left, scratch)


def _variable(lib: ctypes.CDLL, scratch: _Scratch, into: _Buffer, scalar: int) -> None:
    """into = [scalar/8]·scratch.x, scalar ≢ 0 (mod ORDER), in variable time: libdecaf's
    [0]B + [scalar/8]X (about 40 µs against 50 µs for its constant-time multiplication)."""
    _scalar(lib, scratch.s2, scalar * _INV8)
    lib.decaf_255_base_double_scalarmul_non_secret(into.ptr, scratch.zero.ptr, scratch.x.ptr, scratch.s2.ptr)


def base_combination(r: int, c: int, encoded: bytes) -> bytes:
    """[r]G + [c]X in one variable-time double multiplication (G the Ed25519 base point, X a
    member other than the identity): encode([r/4]B + [c/8]·[2]X), libdecaf's B encoding as [4]G.

    Variable time is harmless here: every scalar is public (read from the board). libdecaf 1.0.2
    answers wrongly when the second scalar is 0 (tests/board/test_decaf.py), hence that case apart.
    """
    lib = _LIB
    assert lib is not None
    if c % ORDER == 0:
        from nacl.bindings import crypto_scalarmult_ed25519_base_noclamp

        return IDENTITY if r % ORDER == 0 else crypto_scalarmult_ed25519_base_noclamp((r % ORDER).to_bytes(32, "little"))
    scratch = _SCRATCH
    _decode(lib, scratch.x, encoded)
    _scalar(lib, scratch.s1, r * _INV4)
    _scalar(lib, scratch.s2, c * _INV8)
    lib.decaf_255_base_double_scalarmul_non_secret(scratch.left.ptr, scratch.s1.ptr, scratch.x.ptr, scratch.s2.ptr)
    return _encode(lib, scratch.left, scratch)


def total(encodings: Sequence[bytes]) -> bytes:
    """X_1 + … + X_n for members other than the identity, decoded and added in libdecaf.

    Each term costs a decoding and an addition (about 6 µs against 15 µs for libsodium's
    addition of two encodings); the sum of the decoded elements is [2]ΣX, brought back by one
    variable-time multiplication by 1/8 before the encoding (encode([1/8]·[2]ΣX) = ΣX), so this
    pays from six terms on (measured: 77 µs against 78 µs for 6 terms, 110 against 163 for 12):
    a chunk's tally share.
    """
    lib = _LIB
    assert lib is not None
    scratch = _SCRATCH
    _decode(lib, scratch.x, encodings[0])
    for encoded in encodings[1:]:
        _decode(lib, scratch.right, encoded)
        lib.decaf_255_point_add(scratch.x.ptr, scratch.x.ptr, scratch.right.ptr)
    _variable(lib, scratch, scratch.left, 1)
    return _encode(lib, scratch.left, scratch)


def range_commitments(alpha: bytes, beta: bytes, table: "Table",
                      terms: Sequence[tuple[int, int, int]]) -> list[bytes] | None:
    """A range proof's commitments A_j = [r_j]G + [c_j]α, B_j = [r_j]Y + [c_j](β − [m_j]G), in order.

    ``terms`` are (c_j, r_j, m_j); α and β are members other than the identity, Y the table's
    point. Each point is decoded once for the whole proof, and the shift by the plaintext is
    folded into the scalars — [c](β − [m]G) = [−c·m]G + [c]β, one variable-time double
    multiplication — so that β − [m]G is never computed, tested or decoded on its own.
    None when a scalar is 0 modulo the order (libdecaf's zero-scalar cases, see
    :func:`base_combination`): the caller then takes the commitments one by one.
    """
    lib = _LIB
    assert lib is not None
    if any(c % ORDER == 0 or r % ORDER == 0 for c, r, _ in terms):
        return None
    scratch = _SCRATCH
    _decode(lib, scratch.alpha, alpha)
    _decode(lib, scratch.beta, beta)
    double = lib.decaf_255_base_double_scalarmul_non_secret
    out: list[bytes] = []
    for c, r, m in terms:
        _scalar(lib, scratch.s1, r * _INV4)
        _scalar(lib, scratch.s2, c * _INV8)
        double(scratch.left.ptr, scratch.s1.ptr, scratch.alpha.ptr, scratch.s2.ptr)
        out.append(_encode(lib, scratch.left, scratch))
        _scalar(lib, scratch.s1, -c * m * _INV4)
        double(scratch.right.ptr, scratch.s1.ptr, scratch.beta.ptr, scratch.s2.ptr)
        table._times(lib, scratch, r)
        lib.decaf_255_point_add(scratch.left.ptr, scratch.left.ptr, scratch.right.ptr)
        out.append(_encode(lib, scratch.left, scratch))
    return out


class Table:
    """[e]Y for a fixed member Y (the election key) through libdecaf's precomputed comb table."""

    __slots__ = ("table",)

    def __init__(self, encoded: bytes) -> None:
        lib = _LIB
        assert lib is not None
        point = _Buffer(_POINT_BYTES)
        _decode(lib, point, encoded)
        self.table = _Buffer(_TABLE_BYTES)
        lib.decaf_255_precompute(self.table.ptr, point.ptr)

    def _times(self, lib: ctypes.CDLL, scratch: _Scratch, scalar: int) -> None:
        """scratch.left = [scalar/8]·[2]Y."""
        _scalar(lib, scratch.s1, scalar * _INV8)
        lib.decaf_255_precomputed_scalarmul(scratch.left.ptr, self.table.ptr, scratch.s1.ptr)

    def pow(self, scalar: int) -> bytes:
        """The RFC 8032 encoding of [scalar]Y."""
        lib = _LIB
        assert lib is not None
        if scalar % ORDER == 0:
            return IDENTITY
        scratch = _SCRATCH
        self._times(lib, scratch, scalar)
        return _encode(lib, scratch.left, scratch)

    def combination(self, r: int, c: int, encoded: bytes) -> bytes:
        """[r]Y + [c]X (X a member other than the identity): the table's multiple plus one
        variable-base multiplication, added before the one encoding."""
        lib = _LIB
        assert lib is not None
        if c % ORDER == 0:
            return self.pow(r)
        if r % ORDER == 0:
            return times(encoded, c)
        scratch = _SCRATCH
        _decode(lib, scratch.x, encoded)
        _variable(lib, scratch, scratch.right, c)
        self._times(lib, scratch, r)
        lib.decaf_255_point_add(scratch.left.ptr, scratch.left.ptr, scratch.right.ptr)
        return _encode(lib, scratch.left, scratch)
