"""OpenSSL's exponentiation (modexp) gives GMP's integers, on edge cases and from several threads."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import gmpy2
import pytest
from gmpy2 import mpz

from expertise.board.belenios import groups, modexp

pytestmark = pytest.mark.skipif(not modexp.AVAILABLE, reason="libcrypto.so.3 is not installed")

MODULI = {"BELENIOS-2048": groups._BELENIOS_P, "RFC-3526-2048": groups._RFC3526_P}


@pytest.mark.parametrize("name", sorted(MODULI))
def test_edge_cases_match_gmp(name: str) -> None:
    p = MODULI[name]
    q = groups.GROUPS[name].q
    modulus = modexp.Modulus(p)
    bases = [mpz(0), mpz(1), mpz(2), p - 1, p - 2, (p - 1) // 2, mpz(1) << 2040]
    exponents = [0, 1, 2, 3, int(q) - 1, int(q), int(q) + 1, 2**255 - 1, 2**256, 2**300 + 7, int(p) - 1]
    for base in bases:
        for exponent in exponents:
            assert modulus.pow(base, exponent) == gmpy2.powmod(base, exponent, p), (base, exponent)


def test_random_inputs_match_gmp() -> None:
    p = groups._BELENIOS_P
    modulus = modexp.Modulus(p)
    rng = random.Random(14)
    for _ in range(200):
        base, exponent = mpz(rng.randrange(p)), rng.getrandbits(rng.choice([8, 64, 256, 257, 2048]))
        assert modulus.pow(base, exponent) == gmpy2.powmod(base, exponent, p)


def test_threads_share_one_modulus() -> None:
    """Dask runs chunks in threads of one process: each thread has its own OpenSSL scratch space."""
    p = groups._BELENIOS_P
    modulus = modexp.Modulus(p)
    rng = random.Random(7)
    cases = [(mpz(rng.randrange(1, p)), rng.getrandbits(256)) for _ in range(64)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda case: modulus.pow(*case), cases * 4))
    assert results == [gmpy2.powmod(b, e, p) for b, e in cases] * 4


def test_an_even_modulus_is_refused() -> None:
    with pytest.raises(ValueError):
        modexp.Modulus(mpz(2) ** 2048)


def test_the_group_uses_openssl_and_keeps_gmp_for_negative_exponents() -> None:
    group = groups.GROUPS["BELENIOS-2048"]
    assert getattr(group._powmod, "__self__", None).__class__ is modexp.Modulus
    x = group.g_table.pow(12345)
    assert group.pow(x, -3) == gmpy2.powmod(x, -3, group.p)
    assert group.pow(x + group.p, 5) == gmpy2.powmod(x, 5, group.p)  # a base above p is reduced first
