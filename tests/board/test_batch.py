"""Batched group-membership tests give the verdicts of testing each element on its own (issue 14).

Every board of the other tests that fails is also verified with ``batch=False`` by
``helpers.verify``, which compares the two accounts; here are the elements a batch must not let
through: components of order 2 (Legendre symbol), 3 (the cofactor of BELENIOS-2048 is divisible
by 3) and of the large odd part of the cofactor, and their bisection down to the ballot.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import gmpy2
import pytest
from gmpy2 import mpz

from expertise.board.belenios import groups
from expertise.board.belenios import decaf
from expertise.board.belenios.groups import BATCH_MINIMUM, GROUPS

from .boardkit import Board, compact
from .helpers import REPO, sample, verify

G = GROUPS["BELENIOS-2048"]
P, Q = G.p, G.q
COFACTOR = (P - 1) // Q  # 2 · 3 · m, m odd with no prime factor below 2^22


def _component(kill: int) -> mpz:
    """A random element ≠ 1 among the ``kill``-th powers (its order divides (p - 1) / kill)."""
    while True:
        z = gmpy2.powmod(mpz(secrets.randbelow(int(P) - 2) + 2), kill, P)
        if z != 1:
            return z


ORDER_3 = _component((P - 1) // 3)  # order 3
ORDER_M = _component(6 * Q)  # order dividing m (odd, large)


def _members(count: int) -> list[mpz]:
    return [G.g_table.pow(secrets.randbelow(int(Q))) for _ in range(count)]


def test_cofactor_is_what_the_soundness_argument_assumes() -> None:
    assert P % 4 == 3 and COFACTOR % 2 == 0 and (COFACTOR // 2) % 2 == 1  # 2 exactly once: Legendre
    assert COFACTOR % 3 == 0 and gmpy2.powmod(ORDER_3, 3, P) == 1
    assert groups.MEMBERSHIP_ROUNDS == 41 and 3 ** 41 > 2 ** 64


@pytest.mark.parametrize("attempt", range(3))
def test_batch_names_exactly_the_non_members(attempt: int) -> None:
    xs = _members(150)
    wrong = {3: P - xs[3], 40: xs[40] * ORDER_3 % P, 41: xs[41] * ORDER_3 % P, 77: xs[77] * ORDER_M % P,
             120: xs[120] * ORDER_3 * ORDER_M % P, 149: mpz(0), 10: P + 5}
    for index, value in wrong.items():
        xs[index] = value
    xs[60] = mpz(1)  # the identity is a member
    assert G.non_members(xs, batch=False) == sorted(wrong)
    assert G.non_members(xs) == sorted(wrong)


def test_a_lone_order_3_component_is_always_caught() -> None:
    # One random combination would miss it one time in three; 41 rounds, at most 3^-41.
    xs = _members(BATCH_MINIMUM * 2)
    for _ in range(30):
        k = secrets.randbelow(len(xs))
        bad = list(xs)
        bad[k] = bad[k] * ORDER_3 % P
        assert G.non_members(bad) == [k]


def test_batch_spends_fewer_exponentiations(monkeypatch: pytest.MonkeyPatch) -> None:
    xs = _members(400)
    calls = []
    real = G._powmod  # every x^q of the group goes through it (OpenSSL's or gmpy2's)
    monkeypatch.setattr(G, "_powmod", lambda *a: calls.append(1) or real(*a))
    assert G.non_members(xs) == []
    assert len(calls) == groups.MEMBERSHIP_ROUNDS
    calls.clear()
    assert G.non_members(xs, batch=False) == []
    assert len(calls) == 400


def _tampered_small(tmp_path: Path) -> Path:
    """The 10-ballot sample with elements carrying an order-3 or a large odd-order component."""
    board = Board.read(sample("small"))
    edits = {1: [("alpha", 1, ORDER_3)], 4: [("beta", 0, ORDER_M)], 8: [("beta", 2, ORDER_3), ("alpha", 0, ORDER_M)]}
    for index, changes in edits.items():
        step = board.ballots()[index]
        ballot = json.loads(step.data[0])
        for name, choice, factor in changes:
            value = mpz(ballot["answers"][0]["choices"][choice][name])
            ballot["answers"][0]["choices"][choice][name] = str(value * factor % P)
        step.data[0] = compact(ballot)
    return board.write(tmp_path / sample("small").name)


def test_board_ballots_with_odd_order_components(tmp_path: Path) -> None:
    report = verify(_tampered_small(tmp_path))  # helpers.verify compares with batch=False too
    found = [(str(f.record), f.field) for f in report.steps["membership"].failures]
    assert [field for _, field in found] == ["answers[0].choices[1].alpha", "answers[0].choices[0].beta",
                                             "answers[0].choices[0].alpha"]
    assert "ballot #2" in found[0][0] and "ballot #5" in found[1][0] and "ballot #9" in found[2][0]
    assert report.steps["membership"].counts["ballots"] == 7 * 6 + 4 + 1 + 1
    assert {"ballots", "membership"} <= {s.id for s in report.steps.values() if s.status.value == "fail"}


def test_no_batch_on_the_command_line(tmp_path: Path) -> None:
    path = _tampered_small(tmp_path)
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}

    def run(*more: str) -> dict:  # type: ignore[type-arg]
        done = subprocess.run([sys.executable, "-m", "expertise", "board", "verify", str(path), "--workers", "1",
                               "--json", "-", "--quiet", *more], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 1, done.stderr
        return json.loads(done.stdout[done.stdout.index("{"):])

    batched, single = run(), run("--no-batch")
    assert batched["steps"] == single["steps"]
    membership = next(s for s in single["steps"] if s["id"] == "membership")
    assert membership["status"] == "fail" and len(membership["failures"]) == 3


def test_ed25519_key_table_equals_libsodium() -> None:
    ed = GROUPS["Ed25519"]
    key = ed.pow(ed.g, secrets.randbelow(int(ed.q)))
    order_two = (2**255 - 20).to_bytes(32, "little")  # y = -1
    hostile = ed.mul(key, order_two)  # a small-order component: libsodium refuses it, the table does not
    for base in (key, hostile, ed.identity):
        table = ed.fixed_base(base)
        # a member key gets libdecaf's table where it is installed (tests/board/test_decaf.py)
        expected = "_EdDecafTable" if base == key and decaf.AVAILABLE else "_EdTable"
        assert type(table).__name__ == expected
        for e in (0, 1, 2, 255, 256, int(ed.q) - 1, int(ed.q) + 5, secrets.randbelow(2**256)):
            assert table.pow(e) == ed.pow(base, e), (base.hex(), e)


def test_weights_are_applied_once_per_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    from expertise.board.belenios.ballots import ChunkOutcome, settle_products

    xs = _members(12)
    weights = [1, 3, 3, 2, 3, 1]
    outcome = ChunkOutcome()
    expected = [mpz(1), mpz(1)]
    for k, w in enumerate(weights):
        alpha, beta = xs[2 * k], xs[2 * k + 1]
        expected = [expected[0] * gmpy2.powmod(alpha, w, P) % P, expected[1] * gmpy2.powmod(beta, w, P) % P]
        alphas, betas = outcome.pending.setdefault(w, {}).setdefault(0, [([], [])])[0]
        alphas.append(alpha)
        betas.append(beta)
    powers = []
    real = G.pow
    monkeypatch.setattr(G, "pow", lambda a, e: powers.append(e) or real(a, e))
    settle_products(G, outcome)
    assert outcome.products[0] == [expected] and outcome.pending == {}
    assert sorted(powers) == [2, 2, 3, 3]  # one per weight and component, not one per ballot
