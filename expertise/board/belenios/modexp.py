"""Variable-base modular exponentiation through OpenSSL's libcrypto, for the 2048-bit groups.

After the batched membership tests, a BELENIOS-2048 ballot is some fifteen exponentiations
x^c mod p with a 256-bit c and a base x seen once (the proofs' commitments: each is hashed on
its own, so they cannot be batched), and they are most of its CPU. GMP's ``mpz_powm`` (gmpy2, and
belenios-tool through Zarith) takes about 330 µs for one here; OpenSSL's ``BN_mod_exp_mont``
takes about 240 µs on the same machine (docs/benchmarks.md): Montgomery multiplication in
assembly written for exactly these sizes (``bn_mul_mont`` with MULX/ADX), where GMP reduces with
a generic division-free REDC. The result is the same integer: an exponentiation is an exact
function of its inputs, whichever library computes it, and the tests compare both on edge cases.

Debian's ``libssl3`` (which Python itself needs) provides ``libcrypto.so.3``. Without it,
:data:`AVAILABLE` is False and the groups keep gmpy2. The functions are called through ctypes:
the ``cryptography`` package does not expose OpenSSL's big numbers, and these four calls are
part of OpenSSL's stable public interface (``BN_bin2bn``, ``BN_mod_exp_mont``,
``BN_bn2binpad``, ``BN_MONT_CTX_set``).

The exponentiation is not constant-time (no ``BN_FLG_CONSTTIME``): every input is public.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Final

from gmpy2 import mpz


def _load() -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL("libcrypto.so.3")
    except OSError:
        return None
    void_p, char_p, c_int = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    signatures: dict[str, tuple[list[type], type | None]] = {
        "BN_new": ([], void_p),
        "BN_CTX_new": ([], void_p),
        "BN_MONT_CTX_new": ([], void_p),
        "BN_MONT_CTX_set": ([void_p, void_p, void_p], c_int),
        "BN_bin2bn": ([char_p, c_int, void_p], void_p),
        "BN_bn2binpad": ([void_p, char_p, c_int], c_int),
        "BN_mod_exp_mont": ([void_p, void_p, void_p, void_p, void_p, void_p], c_int),
    }
    try:
        for function, (argtypes, restype) in signatures.items():
            getattr(lib, function).argtypes = argtypes
            getattr(lib, function).restype = restype
    except AttributeError:
        return None
    return lib


_LIB: Final = _load()
AVAILABLE: Final = _LIB is not None


class Modulus:
    """x^e mod m for one odd modulus m, with OpenSSL's Montgomery context kept for the run.

    Each thread gets its own BN_CTX and scratch numbers (OpenSSL's contexts are not shared
    between threads); the Montgomery context is read-only once set, so threads share it.
    """

    def __init__(self, modulus: mpz) -> None:
        if _LIB is None:
            raise RuntimeError("libcrypto.so.3 is not available")
        if modulus % 2 == 0 or modulus < 3:
            raise ValueError("Montgomery exponentiation needs an odd modulus")
        self.modulus = mpz(modulus)
        self.size = (int(modulus).bit_length() + 7) // 8
        self._m = self._number(self.modulus)
        self._mont = _LIB.BN_MONT_CTX_new()
        context = _LIB.BN_CTX_new()
        if not self._mont or not context or _LIB.BN_MONT_CTX_set(self._mont, self._m, context) != 1:
            raise MemoryError("OpenSSL could not set up a Montgomery context")
        self._local = threading.local()

    def _number(self, value: mpz) -> int:
        lib = _LIB
        assert lib is not None
        number = lib.BN_new()
        if not number:
            raise MemoryError("OpenSSL could not allocate a number")
        data = value.to_bytes(self.size, "big")
        lib.BN_bin2bn(data, len(data), number)
        return int(number)

    def _scratch(self) -> tuple[int, int, int, int, ctypes.Array[ctypes.c_char]]:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            assert _LIB is not None
            context = _LIB.BN_CTX_new()
            base, exponent, result = _LIB.BN_new(), _LIB.BN_new(), _LIB.BN_new()
            if not (context and base and exponent and result):
                raise MemoryError("OpenSSL could not allocate a number")
            scratch = self._local.scratch = (context, base, exponent, result, ctypes.create_string_buffer(self.size))
        return scratch

    def pow(self, base: mpz, exponent: int) -> mpz:
        """base^exponent mod m, for 0 <= base < m and exponent >= 0 (callers check both)."""
        lib = _LIB
        assert lib is not None
        context, b, e, r, out = self._scratch()
        data = base.to_bytes(self.size, "big")
        lib.BN_bin2bn(data, self.size, b)
        e_value = int(exponent)
        data = e_value.to_bytes((e_value.bit_length() + 7) // 8, "big")
        lib.BN_bin2bn(data, len(data), e)
        if lib.BN_mod_exp_mont(r, b, e, self._m, context, self._mont) != 1:
            raise ArithmeticError("OpenSSL's modular exponentiation failed")
        lib.BN_bn2binpad(r, out, self.size)
        return mpz.from_bytes(out.raw, "big")
