"""Hostile setup records (election, trustees, credentials) of 2.0 and 3.x boards, fuzzed.

Every group operation on a value a board chose must end in a failing step naming the record and
the field: never an internal error (an exception, or the verifier's own "(internal)" failure),
never "valid". The ballots are fuzzed in test_hostile.py; this is the Setup event's records.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expertise.board.account import VERIFIER
from expertise.board.belenios.groups import GROUPS

from .boardkit import Board, compact
from .helpers import SAMPLES, failed_steps, sample, verify

ED_ROOT = SAMPLES.parent / "belenios-3.3"
P = 2**255 - 19
ORDER_TWO = (P - 1).to_bytes(32, "little")[::-1].hex()  # y = -1
ORDER_FOUR = (0).to_bytes(32, "little")[::-1].hex()  # y = 0
IDENTITY = (1).to_bytes(32, "little")[::-1].hex()
# y = 2 is not on the curve; a mixed-order point is built below by the test itself.
OFF_CURVE = (2).to_bytes(32, "little")[::-1].hex()

FF_P = int(GROUPS["BELENIOS-2048"].p)
BOARDS = {
    "2.0-small": sample("small"),
    "2.0-threshold": sample("threshold"),
    "3.3-ed25519-single": next((ED_ROOT / "ed25519-single-weighted").glob("*.bel")),
    "3.3-ed25519-threshold": next((ED_ROOT / "ed25519-threshold").glob("*.bel")),
}
HOSTILE: list[Any] = [ORDER_TWO, ORDER_FOUR, IDENTITY, OFF_CURVE, "0", "1", "-1", "2", 0, 1, -1, "",
                      str(2**2048), str(P), "ff" * 32, None, [], {}, "x" * 70]


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    """The paths of every leaf (a signed message of Pedersen, JSON inside a string, is one leaf)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, path + (i,))]
    return [path]


def _get(value: Any, path: tuple) -> Any:
    for key in path:
        value = value[key]
    return value


def _looks_like_element(leaf: Any) -> bool:
    """A group element as Belenios writes it: 64 hex digits (Ed25519), a long decimal (2.0), or a credential."""
    return isinstance(leaf, str) and (len(leaf) >= 64 and leaf.split(",")[0].isalnum())


def _set(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    value[head] = _set(value[head], rest, new)
    return value


def _mixed_order_point() -> str:
    """The generator plus the point of order 2: on the curve, off the prime-order subgroup."""
    group = GROUPS["Ed25519"]
    return group.text(group.mul(group.g, bytes.fromhex(ORDER_TWO)[::-1]))


@functools.cache
def _board(name: str) -> tuple[Path, Board]:
    path = BOARDS[name]
    board = Board.read(path)
    if name.startswith("2.0"):  # the setup is what is fuzzed: a few ballots keep each example fast
        board.steps = board.steps[:4]
    return path, board


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_setup_records(tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    name = data.draw(st.sampled_from(sorted(BOARDS)), label="board")
    source, board = _board(name)
    record = data.draw(st.sampled_from([0, 1, 2]), label="record (election, trustees, credentials)")
    value = json.loads(board.steps[0].data[record])
    leaves = _leaves(value)
    elements = [p for p in leaves if _looks_like_element(_get(value, p))]
    pool = HOSTILE + [_mixed_order_point()]
    if elements and data.draw(st.booleans(), label="an element's field"):  # where the group arithmetic is
        leaves = elements
        pool = ([ORDER_TWO, ORDER_FOUR, IDENTITY, OFF_CURVE, _mixed_order_point()] if "ed25519" in name
                else ["0", "1", str(FF_P - 1), str(FF_P), str(FF_P + 1)])
    path = data.draw(st.sampled_from(leaves), label="field")
    hostile = data.draw(st.sampled_from(pool), label="value")
    original = _get(value, path)
    if original == hostile:
        hostile = ORDER_TWO if original != ORDER_TWO else ORDER_FOUR
    value = _set(value, path, hostile)
    copy = Board(board.header, [type(s)(s.type, list(s.data)) for s in board.steps])
    copy.steps[0].data[record] = compact(value)
    target = copy.write(tmp_path_factory.mktemp("fuzz") / source.name)
    report = verify(target)  # an exception here is the internal error (exit 3) this test forbids
    internal = [(s.id, f.to_dict()) for s in report.steps.values() for f in s.failures if f.field == "(internal)"]
    assert not internal, internal
    # exit 1, never "valid" (a changed description is no setup defect: the ballots' election hash then fails)
    assert report.verdict == "invalid" and report.failed, (name, record, path, hostile)
    for step in report.steps.values():
        for finding in step.failures:
            assert finding.record is not None and finding.field, (step.id, finding.to_dict())


@pytest.mark.parametrize("board,field", [
    ("3.3-ed25519-single", "[0][1].public_key"),
    ("3.3-ed25519-threshold", "[0][1].public_key"),
])
@pytest.mark.parametrize("point", ["order two", "order four", "mixed order", "off the curve"])
def test_trustee_key_with_a_small_order_component(tmp_path: Path, board: str, field: str,
                                                 point: str) -> None:  # type: ignore[no-untyped-def]
    """The reported case of issue 10: `board verify` ended with a ValueError of the group's pow."""
    value = {"order two": ORDER_TWO, "order four": ORDER_FOUR, "mixed order": _mixed_order_point(),
             "off the curve": OFF_CURVE}[point]
    source, original = _board(board)
    copy = Board(original.header, [type(s)(s.type, list(s.data)) for s in original.steps])
    trustees = json.loads(copy.steps[0].data[1])
    trustees[0][1]["public_key"] = value
    copy.steps[0].data[1] = compact(trustees)
    report = verify(copy.write(tmp_path / source.name))
    assert report.verdict == "invalid"
    assert "trustees" in failed_steps(report)
    findings = report.steps["trustees"].failures
    assert any(f.field == field and "record 2" in str(f.record) for f in findings), [f.to_dict() for f in findings]
    assert not any(f.record == VERIFIER for s in report.steps.values() for f in s.failures)


def test_credential_equal_to_the_neutral_element(tmp_path: Path) -> None:
    """g^0 is in the group, but its private credential, 0, lets anyone vote with it."""
    source, original = _board("2.0-small")
    copy = Board(original.header, [type(s)(s.type, list(s.data)) for s in original.steps])
    credentials = json.loads(copy.steps[0].data[2])
    credentials[1] = "1"
    copy.steps[0].data[2] = compact(credentials)
    report = verify(copy.write(tmp_path / source.name))
    assert "credentials" in failed_steps(report)
    (finding,) = [f for f in report.steps["credentials"].failures if f.field == "[1]"]
    assert finding.message.code == "board.credentials.identity"
    assert "record 3" in str(finding.record)
