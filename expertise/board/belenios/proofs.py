"""The zero-knowledge proofs of Belenios 2.0 (specification sections 4.5-4.18), verified.

Every proof is a (challenge, response) pair: the verifier recomputes the prover's
commitments from the response and the challenge and checks that the challenge is the hash
of those commitments. The hash inputs are ASCII strings whose exact shapes are given in the
specification and in the worked examples shipped with it; they are built here from the
decimal strings read on the board (already checked canonical), so that no re-formatting
can hide a difference.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any, Sequence

from gmpy2 import mpz

from .groups import Group


def b64hash(data: bytes) -> str:
    """Belenios' "b64hash": base64 (standard alphabet) of SHA-256, without '=' padding.

    The election fingerprint, the credential fingerprint, a ballot's tracker and its signed hash.
    """
    return b64digest(hashlib.sha256(data).digest())


def b64digest(digest: bytes | str) -> str:
    """The same, for a SHA-256 already computed (bytes, or hex as the archive reader gives it)."""
    raw = bytes.fromhex(digest) if isinstance(digest, str) else digest
    return base64.b64encode(raw).decode("ascii").rstrip("=")


@dataclass
class Crypto:
    """A group with fixed-base tables for g and the election public key y."""

    group: Group
    y: Any
    g_table: Any = field(init=False)
    y_table: Any = field(init=False)
    y_text: str = field(init=False)
    _g_neg: dict[int, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.g_table = self.group.g_table
        self.y_table = self.group.fixed_base(self.y)
        self.y_text = self.group.text(self.y)

    @property
    def q(self) -> mpz:
        return self.group.q

    def g_pow(self, e: int) -> Any:
        return self.g_table.pow(e)

    def g_neg(self, m: int) -> Any:
        """g^(-m), cached for the small plaintexts of range proofs."""
        value = self._g_neg.get(m)
        if value is None:
            value = self.group.pin(self.group.inv(self.g_table.pow(m % self.q)))
            self._g_neg[m] = value
        return value

    def hash(self, text: str) -> mpz:
        return self.group.challenge(text)

    def texts(self, elements: Sequence[Any]) -> str:
        return ",".join(map(self.group.text, elements))

    # -- proofs of knowledge of a discrete logarithm (pok, signatures, signed messages) --------

    def schnorr_commitment(self, base_table: Any, public: Any, challenge: mpz, response: mpz) -> Any:
        """A = g^response · public^challenge."""
        return self.group.commit(base_table or self.g_table, response, public, challenge)

    def verify_pok(self, group_name: str, public: Any, public_text: str, challenge: mpz, response: mpz) -> bool:
        """Trustee key proof (4.5): challenge = H("pok|G|X|A")."""
        a = self.schnorr_commitment(None, public, challenge, response)
        return self.hash(f"pok|{group_name}|{public_text}|{self.group.text(a)}") == challenge

    def verify_signed_message(self, message: str, key: Any, challenge: mpz, response: mpz) -> bool:
        """Threshold PKI signature (4.6.1): challenge = SHA256("sigmsg|M|A") mod q."""
        a = self.schnorr_commitment(None, key, challenge, response)
        return self.hash(f"sigmsg|{message}|{self.group.text(a)}") == challenge

    def verify_ballot_signature(self, ballot_hash: str, credential: Any, challenge: mpz, response: mpz) -> bool:
        """Ballot signature (4.14): challenge = H("sig|hash|A"), A = g^r · credential^c."""
        a = self.schnorr_commitment(None, credential, challenge, response)
        return self.hash(f"sig|{ballot_hash}|{self.group.text(a)}") == challenge

    # -- range proofs on ElGamal ciphertexts -----------------------------------------------------

    def range_commitments(self, alpha: Any, beta: Any, proofs: Sequence[tuple[mpz, mpz]],
                          plaintexts: Sequence[int]) -> tuple[list[Any], mpz]:
        """(A_j, B_j) for each plaintext M_j: A = g^r α^c, B = y^r (β/g^M)^c; and Σc mod q."""
        commitments = self.group.range_commitments(self.g_table, self.y_table, alpha, beta, proofs, plaintexts,
                                                   self.g_neg)
        return commitments, sum((challenge for challenge, _ in proofs), mpz(0)) % self.q

    def verify_iproof(self, prefix: str, alpha: Any, beta: Any, alpha_text: str, beta_text: str,
                      proofs: Sequence[tuple[mpz, mpz]], plaintexts: Sequence[int]) -> bool:
        """Interval proof (4.12): Σ challenges = H("prove|S|α,β|A0,B0,…")."""
        commitments, total = self.range_commitments(alpha, beta, proofs, plaintexts)
        text = f"prove|{prefix}|{alpha_text},{beta_text}|" + self.texts(commitments)
        return self.hash(text) == total

    def verify_blank_proof(self, s: str, alpha0: Any, beta0: Any, alpha_sum: Any, beta_sum: Any,
                           proofs: Sequence[tuple[mpz, mpz]]) -> bool:
        """blank_proof (4.13.3): m0 = 0 or mΣ = 0; Σ challenges = H("bproof0|S|A0,B0,AΣ,BΣ")."""
        commit = self.group.commit
        (c0, r0), (cs, rs) = proofs
        a0 = commit(self.g_table, r0, alpha0, c0)
        b0 = commit(self.y_table, r0, beta0, c0)
        a_s = commit(self.g_table, rs, alpha_sum, cs)
        b_s = commit(self.y_table, rs, beta_sum, cs)
        return self.hash(f"bproof0|{s}|{self.texts([a0, b0, a_s, b_s])}") == (c0 + cs) % self.q

    def verify_blank_overall(self, s: str, alpha0: Any, beta0: Any, alpha_sum: Any, beta_sum: Any,
                             proofs: Sequence[tuple[mpz, mpz]], minimum: int) -> bool:
        """overall_proof with blank (4.13.3): m0 = 1 or mΣ in [min, max]; H("bproof1|S|A0,B0,…")."""
        first, rest = proofs[0], proofs[1:]
        commitments, total = self.range_commitments(alpha0, beta0, [first], [1])
        more, total_rest = self.range_commitments(alpha_sum, beta_sum, rest,
                                                  [minimum + i for i in range(len(rest))])
        text = f"bproof1|{s}|" + self.texts(commitments + more)
        return self.hash(text) == (total + total_rest) % self.q

    def verify_raweg(self, s0: str, alpha: Any, alpha_text: str, beta_text: str,
                     challenge: mpz, response: mpz) -> bool:
        """Non-homomorphic answer (4.11.2): H("raweg|S0|y,α,β|A"), A = g^r α^c."""
        a = self.group.commit(self.g_table, response, alpha, challenge)
        return self.hash(f"raweg|{s0}|{self.y_text},{alpha_text},{beta_text}|{self.group.text(a)}") == challenge

    def verify_decryption(self, fingerprint: str, key_text: str, key: Any, alpha: Any, factor: Any,
                          challenge: mpz, response: mpz, key_table: Any = None) -> bool:
        """Partial decryption (4.18): A = g^r X^c, B = α^r f^c; c = H("decrypt|φ|X|A,B")."""
        group = self.group
        a = group.commit(self.g_table, response, key, challenge)
        b = group.mul(group.pow(alpha, response), group.pow(factor, challenge))
        return self.hash(f"decrypt|{fingerprint}|{key_text}|{self.texts([a, b])}") == challenge

    # -- lists questions (Belenios 3.0) ----------------------------------------------------------

    def verify_list_proof(self, s: str, alpha0: Any, beta0: Any, alpha: Any, beta: Any,
                          proofs: Sequence[tuple[mpz, mpz]]) -> bool:
        """L_i = 1 or Σ_j C_ij = 0: A0 = g^r0 α0^c0, B0 = y^r0 (β0/g)^c0, A1 = g^r1 α^c1, B1 = y^r1 β^c1."""
        commitments, total = self.range_commitments(alpha0, beta0, proofs[:1], (1,))
        more, total_more = self.range_commitments(alpha, beta, proofs[1:], (0,))
        return self.hash(f"lproof|{s}|{self.texts(commitments + more)}") == (total + total_more) % self.q

    def verify_nonzero(self, s: str, alpha: Any, beta: Any, commitment: Any, challenge: mpz, t1: mpz, t2: mpz) -> bool:
        """(α, β) encrypts a non-zero value: A0 ≠ 1, A1 = α^t1 g^t2, A2 = β^t1 y^t2 A0^c, c = H("nonzero|S|A0,A1,A2")."""
        group = self.group
        if commitment == group.identity:
            return False
        a1 = group.commit(self.g_table, t2, alpha, t1)
        a2 = group.mul(group.commit(self.y_table, t2, beta, t1), group.pow(commitment, challenge))
        return self.hash(f"nonzero|{s}|{self.texts([commitment, a1, a2])}") == challenge
