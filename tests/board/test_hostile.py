"""Hostile boards: a failing step that names the record and the field — never a traceback, never "valid"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from .boardkit import Board, compact, read_raw, tar_header, write_raw
from .helpers import REPO, failed_steps, sample, verify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expertise.board.belenios.groups import GROUPS

SMALL = sample("small")
P = GROUPS["BELENIOS-2048"].p


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "expertise", "board", "verify", "--workers", "1", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def assert_rejected(path: Path, step: str, field: str | None = None, record: str | None = None) -> None:
    report = verify(path)
    assert report.failed and report.verdict == "invalid"
    assert step in failed_steps(report), {s.id: [f.to_dict() for f in s.failures] for s in report.steps.values()}
    findings = report.steps[step].failures
    if field is not None:
        assert any(f.field == field for f in findings), [f.to_dict() for f in findings]
    if record is not None:
        assert any(record in str(f.record) for f in findings), [f.to_dict() for f in findings]


def edited_ballot(tmp_path: Path, edit, index: int = 0) -> Path:  # type: ignore[no-untyped-def]
    board = Board.read(SMALL)
    step = board.ballots()[index]
    step.data[0] = edit(step.data[0])
    path = tmp_path / SMALL.name
    board.write(path)
    return path


def json_edit(change):  # type: ignore[no-untyped-def]
    def edit(body: bytes) -> bytes:
        value = json.loads(body)
        change(value)
        return compact(value)

    return edit


# ---------------------------------------------------------------- the container


@pytest.mark.parametrize("cut", [100, 512 + 10, 1024 + 300, 6000, 40000, 111104 - 700])
def test_truncated_board(tmp_path: Path, cut: int) -> None:
    path = tmp_path / SMALL.name
    path.write_bytes(SMALL.read_bytes()[:cut])
    assert_rejected(path, "archive")
    message = " ".join(str(f.message) for f in verify(path).steps["archive"].failures)
    assert "truncated" in message or "not referenced" in message or "ends inside" in message


def test_truncated_board_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / SMALL.name
    path.write_bytes(SMALL.read_bytes()[:30000])
    result = cli(str(path))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "truncated" in result.stdout and "INVALID" in result.stdout


def test_empty_and_garbage_files(tmp_path: Path) -> None:
    empty = tmp_path / "x.bel"
    empty.write_bytes(b"")
    assert_rejected(empty, "archive", field="file")
    garbage = tmp_path / "y.bel"
    garbage.write_bytes(bytes(range(256)) * 10)
    assert_rejected(garbage, "archive")
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    result = cli(str(other))
    assert result.returncode == 2 and "not a recognised board format" in result.stderr
    assert cli(str(tmp_path / "missing.bel")).returncode == 2


def test_nothing_read_is_not_certified(tmp_path: Path) -> None:
    """An unreadable board must not pass the membership step on zero elements."""
    empty = tmp_path / "x.bel"
    empty.write_bytes(b"")
    report = verify(empty)
    assert report.steps["membership"].status.value == "not_verifiable"
    assert not any(s.status.value == "pass" for s in report.steps.values())


def _set_size(data: bytearray, offset: int, size_field: bytes) -> None:
    data[offset + 124:offset + 136] = size_field


@pytest.mark.parametrize("size_field", [b"77777777777\0", b"abcdefgh\0\0\0\0", b"00000001000\0"])
def test_corrupted_size(tmp_path: Path, size_field: bytes) -> None:
    data = bytearray(SMALL.read_bytes())
    offset = 512 * 3  # second data record's header: BELENIOS (2 blocks), then election (2 blocks)…
    offset = 1024 + 512 * 3  # election record = header + 2 blocks (922 bytes)
    assert data[offset:offset + 64].rstrip(b"\0").endswith(b".data.json") or True
    _set_size(data, offset, size_field)
    path = tmp_path / SMALL.name
    path.write_bytes(bytes(data))
    assert_rejected(path, "archive")
    report = verify(path)
    assert any("size" in f.field or "checksum" in str(f.message) or "header" in f.field
               for f in report.steps["archive"].failures)


def test_end_of_archive_blocks_and_trailing_bytes(tmp_path: Path) -> None:
    path = tmp_path / SMALL.name
    path.write_bytes(SMALL.read_bytes() + b"\0" * 1024)
    assert_rejected(path, "archive", field="end of archive")
    path.write_bytes(SMALL.read_bytes() + b"junk")
    assert_rejected(path, "archive")


def test_non_canonical_tar_header(tmp_path: Path) -> None:
    records = read_raw(SMALL)
    data = bytearray(write_raw(records, 1795265791))
    data[1024 + 100:1024 + 108] = b"0000600\0"  # mode of the election record
    path = tmp_path / SMALL.name
    path.write_bytes(bytes(data))
    assert_rejected(path, "archive", field="tar header")


# ---------------------------------------------------------------- JSON


def test_ballot_with_spaces_is_not_canonical(tmp_path: Path) -> None:
    path = edited_ballot(tmp_path, lambda b: b.replace(b'"credential":', b'"credential": ', 1))
    assert_rejected(path, "ballots", field="(ballot)", record="ballot #1")


def test_ballot_with_fields_in_another_order(tmp_path: Path) -> None:
    def reorder(body: bytes) -> bytes:
        value = json.loads(body)
        return compact({"election_hash": value["election_hash"], **value})

    assert_rejected(edited_ballot(tmp_path, reorder), "ballots", field="(record)", record="ballot #1")


def test_ballot_with_a_duplicated_key(tmp_path: Path) -> None:
    path = edited_ballot(tmp_path, lambda b: b[:-1] + b',"credential":"5"}')
    assert_rejected(path, "ballots", record="ballot #1")


def test_event_not_canonical(tmp_path: Path) -> None:
    records = read_raw(SMALL)
    name, body = records[7]
    spaced = body.replace(b'","', b'", "')
    records[7] = (f"{__import__('hashlib').sha256(spaced).hexdigest()}.event.json", spaced)
    path = tmp_path / SMALL.name
    path.write_bytes(write_raw(records, 1795265791))
    assert_rejected(path, "archive", record="record 7")


def test_invalid_utf8_and_invalid_json_ballot(tmp_path: Path) -> None:
    assert_rejected(edited_ballot(tmp_path, lambda b: b[:50] + b"\xff\xfe" + b[52:]), "ballots", field="(ballot)")
    assert_rejected(edited_ballot(tmp_path, lambda b: b[:-3]), "ballots", field="(ballot)")


# ---------------------------------------------------------------- numbers and the group


def test_huge_integer_in_a_ballot(tmp_path: Path) -> None:
    def huge(value: dict) -> None:  # type: ignore[type-arg]
        value["answers"][0]["choices"][0]["alpha"] = "7" * 5000

    path = edited_ballot(tmp_path, json_edit(huge))
    assert_rejected(path, "ballots", field="answers[0].choices[0].alpha")
    assert "digits" in str(verify(path).steps["ballots"].failures[0].message)


def test_huge_json_number_in_an_event(tmp_path: Path) -> None:
    board_bytes = SMALL.read_bytes()
    records = read_raw(SMALL)
    body = records[7][1].replace(b'"height":1', b'"height":' + b"9" * 400)
    records[7] = (records[7][0], body)
    path = tmp_path / SMALL.name
    path.write_bytes(write_raw(records, 1795265791))
    assert_rejected(path, "archive", record="record 7")
    assert board_bytes


@pytest.mark.parametrize("value,field_message", [(str(P), "not below p"), ("0", "not an element"),
                                                  (str(P - 1), "not an element"), (str(P + 12), "not below p")])
def test_values_outside_the_group(tmp_path: Path, value: str, field_message: str) -> None:
    def change(ballot: dict) -> None:  # type: ignore[type-arg]
        ballot["answers"][0]["choices"][2]["alpha"] = value

    path = edited_ballot(tmp_path, json_edit(change), index=3)
    report = verify(path)
    assert report.failed
    findings = report.steps["ballots"].failures
    assert findings[0].field == "answers[0].choices[2].alpha" and field_message in str(findings[0].message)
    assert "ballot #4" in str(findings[0].record)


def test_credential_outside_the_group(tmp_path: Path) -> None:
    board = Board.read(SMALL)
    credentials = json.loads(board.steps[0].data[2])
    credentials[3] = str(P - 1)
    board.steps[0].data[2] = compact(credentials)
    path = board.write(tmp_path / SMALL.name)
    assert_rejected(path, "membership", field="[3]")
    assert_rejected(path, "credentials", field="[3]")


def test_exponent_not_below_q(tmp_path: Path) -> None:
    q = GROUPS["BELENIOS-2048"].q

    def change(ballot: dict) -> None:  # type: ignore[type-arg]
        ballot["signature"]["proof"]["response"] = str(q + 3)

    assert_rejected(edited_ballot(tmp_path, json_edit(change)), "ballots", field="signature.proof.response")


# ---------------------------------------------------------------- types


@pytest.mark.parametrize("change,field", [
    (lambda b: b["answers"][0]["choices"][0].update(alpha=12345), "answers[0].choices[0].alpha"),
    (lambda b: b.update(answers={"0": 1}), "answers"),
    (lambda b: b.update(credential=None), "credential"),
    (lambda b: b["answers"][0].update(individual_proofs="x"), "answers[0].individual_proofs"),
    (lambda b: b["answers"][0]["overall_proof"].append({"challenge": "1", "response": "1"}), "answers[0].overall_proof"),
    (lambda b: b.update(signature=[1, 2]), "signature"),
])
def test_wrong_types_in_a_ballot(tmp_path: Path, change, field: str) -> None:  # type: ignore[no-untyped-def]
    assert_rejected(edited_ballot(tmp_path, json_edit(change)), "ballots", field=field, record="ballot #1")


def test_wrong_types_in_setup_and_tally_records(tmp_path: Path) -> None:
    board = Board.read(SMALL)
    trustees = json.loads(board.steps[0].data[1])
    trustees[0][1]["public_key"] = 5
    board.steps[0].data[1] = compact(trustees)
    (tally,) = board.of_type("EncryptedTally")
    tally.data[1] = compact({"num_tallied": "ten", "total_weight": 10, "encrypted_tally": ""})
    (result,) = board.of_type("Result")
    result.data[0] = compact({"result": "everything"})
    path = board.write(tmp_path / SMALL.name)
    report = verify(path)
    assert {"trustees", "tally"} <= failed_steps(report)
    assert report.steps["trustees"].failures[0].field == "[0][1].public_key"
    assert report.steps["tally"].failures[0].field == "num_tallied"


def test_hostile_board_on_the_command_line_names_record_and_field(tmp_path: Path) -> None:
    def change(ballot: dict) -> None:  # type: ignore[type-arg]
        ballot["answers"][0]["choices"][0]["beta"] = [1]

    path = edited_ballot(tmp_path, json_edit(change), index=1)
    out = tmp_path / "report.json"
    result = cli(str(path), "--json", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "answers[0].choices[0].beta" in result.stdout and "ballot #2" in result.stdout
    data = json.loads(out.read_text())
    assert data["verdict"] == "invalid" and data["result"] is None


# ---------------------------------------------------------------- any byte, anywhere


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0, max_value=SMALL.stat().st_size - 1), flip=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_is_caught(tmp_path: Path, position: int, flip: int) -> None:
    data = bytearray(SMALL.read_bytes())
    data[position] ^= flip
    path = tmp_path / SMALL.name
    path.write_bytes(bytes(data))
    report = verify(path)
    assert report.failed, f"byte {position} changed and nothing failed"
    assert tar_header  # the header writer is exercised by boardkit


_VALUES = [None, True, 0, -1, "", "x", "0", "00", "1" * 700, [], {}, [[]], {"a": 1}, 2**70, "-3", "ff" * 32]


def _mutate(rnd, value, depth: int = 0) -> None:  # type: ignore[no-untyped-def]
    if isinstance(value, dict) and value:
        key = rnd.choice(list(value))
        roll = rnd.random()
        if roll < 0.2:
            del value[key]
        elif roll < 0.5 or depth > 6 or not isinstance(value[key], (dict, list)):
            value[key] = rnd.choice(_VALUES)
        else:
            _mutate(rnd, value[key], depth + 1)
    elif isinstance(value, list) and value:
        index = rnd.randrange(len(value))
        roll = rnd.random()
        if roll < 0.15:
            del value[index]
        elif roll < 0.25:
            value.append(rnd.choice(_VALUES))
        elif roll < 0.5 or depth > 6 or not isinstance(value[index], (dict, list)):
            value[index] = rnd.choice(_VALUES)
        else:
            _mutate(rnd, value[index], depth + 1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32), name=st.sampled_from(["small", "threshold"]))
def test_any_changed_field_of_any_record_is_caught(tmp_path: Path, seed: int, name: str) -> None:
    """A record with a field removed, added, retyped or changed — hashes recomputed — never verifies."""
    import random

    rnd = random.Random(seed)
    source = sample(name)
    board = Board.read(source)
    step = rnd.choice([s for s in board.steps if s.data])
    index = rnd.randrange(len(step.data))
    before = step.data[index]
    value = json.loads(before)
    _mutate(rnd, value)
    step.data[index] = compact(value)
    path = board.write(tmp_path / source.name)
    if Board.read(path).steps[board.steps.index(step)].data[index] == before:
        return  # the change was to a reference that the rebuild recomputes
    report = verify(path)
    assert report.failed, (step.type, index, step.data[index][:200])


def test_header_timestamp_must_be_the_records_mtime(tmp_path: Path) -> None:
    data = bytearray(SMALL.read_bytes())
    data[538] ^= 2  # first digit of the header's timestamp (found by the property test above)
    path = tmp_path / SMALL.name
    path.write_bytes(bytes(data))
    assert_rejected(path, "archive", field="timestamp", record="record 0")


def test_result_after_an_unreadable_shuffle_is_not_an_internal_error(tmp_path: Path) -> None:
    """Found by fuzzing: a Result whose shuffles could not be read made the result step trip on itself."""
    board = Board.read(sample("mixnet"))
    shuffle = board.of_type("Shuffle")[0]
    value = shuffle.json()
    value["ciphertexts"] = "x"
    shuffle.set_json(0, value)
    path = board.write(tmp_path / sample("mixnet").name)
    report = verify(path)
    assert "shuffles" in failed_steps(report) and report.verdict == "invalid"
    assert report.steps["shuffles"].failures[0].field == "ciphertexts"
    assert report.steps["result"].status.value == "not_verifiable"
    assert not [f for s in report.steps.values() for f in s.failures if str(f.record) == "(verifier)"]
