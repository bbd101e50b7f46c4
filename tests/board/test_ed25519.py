"""Belenios 3.3 boards in the Ed25519 group: tampered and hostile points are caught like in 2.0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from .boardkit import Board, compact
from .helpers import SAMPLES, failed_steps, verify

from expertise.board.belenios.groups import GROUPS

ROOT = SAMPLES.parent / "belenios-3.3"
ED = GROUPS["Ed25519"]
ORDER_TWO = (2**255 - 20).to_bytes(32, "little")[::-1].hex()  # y = -1: the point of order 2


def board_of(name: str) -> Path:
    return next((ROOT / name).glob("*.bel"))


def write(board: Board, tmp_path: Path, like: Path) -> Path:
    return board.write(tmp_path / like.name)


def test_group_arithmetic_against_libsodium() -> None:
    g = ED.g
    assert ED.text(g) == "6666666666666666666666666666666666666666666666666666666666666658"
    assert ED.mul(ED.pow(g, 5), ED.pow(g, 7)) == ED.pow(g, 12)
    assert ED.div(ED.pow(g, 12), ED.pow(g, 7)) == ED.pow(g, 5)
    assert ED.pow(g, int(ED.q)) == ED.identity and ED.is_member(ED.identity)
    assert ED.g_table.pow(9) == ED.pow(g, 9)
    assert not ED.is_member(bytes.fromhex(ORDER_TWO)[::-1])
    h = ED.generator(-1)
    assert ED.is_member(h) and h not in (ED.identity, g)


@pytest.mark.parametrize("text,message", [
    ("2260cdf3092329c21da25ee8c9a21f5697390f51643851560e5f46ae6af8a3c9".upper(), "lowercase"),
    ("66" * 31, "64 lowercase"),
    ("ff" * 32, "y ≥ p"),
    (12, "found a number"),
])
def test_point_encodings_are_strict(text, message: str) -> None:  # type: ignore[no-untyped-def]
    from expertise.board.belenios.fields import FieldError

    with pytest.raises(FieldError) as info:
        ED.parse(text, "credential")
    assert message in str(info.value.message)


def test_ballot_with_an_altered_proof(tmp_path: Path) -> None:
    source = board_of("ed25519-single-weighted")
    board = Board.read(source)
    ballot = board.ballots()[1]
    value = ballot.json()
    proof = value["answers"][0]["individual_proofs"][0][1]
    proof["response"] = str((int(proof["response"]) + 1) % int(ED.q))
    ballot.set_json(0, value)
    report = verify(write(board, tmp_path, source))
    assert "ballots" in failed_steps(report)
    finding = report.steps["ballots"].failures[0]
    assert "ballot #2" in str(finding.record) and finding.field == "signature.hash"


def test_uppercase_and_small_order_points(tmp_path: Path) -> None:
    source = board_of("ed25519-threshold")
    board = Board.read(source)
    credentials = json.loads(board.steps[0].data[2])
    credentials[0] = credentials[0].upper()
    credentials[1] = ORDER_TWO
    board.steps[0].data[2] = compact(credentials)
    report = verify(write(board, tmp_path, source))
    fields = {(f.field, str(f.message)) for f in report.steps["credentials"].failures}
    assert any(field == "[0]" and "not canonical" in message for field, message in fields)
    assert any(field == "[1]" and "not an element" in message for field, message in fields)
    assert report.steps["membership"].failures[0].field == "[1]"
    assert "membership" in failed_steps(report)


def test_ciphertext_off_the_subgroup(tmp_path: Path) -> None:
    source = board_of("ed25519-single-weighted")
    board = Board.read(source)
    ballot = board.ballots()[0]
    value = ballot.json()
    value["answers"][1]["choices"][0]["alpha"] = ORDER_TWO
    ballot.set_json(0, value)
    report = verify(write(board, tmp_path, source))
    assert {"membership", "ballots"} <= failed_steps(report)
    assert report.steps["membership"].failures[0].field == "answers[1].choices[0].alpha"


def test_shuffle_and_result_tampering(tmp_path: Path) -> None:
    source = board_of("ed25519-nh-mixnet")
    board = Board.read(source)
    shuffle = board.of_type("Shuffle")[0]
    value = shuffle.json()
    value["proofs"][0][1][1] = str((int(value["proofs"][0][1][1]) + 1) % int(ED.q))
    shuffle.set_json(0, value)
    report = verify(write(board, tmp_path, source))
    assert "shuffles" in failed_steps(report)
    assert "t2" in str(report.steps["shuffles"].failures[0].message)
    board = Board.read(source)
    (result,) = board.of_type("Result")
    value = result.json()
    value["result"][0][0] += 1
    result.set_json(0, value)
    report = verify(write(board, tmp_path / "r", source))
    assert failed_steps(report) == {"result"}


def test_published_tally_altered(tmp_path: Path) -> None:
    source = board_of("ed25519-threshold")
    board = Board.read(source)
    (tally,) = board.of_type("EncryptedTally")
    value = tally.json()
    value[0][0], value[0][1] = value[0][1], value[0][0]
    tally.set_json(0, value)
    report = verify(write(board, tmp_path, source))
    assert failed_steps(report) == {"tally"}


def test_lists_question_verifies_and_its_proofs_bite(tmp_path: Path) -> None:
    source = board_of("ed25519-lists")
    report = verify(source)
    assert not report.failed
    assert report.result == json.loads((source.parent / "result.json").read_text())
    # per ballot: 9 individual proofs, the overall proof, 3 list proofs, the non-zero proof, the signature
    assert report.steps["ballots"].counts["proofs"] == 8 * (9 + 1 + 3 + 1 + 1)
    for field, change in (("list_proofs[1]", lambda a: a["list_proofs"][1][0].update(
                              challenge=str((int(a["list_proofs"][1][0]["challenge"]) + 1) % int(ED.q)))),
                          ("nonzero_proof", lambda a: a["nonzero_proof"].update(
                              response=[a["nonzero_proof"]["response"][1], a["nonzero_proof"]["response"][0]])),
                          ("overall_proof", lambda a: a["overall_proof"].update(
                              response=str((int(a["overall_proof"]["response"]) + 1) % int(ED.q))))):
        board = Board.read(source)
        ballot = board.ballots()[0]
        value = ballot.json()
        change(value["answers"][0])
        ballot.set_json(0, value)
        tampered = verify(write(board, tmp_path / field.replace("[", "_").replace("]", ""), source))
        assert "ballots" in failed_steps(tampered)
        assert tampered.steps["ballots"].failures[0].field == "signature.hash"  # any change breaks the signature


def test_lists_proofs_checked_one_by_one() -> None:
    """The list and non-zero proofs of a genuine ballot verify, and fail on a wrong statement."""
    from expertise.board.belenios.ballots import _parse_lists_answer
    from expertise.board.belenios.proofs import Crypto

    source = board_of("ed25519-lists")
    board = Board.read(source)
    election = json.loads(board.steps[0].data[0])
    fingerprint = __import__("expertise.board.belenios.proofs", fromlist=["b64hash"]).b64hash(board.steps[0].data[0])
    crypto = Crypto(ED, ED.parse(election["public_key"], "public_key"))
    ballot = board.ballots()[0].json()
    choices, _, overall, _, (list_proofs, nonzero), _ = _parse_lists_answer(ballot["answers"][0], "a", ED, (3, 2, 4))
    s = f"{fingerprint}|{ballot['credential']}|" + ",".join(f"{c[2]},{c[3]}" for c in choices)
    heads = [choices[0], choices[3], choices[5]]
    bodies = [choices[1:3], choices[4:5], choices[6:9]]
    for head, body, proofs in zip(heads, bodies, list_proofs):
        alpha = ED.product(c[0] for c in body)
        beta = ED.product(c[1] for c in body)
        assert crypto.verify_list_proof(s, head[0], head[1], alpha, beta, proofs)
        assert not crypto.verify_list_proof(s, head[0], head[1], alpha, ED.mul(beta, ED.g), proofs)
    alpha = ED.product(c[0] for body in bodies for c in body)
    beta = ED.product(c[1] for body in bodies for c in body)
    assert crypto.verify_nonzero(s, alpha, beta, *nonzero)
    assert not crypto.verify_nonzero(s, alpha, beta, ED.identity, *nonzero[1:])
