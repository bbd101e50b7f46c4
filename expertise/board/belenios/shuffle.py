"""Verifiable shuffles of non-homomorphic answers (CHVote 1.3.2 CheckShuffleProof, spec section 6).

Each shuffle re-encrypts and permutes the previous list of ciphertexts; its proof shows the
output is a permutation of re-encryptions of the input, so that decrypting the output reveals
the votes without linking them to the ballots. The per-ciphertext work (about five
exponentiations each) is split in index ranges that run in parallel; the challenges and the
final equalities are computed here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Sequence

from gmpy2 import mpz

from ...i18n import Message, msg
from . import fields as F
from .groups import Group, get_group

Ciphertext = tuple[Any, Any]


@dataclass
class ShuffleProof:
    t1: Any
    t2: Any
    t3: Any
    t41: Any
    t42: Any
    t_hat: list[Any]
    s1: mpz
    s2: mpz
    s3: mpz
    s4: mpz
    s_hat: list[mpz]
    s_prime: list[mpz]
    commitments: list[Any]  # c_i, the permutation commitments
    chain: list[Any]  # ĉ_i, the commitment chain

    def elements(self) -> list[tuple[str, Any]]:
        out = [("t1", self.t1), ("t2", self.t2), ("t3", self.t3), ("t41", self.t41), ("t42", self.t42)]
        out += [(f"t_hat[{i}]", x) for i, x in enumerate(self.t_hat)]
        out += [(f"c[{i}]", x) for i, x in enumerate(self.commitments)]
        out += [(f"c_hat[{i}]", x) for i, x in enumerate(self.chain)]
        return out


def parse_ciphertexts(value: Any, path: str, group: Group, length: int | None = None) -> list[Ciphertext]:
    out = []
    for i, item in enumerate(F.lst(value, path, length=length)):
        F.obj(item, f"{path}[{i}]", ["alpha", "beta"])
        out.append((F.element(item["alpha"], f"{path}[{i}].alpha", group),
                    F.element(item["beta"], f"{path}[{i}].beta", group)))
    return out


def parse_proof(value: Any, path: str, group: Group, size: int) -> ShuffleProof:
    """[[t1,t2,t3,[t41,t42],[t̂…]], [s1,s2,s3,s4,[ŝ…],[s'…]], [c…], [ĉ…]]."""
    t, s, c, c_hat = F.lst(value, path, length=4)
    t = F.lst(t, path + "[0]", length=5)
    t4 = F.lst(t[3], path + "[0][3]", length=2)
    s = F.lst(s, path + "[1]", length=6)

    def el(v: Any, p: str) -> Any:
        return F.element(v, p, group)

    def ex(v: Any, p: str) -> mpz:
        return F.exponent(v, p, group)

    return ShuffleProof(
        t1=el(t[0], path + "[0][0]"), t2=el(t[1], path + "[0][1]"), t3=el(t[2], path + "[0][2]"),
        t41=el(t4[0], path + "[0][3][0]"), t42=el(t4[1], path + "[0][3][1]"),
        t_hat=[el(v, f"{path}[0][4][{i}]") for i, v in enumerate(F.lst(t[4], path + "[0][4]", length=size))],
        s1=ex(s[0], path + "[1][0]"), s2=ex(s[1], path + "[1][1]"), s3=ex(s[2], path + "[1][2]"),
        s4=ex(s[3], path + "[1][3]"),
        s_hat=[ex(v, f"{path}[1][4][{i}]") for i, v in enumerate(F.lst(s[4], path + "[1][4]", length=size))],
        s_prime=[ex(v, f"{path}[1][5][{i}]") for i, v in enumerate(F.lst(s[5], path + "[1][5]", length=size))],
        commitments=[el(v, f"{path}[2][{i}]") for i, v in enumerate(F.lst(c, path + "[2]", length=size))],
        chain=[el(v, f"{path}[3][{i}]") for i, v in enumerate(F.lst(c_hat, path + "[3]", length=size))],
    )


def _encode(group: Group, items: Sequence[Any]) -> str:
    """⟦e⟧ / ⟦c⟧ of the specification: every value followed by a comma (trailing comma included)."""
    text = group.text
    parts: list[str] = []
    for item in items:
        if isinstance(item, tuple):
            parts.append(f"{text(item[0])},{text(item[1])},")
        else:
            parts.append(f"{text(item)},")
    return "".join(parts)


def _sha_hex(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@dataclass
class ShuffleSlice:
    """Partial products and the t̂ checks of one index range [start, stop)."""

    prod_c: Any
    prod_h: Any
    c_tilde: Any
    alpha_star: Any
    beta_star: Any
    h_sprime: Any
    beta_sprime: Any
    alpha_sprime: Any
    bad_t_hat: list[int]


_PRODUCTS = ("prod_c", "prod_h", "c_tilde", "alpha_star", "beta_star", "h_sprime", "beta_sprime", "alpha_sprime")


def _empty(group: Group) -> ShuffleSlice:
    return ShuffleSlice(*(group.identity for _ in _PRODUCTS), bad_t_hat=[])


def shuffle_slice(group_name: str, start: int, c: mpz, inputs: list[Ciphertext], outputs: list[Ciphertext],
                  commitments: list[Any], chain_prev: list[Any], chain: list[Any], t_hat: list[Any],
                  s_hat: list[mpz], s_prime: list[mpz], u: list[mpz]) -> ShuffleSlice:
    group = get_group(group_name)
    assert group is not None
    mul, pw = group.mul, group.pow
    g_table = group.g_table
    out = _empty(group)
    for k in range(len(inputs)):
        i = start + k
        h_i = group.generator(i)
        out.prod_c = mul(out.prod_c, commitments[k])
        out.prod_h = mul(out.prod_h, h_i)
        out.c_tilde = mul(out.c_tilde, pw(commitments[k], u[k]))
        out.alpha_star = mul(out.alpha_star, pw(inputs[k][0], u[k]))
        out.beta_star = mul(out.beta_star, pw(inputs[k][1], u[k]))
        out.h_sprime = mul(out.h_sprime, pw(h_i, s_prime[k]))
        out.beta_sprime = mul(out.beta_sprime, pw(outputs[k][1], s_prime[k]))
        out.alpha_sprime = mul(out.alpha_sprime, pw(outputs[k][0], s_prime[k]))
        expected = mul(mul(pw(group.inv(chain[k]), c), g_table.pow(s_hat[k])), pw(chain_prev[k], s_prime[k]))
        if expected != t_hat[k]:
            out.bad_t_hat.append(i)
    return out


class ShuffleCheck:
    """CheckShuffleProof for one question: challenges here, per-index work through ``runner``."""

    def __init__(self, group: Group, public_key: Any, fingerprint: str, runner, slice_size: int = 64) -> None:  # type: ignore[no-untyped-def]
        self.group = group
        self.public_key = public_key
        self.fingerprint = fingerprint
        self.runner = runner
        self.slice_size = slice_size

    def verify(self, inputs: list[Ciphertext], outputs: list[Ciphertext], proof: ShuffleProof) -> list[Message]:
        """The list of failed equations (empty when the proof is valid)."""
        group = self.group
        q = group.q
        mul, pw, inv = group.mul, group.pow, group.inv
        n = len(inputs)
        if len(outputs) != n:
            return [msg("board.shuffle.sizes", outputs=len(outputs), inputs=n)]
        str_c = _encode(group, inputs) + _encode(group, outputs) + _encode(group, proof.commitments)
        hh = _sha_hex(f"shuffle-challenges|{self.fingerprint}|{str_c}")
        u = [mpz(int(_sha_hex(hh + _sha_hex(str(i))), 16)) % q for i in range(n)]
        str_t = _encode(group, [proof.t1, proof.t2, proof.t3, proof.t41, proof.t42]) + _encode(group, proof.t_hat)
        str_y = str_c + _encode(group, proof.chain) + group.text(self.public_key)
        c = group.challenge(f"shuffle-challenge|{self.fingerprint}|{str_t}{str_y}")
        h = group.generator(-1)
        chain_prev = [h] + proof.chain[:-1]
        futures = []
        for start in range(0, n, self.slice_size):
            stop = min(n, start + self.slice_size)
            futures.append(self.runner.submit(
                shuffle_slice, group.name, start, c, inputs[start:stop], outputs[start:stop],
                proof.commitments[start:stop], chain_prev[start:stop], proof.chain[start:stop],
                proof.t_hat[start:stop], proof.s_hat[start:stop], proof.s_prime[start:stop], u[start:stop]))
        total = _empty(group)
        for future in futures:
            part = future.result()
            for name in _PRODUCTS:
                setattr(total, name, mul(getattr(total, name), getattr(part, name)))
            total.bad_t_hat.extend(part.bad_t_hat)
        g_table = group.g_table
        u_prod = mpz(1)
        for value in u:
            u_prod = u_prod * value % q
        c_bar = group.div(total.prod_c, total.prod_h)
        last = proof.chain[-1] if proof.chain else h
        c_hat = group.div(last, pw(h, u_prod))
        failures = []
        if proof.t1 != mul(pw(inv(c_bar), c), g_table.pow(proof.s1)):
            failures.append(msg("board.shuffle.t1"))
        if proof.t2 != mul(pw(inv(c_hat), c), g_table.pow(proof.s2)):
            failures.append(msg("board.shuffle.t2"))
        if proof.t3 != mul(mul(pw(inv(total.c_tilde), c), g_table.pow(proof.s3)), total.h_sprime):
            failures.append(msg("board.shuffle.t3"))
        t41 = mul(inv(mul(pw(total.beta_star, c), pw(self.public_key, proof.s4))), total.beta_sprime)
        if proof.t41 != t41:
            failures.append(msg("board.shuffle.t41"))
        t42 = mul(inv(mul(pw(total.alpha_star, c), g_table.pow(proof.s4))), total.alpha_sprime)
        if proof.t42 != t42:
            failures.append(msg("board.shuffle.t42"))
        for i in total.bad_t_hat[:5]:
            failures.append(msg("board.shuffle.t_hat", index=str(i)))
        if len(total.bad_t_hat) > 5:
            failures.append(msg("board.shuffle.more_t_hat", count=len(total.bad_t_hat) - 5))
        return failures
