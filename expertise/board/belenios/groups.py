"""The groups of Belenios and fast exponentiation in them.

Only the groups the specifications name exist: BELENIOS-2048 and RFC-3526-2048 (2.0, section
5) and Ed25519 (from 2.1). Their parameters are constants here, never read from the board, so
that a crafted board cannot choose its own group. Membership is tested for every element
read because the zero-knowledge proofs are only sound in the prime-order subgroup (an element
with a small-order component lets a voter encode a value outside 0/1, or break the tally's
discrete logarithm). Every group offers the same operations, written multiplicatively (for
Ed25519, "multiply" is point addition and "power" scalar multiplication).
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from functools import cached_property
from typing import Any, Callable, Sequence

import gmpy2
from gmpy2 import mpz
from nacl.bindings import (crypto_core_ed25519_add, crypto_core_ed25519_is_valid_point, crypto_core_ed25519_sub,
                           crypto_scalarmult_ed25519_base_noclamp, crypto_scalarmult_ed25519_noclamp)

from ...i18n import Message, msg
from . import decaf, modexp
from .fields import FieldError, decimal, type_name

# BELENIOS-2048 (specification 2.0, section 5.1: FIPS 186-4 generation, seed ...67746, counter 109).
_BELENIOS_P = mpz(
    "2069478569142254640101364365750500806492298929575110409710088478705737421924271740192223"
    "7254497684338129066633138078958404960054389636289796393038773905722803605973749427671376"
    "7776188985898727358650490811670993105358677809800307904916540637771737641986785272734744"
    "7634183560003569830519314428456170191100078673730733356412397173289791324047457883446826"
    "0652327974647951137672658693582180046317922073668860052627186363386088796882120769432366"
    "1494910029234443463732221458841005864210502421203654335612013204811188524087310770141516"
    "6620016231317716937218924807850771182784231749807327659882882516918310312568016207288071"
    "9")
_BELENIOS_Q = mpz("78571733251071885079927659812671450121821421258408794611510081919805623223441")
_BELENIOS_G = mpz(
    "2402352677501852209227687703532399932712287657378364916510075318787663274146353219320285"
    "6761552696787996946682987493890950838965734256019006010684771644917354741372831046104586"
    "8131451178164675540052740288984613986453266121505579709716201616827031288643245666383486"
    "3635782106154918419982534315189740658186868651151358576410138882215396016043228843603930"
    "9893336627728484065931384060102316750957637779826651036068224066350766977640253462537730"
    "8513317349519424896775405257365904949247763147599157519877517771148149092045660020547812"
    "7054728238140972518639858334115700568353695553423781475582491896050296680037745308460627")

# RFC-3526-2048: the 2048-bit MODP group of RFC 3526 (section 3), g = 2, q = (p - 1) / 2.
_RFC3526_P = mpz(int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6"
    "955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF", 16))
_RFC3526_Q = (_RFC3526_P - 1) // 2
_RFC3526_G = mpz(2)


# Batched membership (see docs/board.md, "Batched membership tests"): each round of the batch test
# lets a non-member through with probability at most 1/3, so 41 rounds give at most 3^-41 < 2^-64.
SECURITY_BITS = 64
MEMBERSHIP_ROUNDS = math.ceil(SECURITY_BITS / math.log2(3))
# Below this many elements, 41 rounds cost more than one x^q per element: test them one by one.
BATCH_MINIMUM = 48


class FixedBase:
    """Powers of one fixed base through a precomputed table (Brickell-Gordon-McCurley-Wilson).

    g and the election key y are raised to some fifteen exponents per ballot; one table of
    base^(d·2^(w·i)) turns each of those into about bits/w multiplications instead of a
    full square-and-multiply, which is where most of the verifier's speed comes from.
    """

    __slots__ = ("modulus", "window", "mask", "rows")

    def __init__(self, base: mpz, modulus: mpz, bits: int, window: int) -> None:
        self.modulus = modulus
        self.window = window
        self.mask = (1 << window) - 1
        rows: list[list[mpz]] = []
        current = mpz(base) % modulus
        for _ in range((bits + window - 1) // window):
            row = [mpz(1), current]
            for _ in range(2, 1 << window):
                row.append(row[-1] * current % modulus)
            rows.append(row)
            current = row[-1] * current % modulus
        self.rows = rows

    def pow(self, exponent: int) -> mpz:
        """base^exponent for 0 <= exponent < 2^bits (callers reduce modulo q first)."""
        modulus = self.modulus
        result = mpz(1)
        if self.window == 8:
            data = int(exponent).to_bytes((int(exponent).bit_length() + 7) // 8, "little")
            rows = self.rows
            for index, digit in enumerate(data):
                if digit:
                    result = result * rows[index][digit] % modulus
            return result
        e = int(exponent)
        index = 0
        mask = self.mask
        window = self.window
        rows = self.rows
        while e:
            digit = e & mask
            if digit:
                result = result * rows[index][digit] % modulus
            e >>= window
            index += 1
        return result


class Group:
    """What the verifier needs of a prime-order group; elements are opaque to the callers."""

    name: str
    q: mpz
    g: Any
    identity: Any
    embedding: tuple[int, int] | None  # (padding, bits_per_int) for non-homomorphic answers

    @cached_property
    def q_digits(self) -> int:
        return len(str(self.q))

    def challenge(self, text: str) -> mpz:
        """H(text): SHA-256 of the string, read as a big-endian integer, reduced mod q."""
        return mpz(int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")) % self.q

    # element-wise operations, implemented by each group
    def parse(self, value: Any, path: str) -> Any:  # canonical serialisation -> element (no membership test)
        raise NotImplementedError

    def text(self, x: Any) -> str:  # element -> its serialisation (used in hashes)
        raise NotImplementedError

    def is_member(self, x: Any) -> bool:
        raise NotImplementedError

    def non_members(self, xs: Sequence[Any], batch: bool = True) -> list[int]:
        """Indexes, in order, of the elements of ``xs`` that are not in the group.

        The answer is exact element by element: a batched test only says that a whole set is
        made of members, and a set where it fails is bisected down to single elements, so a
        failure names the same elements as testing one by one (``batch=False``) does.
        """
        return [index for index, x in enumerate(xs) if not self.is_member(x)]

    def mul(self, a: Any, b: Any) -> Any:
        raise NotImplementedError

    def div(self, a: Any, b: Any) -> Any:
        raise NotImplementedError

    def pow(self, a: Any, e: int) -> Any:
        raise NotImplementedError

    def fixed_base(self, base: Any) -> Any:  # an object with .pow(e)
        raise NotImplementedError

    def pin(self, x: Any) -> Any:
        """x, a member derived from g that the verifier keeps for the whole board (the g^-m of the
        range proofs); a group that remembers members (Ed25519) never forgets it."""
        return x

    def commit(self, table: Any, r: int, base: Any, c: int) -> Any:
        """A proof commitment table.base^r · base^c (table from :meth:`fixed_base`, g_table for g).

        One method so that a group can compute the product of the two powers in one pass.
        """
        return self.mul(table.pow(r), self.pow(base, c))

    def range_commitments(self, g_table: Any, y_table: Any, alpha: Any, beta: Any,
                          proofs: Sequence[tuple[mpz, mpz]], plaintexts: Sequence[int],
                          g_neg: Callable[[int], Any]) -> list[Any]:
        """A range proof's commitments A_j = g^r_j α^c_j, B_j = y^r_j (β·g^-m_j)^c_j, in order.

        One method so that a group can share work across the commitments of one ciphertext
        (``g_neg(m)`` is g^-m, kept by the caller for the whole board).
        """
        mul, commit = self.mul, self.commit
        out: list[Any] = []
        for (challenge, response), m in zip(proofs, plaintexts):
            out.append(commit(g_table, response, alpha, challenge))
            shifted = beta if m == 0 else mul(beta, g_neg(m))
            out.append(commit(y_table, response, shifted, challenge))
        return out

    def generator(self, index: int) -> Any:  # CHVote GetGenerator(i)
        raise NotImplementedError

    def sort_key(self, x: Any) -> Any:  # the order Belenios sorts elements in
        raise NotImplementedError

    def decode(self, x: Any, answers: int) -> tuple[list[int], bool]:
        raise NotImplementedError

    def embedding_capacity(self) -> int:  # bits available for encoded answers
        raise NotImplementedError

    def describe(self) -> Message:  # the group step's account
        raise NotImplementedError

    def inv(self, a: Any) -> Any:
        return self.div(self.identity, a)

    def product(self, items: Any) -> Any:
        result = self.identity
        for item in items:
            result = self.mul(result, item)
        return result

    @cached_property
    def g_table(self) -> Any:
        return self.fixed_base(self.g)


class FiniteFieldGroup(Group):
    """A multiplicative subgroup of order q of Z_p^*, generated by g; elements are integers."""

    def __init__(self, name: str, p: mpz, q: mpz, g: mpz, embedding: tuple[int, int] | None, safe_prime: bool,
                 window: int) -> None:
        self.name = name
        self.p = p
        self.q = q
        self.g = g
        self.identity = mpz(1)
        self.embedding = embedding
        self.safe_prime = safe_prime  # p = 2q + 1: membership is the Legendre symbol
        self.window = window
        self.p_digits = len(str(p))

    @cached_property
    def _powmod(self) -> Callable[[mpz, int], mpz]:
        """x^e mod p for 0 <= x < p and e >= 0: OpenSSL's where there is one (faster, see modexp)."""
        if modexp.AVAILABLE:
            return modexp.Modulus(self.p).pow
        p = self.p
        return lambda x, e: gmpy2.powmod(x, e, p)

    def parse(self, value: Any, path: str) -> mpz:
        x = decimal(value, path, self.p_digits)
        if x >= self.p:
            raise FieldError(path, msg("board.group.not_below_p"))
        return x

    def text(self, x: mpz) -> str:
        return str(x)

    def is_member(self, x: mpz) -> bool:
        """The test Belenios specifies: 0 < x < p and x^q = 1 (Legendre symbol when p = 2q + 1)."""
        if not 0 < x < self.p:
            return False
        if self.safe_prime:
            return gmpy2.jacobi(x, self.p) == 1
        return self._powmod(x, self.q) == 1

    def non_members(self, xs: Sequence[Any], batch: bool = True) -> list[int]:
        """Membership of many elements at once (random-combination batch test, then bisection).

        With p = 2q + 1 the Legendre symbol is already the exact test. Otherwise p ≡ 3 (mod 4)
        (BELENIOS-2048) makes 2 the exact power of 2 in p - 1, so the Legendre symbol (Jacobi
        through gmpy2, a few µs) rules out every component of order 2; what is left lives in the
        group of odd order (p - 1)/2, where one round of :meth:`_batch_holds` misses a
        non-member with probability at most 1/3 (see docs/board.md), whatever the factors of
        the cofactor (3 divides it for BELENIOS-2048, so larger random exponents would not help).
        """
        if self.safe_prime or not batch or self.p % 4 != 3:
            return super().non_members(xs)
        p = self.p
        bad: list[int] = []
        candidates: list[tuple[int, mpz]] = []
        for index, x in enumerate(xs):
            if 0 < x < p and gmpy2.jacobi(x, p) == 1:
                candidates.append((index, x))
            else:
                bad.append(index)
        bad += self._bisect(candidates)
        return sorted(bad)

    def _bisect(self, items: list[tuple[int, mpz]]) -> list[int]:
        """The non-members among quadratic residues: one batch for all, halves where it fails."""
        if len(items) < BATCH_MINIMUM:
            powmod, q = self._powmod, self.q
            return [index for index, x in items if powmod(x, q) != 1]
        if self._batch_holds([x for _, x in items]):
            return []
        half = len(items) // 2
        return self._bisect(items[:half]) + self._bisect(items[half:])

    def _batch_holds(self, xs: list[mpz]) -> bool:
        """MEMBERSHIP_ROUNDS times: (Π x_i^(s_i))^q = 1 with s_i uniform in {0, 1, 2} from `secrets`.

        If some x_j^q ≠ 1 it has odd order, hence at least 3, so x_j^0, x_j^1, x_j^2 differ
        and for any choice of the other s_i at most one value of s_j lets the round pass.
        """
        p, q = self.p, self.q
        squares = [x * x % p for x in xs]
        bound = 3 ** len(xs)
        width = len(xs)
        for _ in range(MEMBERSHIP_ROUNDS):
            digits = mpz(secrets.randbelow(bound)).digits(3).zfill(width)
            acc = mpz(1)
            for digit, x, square in zip(digits, xs, squares):
                if digit == "1":
                    acc = acc * x % p
                elif digit == "2":
                    acc = acc * square % p
            if self._powmod(acc, q) != 1:
                return False
        return True

    def mul(self, a: mpz, b: mpz) -> mpz:
        return a * b % self.p

    def div(self, a: mpz, b: mpz) -> mpz:
        return a * self.inv(b) % self.p

    def inv(self, a: mpz) -> mpz:
        # 0 has no inverse; a hostile board can write it (the membership test fails on it):
        # 0 stands for "no element" and keeps every later comparison false.
        return gmpy2.invert(a, self.p) if a % self.p else mpz(0)

    def pow(self, a: mpz, e: int) -> mpz:
        a = a % self.p
        if a == 0:
            return mpz(0)
        if e < 0:
            return gmpy2.powmod(a, e, self.p)
        return self._powmod(a, e)

    def fixed_base(self, base: mpz) -> FixedBase:
        return FixedBase(base, self.p, self.q.bit_length(), self.window)

    def generator(self, index: int) -> mpz:
        x = mpz(int.from_bytes(hashlib.sha256(f"ggen|{index}".encode()).digest(), "big"))
        return gmpy2.powmod(x, (self.p - 1) // self.q, self.p)

    def sort_key(self, x: mpz) -> mpz:
        return x

    def decode(self, x: mpz, answers: int) -> tuple[list[int], bool]:
        assert self.embedding is not None
        padding, bits = self.embedding
        return _decode_bits(int(x) >> padding, bits, answers)

    def embedding_capacity(self) -> int:
        assert self.embedding is not None
        return self.p.bit_length() - 1 - self.embedding[0]

    def describe(self) -> Message:
        return msg("board.group.finite_field", name=self.name, p_bits=self.p.bit_length(), q_bits=self.q.bit_length())


def _decode_bits(x: int, bits: int, answers: int) -> tuple[list[int], bool]:
    mask = (1 << bits) - 1
    out = [(x >> (bits * (answers - 1 - k))) & mask for k in range(answers)]
    return out, (x >> (bits * answers)) != 0


# -- Ed25519 (Belenios 2.1 and later) -----------------------------------------------------------

_ED_P = 2**255 - 19
_ED_D = -121665 * pow(121666, -1, _ED_P) % _ED_P
_ED_SQRT_M1 = pow(2, (_ED_P - 1) // 4, _ED_P)
_ED_L = 2**252 + 27742317777372353535851937790883648493
_ED_IDENTITY = bytes([1]) + bytes(31)
_ED_HEX = re.compile("[0-9a-f]{64}")  # 64 lowercase hexadecimal digits, nothing else
_KNOWN_LIMIT = 1 << 14  # encodings remembered as members (about 2 MB at most; a chunk adds a few thousand)
_DECAF_TOTAL_MINIMUM = 7  # libdecaf's sum pays for its final multiplication from 6 terms on (measured)
_ED_INVALID = b"\xff" * 32  # y = 2^255 - 1 >= p: never parsed, never a member (see Ed25519Group._point)


def _ed_decompress(z: int) -> tuple[int, int] | None:
    """RFC 8032 point decoding of the 256-bit number z = y | sign(x) << 255; None if not on the curve."""
    y = z & ((1 << 255) - 1)
    sign = z >> 255
    if y >= _ED_P:
        return None
    u = (y * y - 1) % _ED_P
    v = (_ED_D * y * y + 1) % _ED_P
    x2 = u * pow(v, -1, _ED_P) % _ED_P
    x = pow(x2, (_ED_P + 3) // 8, _ED_P)
    if (x * x - x2) % _ED_P:
        x = x * _ED_SQRT_M1 % _ED_P
    if (x * x - x2) % _ED_P:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = _ED_P - x
    return x, y


def _ed_add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    (x1, y1), (x2, y2) = a, b
    t = _ED_D * x1 * x2 * y1 * y2 % _ED_P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, -1, _ED_P) % _ED_P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, -1, _ED_P) % _ED_P
    return x3, y3


def _ed_compress(point: tuple[int, int]) -> bytes:
    x, y = point
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


_ED_P_MPZ = mpz(_ED_P)
_ED_D2 = mpz(2 * _ED_D % _ED_P)
_Extended = tuple[mpz, mpz, mpz, mpz]  # (X, Y, Z, T) with x = X/Z, y = Y/Z, x·y = T/Z


def _ext_add(a: _Extended, b: _Extended) -> _Extended:
    """Complete addition in extended coordinates (Hisil-Wong-Carter-Dawson, a = -1): any two curve points."""
    p = _ED_P_MPZ
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % p
    bb = (y1 + x1) * (y2 + x2) % p
    cc = t1 * _ED_D2 * t2 % p
    dd = z1 * 2 * z2 % p
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return e * f % p, g * h % p, f * g % p, e * h % p


def _ext_encode(a: _Extended) -> bytes:
    x, y, z, _ = a
    inverse = gmpy2.invert(z, _ED_P_MPZ)
    return _ed_compress((int(x * inverse % _ED_P_MPZ), int(y * inverse % _ED_P_MPZ)))


class _EdTable:
    """[e]Y for a fixed point Y (the election key) through a table of [d·256^i]Y, in Python.

    libsodium offers a precomputed table only for the base point; its variable-base
    multiplication also re-checks that Y is in the prime-order subgroup at every call. The
    election key is raised to about a third of a ballot's scalars: 32 additions from this table
    (complete formulas, extended coordinates, gmpy2) cost half of libsodium's call (measured,
    docs/benchmarks.md). Exact for any point on the curve, like the slow path of Ed25519Group.
    """

    __slots__ = ("rows",)

    def __init__(self, point: tuple[int, int]) -> None:
        x, y = mpz(point[0]), mpz(point[1])
        current: _Extended = (x, y, mpz(1), x * y % _ED_P_MPZ)
        rows: list[list[_Extended]] = []
        for _ in range(32):
            row: list[_Extended] = [current, current]  # row[0] is never used (digit 0)
            for _ in range(2, 256):
                row.append(_ext_add(row[-1], current))
            rows.append(row)
            current = _ext_add(row[-1], current)
        self.rows = rows

    def pow(self, e: int) -> bytes:
        scalar = int(e) % _ED_L
        acc: _Extended | None = None
        rows = self.rows
        for index, digit in enumerate(scalar.to_bytes(32, "little")):
            if digit:
                acc = rows[index][digit] if acc is None else _ext_add(acc, rows[index][digit])
        return _ED_IDENTITY if acc is None else _ext_encode(acc)


class _EdDecafTable:
    """[e]Y for a member Y through libdecaf's comb table (decaf.py); its results are members."""

    __slots__ = ("group", "table")

    def __init__(self, group: "Ed25519Group", table: decaf.Table) -> None:
        self.group = group
        self.table = table

    def pow(self, e: int) -> bytes:
        return self.group._remember(self.table.pow(int(e)))


class _EdPower:
    __slots__ = ("group", "base")

    def __init__(self, group: "Ed25519Group", base: bytes) -> None:
        self.group = group
        self.base = base

    def pow(self, e: int) -> bytes:
        return self.group.pow(self.base, e)


class _EdBasePower:
    __slots__ = ("group",)

    def __init__(self, group: "Ed25519Group") -> None:
        self.group = group

    def pow(self, e: int) -> bytes:
        scalar = int(e) % _ED_L
        if scalar == 0:
            return _ED_IDENTITY
        return self.group._remember(crypto_scalarmult_ed25519_base_noclamp(scalar.to_bytes(32, "little")))


class Ed25519Group(Group):
    """The prime-order subgroup of the Ed25519 curve (RFC 7748), through libsodium.

    Elements are 32-byte RFC 8032 encodings; Belenios writes them as the 256-bit number
    y | sign(x) << 255 in 64 hexadecimal digits, i.e. the encoding byte-reversed.
    """

    def __init__(self) -> None:
        self.name = "Ed25519"
        self.q = mpz(_ED_L)
        self.identity = _ED_IDENTITY
        self.g = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")
        self.embedding = (14, 8)
        # Encodings known to be in the prime-order subgroup: those libsodium's exact test accepted
        # (is_member) and what the group law makes of them. Only for these points is libdecaf's
        # arithmetic (no subgroup check) exact; every other point keeps libsodium's path. Bounded
        # (cleared when full) so that memory stays flat: forgetting only costs speed.
        self._pinned: set[bytes] = {_ED_IDENTITY, self.g}
        self._known: set[bytes] = set(self._pinned)

    def forget(self) -> None:
        """Drop the remembered members but the pinned ones (when full; and in benchmarks, so that
        a repeated ballot is tested again as its first reading is)."""
        self._known.clear()
        self._known.update(self._pinned)

    def pin(self, x: bytes) -> bytes:
        if x in self._known:  # only members are pinned
            self._pinned.add(x)
        return x

    def _remember(self, x: bytes) -> bytes:
        if len(self._known) >= _KNOWN_LIMIT:
            self.forget()
        self._known.add(x)
        return x

    def parse(self, value: Any, path: str) -> bytes:
        if not isinstance(value, str):
            raise FieldError(path, msg("board.group.expected_point", found=type_name(value)))
        if not _ED_HEX.fullmatch(value):
            shown = value if len(value) <= 70 else value[:64] + "…"
            raise FieldError(path, msg("board.group.point_not_canonical", value=repr(shown)))
        encoded = bytes.fromhex(value)[::-1]
        if int.from_bytes(encoded, "little") & ((1 << 255) - 1) >= _ED_P:
            raise FieldError(path, msg("board.group.point_y_range"))
        return encoded

    def text(self, x: bytes) -> str:
        return x[::-1].hex()

    def is_member(self, x: bytes) -> bool:
        if x in self._known:
            return True
        if x == _ED_IDENTITY or crypto_core_ed25519_is_valid_point(x):
            self._remember(x)
            return True
        return False

    # libsodium refuses points of small order and points off the curve. A hostile board can
    # write them; the membership test has already failed the step naming the field, and the
    # verification goes on: the operation is then computed with the complete Edwards formulas
    # (a point with a small-order component still has a well-defined sum), or gives _ED_INVALID
    # (bytes off the curve), which no check can accept.
    @staticmethod
    def _point(x: bytes) -> tuple[int, int] | None:
        return None if x == _ED_INVALID else _ed_decompress(int.from_bytes(x, "little"))

    def _slow_mul(self, a: bytes, b: bytes, sign: int = 1) -> bytes:
        pa, pb = self._point(a), self._point(b)
        if pa is None or pb is None:
            return _ED_INVALID
        if sign < 0:
            pb = ((-pb[0]) % _ED_P, pb[1])
        return _ed_compress(_ed_add(pa, pb))

    def _slow_pow(self, a: bytes, scalar: int) -> bytes:
        point = self._point(a)
        if point is None:
            return _ED_INVALID
        result = (0, 1)
        for bit in bin(scalar)[2:]:
            result = _ed_add(result, result)
            if bit == "1":
                result = _ed_add(result, point)
        return _ed_compress(result)

    def mul(self, a: bytes, b: bytes) -> bytes:
        if a == _ED_IDENTITY:
            return b
        if b == _ED_IDENTITY:
            return a
        try:
            result = crypto_core_ed25519_add(a, b)
        except Exception:
            return self._slow_mul(a, b)
        known = self._known
        return self._remember(result) if a in known and b in known else result

    def div(self, a: bytes, b: bytes) -> bytes:
        if b == _ED_IDENTITY:
            return a
        try:
            result = crypto_core_ed25519_sub(a, b)
        except Exception:
            return self._slow_mul(a, b, -1)
        known = self._known
        return self._remember(result) if a in known and b in known else result

    def pow(self, a: bytes, e: int) -> bytes:
        scalar = int(e) % _ED_L
        if scalar == 0 or a == _ED_IDENTITY:
            return _ED_IDENTITY
        if scalar == 1:
            return a
        if decaf.AVAILABLE and a in self._known:  # a member, not the identity (returned above)
            return self._remember(decaf.times(a, scalar))
        try:
            return crypto_scalarmult_ed25519_noclamp(scalar.to_bytes(32, "little"), a)
        except Exception:
            return self._slow_pow(a, scalar)

    def fixed_base(self, base: bytes) -> Any:
        if base == self.g:
            return _EdBasePower(self)
        if decaf.AVAILABLE and base != _ED_IDENTITY and self.is_member(base):
            return _EdDecafTable(self, decaf.Table(base))
        point = self._point(base)
        return _EdPower(self, base) if point is None else _EdTable(point)

    def commit(self, table: Any, r: int, base: bytes, c: int) -> bytes:
        """[r]T + [c]X in one libdecaf pass when T (g or a member key) and X are members.

        X is tested here (libsodium's exact test, once) if it is not known yet (a ballot's
        credential, tested with the public credentials in another process): the test and the
        libdecaf pass cost less than libsodium's multiplication, which tests it anyway.
        """
        fast = decaf.AVAILABLE and isinstance(table, (_EdBasePower, _EdDecafTable))
        if fast and base != _ED_IDENTITY and self.is_member(base):
            if isinstance(table, _EdBasePower):
                return self._remember(decaf.base_combination(int(r), int(c), base))
            return self._remember(table.table.combination(int(r), int(c), base))
        result: bytes = super().commit(table, r, base, c)
        return result

    def product(self, items: Any) -> bytes:
        """A long sum of known members (a chunk's tally share) through libdecaf (decaf.total);
        short sums, and any sum with a point not known to be a member, term by term."""
        terms = [x for x in items if x != _ED_IDENTITY]
        known = self._known
        if decaf.AVAILABLE and len(terms) >= _DECAF_TOTAL_MINIMUM and all(x in known for x in terms):
            return self._remember(decaf.total(terms))
        result: bytes = super().product(terms)
        return result

    def range_commitments(self, g_table: Any, y_table: Any, alpha: bytes, beta: bytes,
                          proofs: Sequence[tuple[mpz, mpz]], plaintexts: Sequence[int],
                          g_neg: Callable[[int], Any]) -> list[Any]:
        """Through libdecaf in one pass when α, β and the key are members (decaf.range_commitments):
        α and β are decoded once and β·g^-m is never formed. The commitments are only hashed, so
        they are not remembered as members."""
        if (decaf.AVAILABLE and isinstance(g_table, _EdBasePower) and isinstance(y_table, _EdDecafTable)
                and alpha != _ED_IDENTITY and beta != _ED_IDENTITY and self.is_member(alpha) and self.is_member(beta)):
            terms = [(int(c), int(r), m) for (c, r), m in zip(proofs, plaintexts)]
            out = decaf.range_commitments(alpha, beta, y_table.table, terms)
            if out is not None:
                return out
        return super().range_commitments(g_table, y_table, alpha, beta, proofs, plaintexts, g_neg)

    def generator(self, index: int) -> bytes:
        x = int.from_bytes(hashlib.sha256(f"ggen|{index}".encode()).digest(), "big") >> 2
        epsilon = 0
        while (point := _ed_decompress(x + epsilon)) is None:
            epsilon += 1
        for _ in range(3):  # multiply by the cofactor 8
            point = _ed_add(point, point)
        return _ed_compress(point)

    def sort_key(self, x: bytes) -> bytes:
        return x  # Belenios compares the encodings byte by byte

    def decode(self, x: bytes, answers: int) -> tuple[list[int], bool]:
        padding, bits = 14, 8
        return _decode_bits(int.from_bytes(x, "little") >> padding, bits, answers)

    def embedding_capacity(self) -> int:
        return 254 - 14

    def describe(self) -> Message:
        return msg("board.group.ed25519")


GROUPS: dict[str, Group] = {
    "BELENIOS-2048": FiniteFieldGroup("BELENIOS-2048", _BELENIOS_P, _BELENIOS_Q, _BELENIOS_G, None, False, 8),
    "RFC-3526-2048": FiniteFieldGroup("RFC-3526-2048", _RFC3526_P, _RFC3526_Q, _RFC3526_G, (8, 8), True, 6),
    "Ed25519": Ed25519Group(),
}


def get_group(name: str) -> Group | None:
    return GROUPS.get(name)
