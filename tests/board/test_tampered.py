"""Tampered boards, one per step, each rejected by that step — including what belenios-tool 2.0 accepts.

Each board is made from a genuine belenios-tool election; `boardkit` recomputes every hash and
reference so that the archive stays consistent, and the re-tallies are done by belenios-tool
with the trustees' real keys, as a dishonest server holding them (or colluding trustees)
would. belenios-tool's verdict on the same board is asserted where it is part of the point.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import belenios_gen as gen
import gmpy2
import pytest
from .boardkit import Board, compact, read_raw, write_raw
from .helpers import failed_steps, verify

from expertise.board.belenios.groups import GROUPS
from expertise.board.account import StepStatus

pytestmark = pytest.mark.needs_tool


def write(board: Board, where: Path, uuid: str) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    return board.write(where / f"{uuid}.bel")


def retally(made: gen.Election, board: Board, where: Path) -> Path:
    """Write the board (cut after its last ballot) and redo the whole tally with belenios-tool."""
    cut = board.truncate_after("Ballot")
    path = write(cut, where, made.uuid)
    gen.add_event(where, "EndBallots")
    gen.finish_tally(made.spec, where, made.private)
    return path


def only_failure(report, step: str) -> None:  # type: ignore[no-untyped-def]
    assert failed_steps(report) == {step}, {s.id: [f.to_dict() for f in s.failures]
                                            for s in report.steps.values() if s.status is StepStatus.FAIL}


def first(report, step: str):  # type: ignore[no-untyped-def]
    failures = report.steps[step].failures
    assert failures, f"{step} has no failure"
    return failures[0]


# ---------------------------------------------------------------- archive


def test_altered_record_breaks_the_archive(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    records = read_raw(made.board)
    name, body = records[8]
    assert name.endswith(".data.json")
    position = body.index(b'"beta":"') + 20  # a digit inside the first beta
    digit = body[position:position + 1]
    records[8] = (name, body[:position] + (b"1" if digit != b"1" else b"2") + body[position + 1:])
    path = tmp_path / made.board.name
    path.write_bytes(write_raw(records, Board.read(made.board).timestamp))
    report = verify(path)
    assert "archive" in failed_steps(report)
    finding = first(report, "archive")
    assert str(finding.record).startswith("record 8 ") and finding.field == "name"
    assert "altered" in str(finding.message)
    assert gen.tool_verify(path)[0] != 0


def test_reordered_events_break_the_hash_chain(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    records = read_raw(made.board)
    # swap the second and third ballots (data + event pairs), without recomputing parents
    records[8:10], records[10:12] = records[10:12], records[8:10]
    path = tmp_path / made.board.name
    path.write_bytes(write_raw(records, Board.read(made.board).timestamp))
    report = verify(path)
    assert "archive" in failed_steps(report)
    fields = {f.field for f in report.steps["archive"].failures}
    assert "parent" in fields and "height" in fields


# ---------------------------------------------------------------- setup


def _edit_setup(made: gen.Election, index: int, edit) -> Board:  # type: ignore[no-untyped-def]
    board = Board.read(made.board)
    value = json.loads(board.steps[0].data[index])
    edit(value)
    board.steps[0].set_json(index, value)
    return board


def test_election_record_outside_the_specification(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = _edit_setup(made, 0, lambda e: e.update(version=2))
    report = verify(write(board, tmp_path, made.uuid))
    assert "election" in failed_steps(report)
    assert first(report, "election").field == "version"


def test_unknown_group_is_refused(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = _edit_setup(made, 0, lambda e: e.update(group="Ed448"))
    report = verify(write(board, tmp_path, made.uuid))
    assert "group" in failed_steps(report)
    finding = first(report, "group")
    assert finding.field == "group" and "Ed448" in str(finding.message)
    assert report.verdict == "invalid"


def test_trustee_key_with_a_false_proof(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    q = GROUPS["BELENIOS-2048"].q

    def edit(trustees: list) -> None:  # type: ignore[type-arg]
        proof = trustees[0][1]["pok"]
        proof["response"] = str((int(proof["response"]) + 1) % q)

    report = verify(write(_edit_setup(made, 1, edit), tmp_path, made.uuid))
    assert failed_steps(report) == {"trustees"}
    finding = first(report, "trustees")
    assert finding.field == "[0][1].pok" and "proof of knowledge" in str(finding.message)


def test_pedersen_verification_key_not_matching_the_commitments(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("threshold")

    def edit(trustees: list) -> None:  # type: ignore[type-arg]
        vk = trustees[1][1]["verification_keys"][1]
        vk["public_key"] = trustees[1][1]["verification_keys"][0]["public_key"]

    report = verify(write(_edit_setup(made, 1, edit), tmp_path, made.uuid))
    assert "trustees" in failed_steps(report)
    fields = {f.field for f in report.steps["trustees"].failures}
    assert "[1][1].verification_keys[1].public_key" in fields


def test_credential_listed_twice(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = _edit_setup(made, 2, lambda creds: creds.append(creds[0]))
    report = verify(write(board, tmp_path, made.uuid))
    assert "credentials" in failed_steps(report)
    assert "twice" in str(first(report, "credentials").message)


def test_stuffed_credential_and_retally_caught_by_the_authority_fingerprint(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    work = tmp_path / "stuffing"
    work.mkdir()
    gen.tool("setup", "generate-credentials", "--uuid", made.uuid, "--group", made.spec.group, "--count", "1",
             "--dir", str(work))
    (ident_cred,) = next(work.glob("*.privcreds")).read_text().splitlines()
    private_cred = ident_cred.split()[-1]
    public = json.loads(next(work.glob("*.pubcreds")).read_text())[0].split(",")[0]
    board = Board.read(made.board).truncate_after("Ballot")
    credentials = json.loads(board.steps[0].data[2])
    credentials = sorted(credentials + [public], key=int)
    board.steps[0].set_json(2, credentials)
    scratch = tmp_path / "ballot"
    write(Board(board.header, board.steps[:1]), scratch, made.uuid)
    (work / "cred").write_text(private_cred + "\n")
    (work / "choices").write_text("[[1,0,0]]\n")
    stuffed = gen.tool("election", "generate-ballot", "--dir", str(scratch), "--privcred", str(work / "cred"),
                       "--ballot", str(work / "choices")).stdout.strip()
    from .boardkit import Step

    board.steps.append(Step("Ballot", [stuffed]))
    path = retally(made, board, tmp_path / "board")
    assert gen.tool_verify(path)[0] == 0  # belenios-tool 2.0 accepts the stuffed board
    blind = verify(path)
    assert not blind.failed  # without the authority's fingerprint nothing shows
    assert blind.steps["credential_authority"].status is StepStatus.NOT_VERIFIABLE
    report = verify(path, credentials_fingerprint=made.credentials_fingerprint)
    only_failure(report, "credential_authority")
    assert "ballot stuffing" in str(first(report, "credential_authority").message)
    assert blind.result is not None and report.result is None  # decrypts right, but not the voters' result
    counted = verify(path, electorate=made.spec.voters)
    only_failure(counted, "credential_authority")


# ---------------------------------------------------------------- ballots, revotes, replays


def test_ballot_with_an_altered_proof(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("blank")
    board = Board.read(made.board)
    ballot = board.ballots()[2]
    value = ballot.json()
    proof = value["answers"][0]["overall_proof"][0]
    proof["challenge"] = str((int(proof["challenge"]) + 1) % GROUPS["BELENIOS-2048"].q)
    ballot.set_json(0, value)
    path = write(board, tmp_path, made.uuid)  # belenios-tool refuses to tally it, so the old tally stays
    report = verify(path)
    assert "ballots" in failed_steps(report)
    finding = first(report, "ballots")
    assert "ballot #3" in str(finding.record) and finding.field == "signature.hash"
    assert gen.tool_verify(path)[0] != 0


def _product_of_every_ballot(board: Board, credentials_weight: dict[str, int]) -> list:  # type: ignore[type-arg]
    p = GROUPS["BELENIOS-2048"].p
    slots = None
    for step in board.ballots():
        ballot = step.json()
        w = credentials_weight.get(ballot["credential"], 1)
        choices = ballot["answers"][0]["choices"]
        if slots is None:
            slots = [[1, 1] for _ in choices]
        for slot, c in zip(slots, choices):
            slot[0] = slot[0] * pow(int(c["alpha"]), w, p) % p
            slot[1] = slot[1] * pow(int(c["beta"]), w, p) % p
    assert slots is not None
    return [[{"alpha": str(a), "beta": str(b)} for a, b in slots]]


def test_tally_counting_superseded_ballots(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("weights")
    board = Board.read(made.board).truncate_after("EndBallots")
    weights = {}
    for entry in json.loads(board.steps[0].data[2]):
        element, _, weight = entry.partition(",")
        weights[element] = int(weight or 1)
    tally = _product_of_every_ballot(board, weights)
    sized = {"num_tallied": len(board.ballots()),
             "total_weight": sum(weights[b.json()["credential"]] for b in board.ballots()),
             "encrypted_tally": ""}
    from .boardkit import Step

    board.steps.append(Step("EncryptedTally", [compact(tally), compact(sized)]))
    report = verify(write(board, tmp_path, made.uuid))
    assert failed_steps(report) == {"revotes", "tally"}
    messages = " ".join(str(f.message) for f in report.steps["revotes"].failures)
    assert "superseded ballots" in messages and "counted twice" in messages


def test_replayed_ballot_caught_although_belenios_tool_accepts_it(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    work = tmp_path / "replay"
    work.mkdir()
    shutil.copy(made.snapshots["end_of_voting"], work / made.board.name)
    first_ballot = Board.read(made.board).ballots()[0].data[0]
    gen.add_event(work, "Ballot", first_ballot + b"\n")
    gen.add_event(work, "EndBallots")
    gen.finish_tally(made.spec, work, made.private)
    path = work / made.board.name
    assert gen.tool_verify(path)[0] == 0  # belenios-tool 2.0 accepts the replay
    report = verify(path)
    only_failure(report, "duplicates")
    assert report.result is None
    finding = first(report, "duplicates")
    assert "identical to ballot #1" in str(finding.message) and "ballot #" in str(finding.record)


def test_ciphertext_copied_into_another_ballot(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = Board.read(made.board)
    source, target = board.ballots()[0], board.ballots()[1]
    copied = target.json()
    copied["answers"][0]["choices"][0] = source.json()["answers"][0]["choices"][0]
    target.set_json(0, copied)
    report = verify(write(board, tmp_path, made.uuid))
    assert "duplicates" in failed_steps(report)
    assert "already in ballot #1" in str(first(report, "duplicates").message)


# ---------------------------------------------------------------- tally, shuffles, decryptions, result


def test_altered_published_tally_caught_although_belenios_tool_accepts_it(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = Board.read(made.board)
    (tally_step,) = board.of_type("EncryptedTally")
    tally = tally_step.json()
    tally[0][0], tally[0][1] = tally[0][1], tally[0][0]
    tally_step.set_json(0, tally)
    path = write(board, tmp_path, made.uuid)
    assert gen.tool_verify(path)[0] == 0  # 2.0 ignores the published EncryptedTally
    report = verify(path)
    only_failure(report, "tally")
    finding = first(report, "tally")
    assert finding.field == "[0]" and "differs from the product" in str(finding.message)


def test_altered_num_tallied(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = Board.read(made.board)
    (tally_step,) = board.of_type("EncryptedTally")
    sized = tally_step.json(1)
    sized["num_tallied"] += 3
    tally_step.set_json(1, sized)
    path = write(board, tmp_path, made.uuid)
    assert gen.tool_verify(path)[0] == 0
    report = verify(path)
    only_failure(report, "tally")
    assert first(report, "tally").field == "num_tallied"


def test_shuffle_with_a_false_proof(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("mixnet")
    board = Board.read(made.board)
    shuffle = board.of_type("Shuffle")[0]
    value = shuffle.json()
    value["proofs"][0][1][0] = str((int(value["proofs"][0][1][0]) + 1) % GROUPS["RFC-3526-2048"].q)
    shuffle.set_json(0, value)
    path = write(board, tmp_path, made.uuid)
    report = verify(path)
    assert "shuffles" in failed_steps(report)
    finding = first(report, "shuffles")
    assert finding.field == "proofs[0]" and "t1" in str(finding.message)
    assert gen.tool_verify(path)[0] != 0


def test_shuffle_output_not_a_permutation_of_its_input(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("mixnet")
    board = Board.read(made.board)
    shuffle = board.of_type("Shuffle")[1]
    value = shuffle.json()
    outputs = value["ciphertexts"][0]
    outputs[0], outputs[1] = outputs[1], outputs[0]  # the proof no longer matches the order
    shuffle.set_json(0, value)
    report = verify(write(board, tmp_path, made.uuid))
    assert "shuffles" in failed_steps(report)


def test_partial_decryption_with_a_wrong_factor(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("threshold")
    board = Board.read(made.board)
    decryption = board.of_type("PartialDecryption")[1]
    value = decryption.json()
    group = GROUPS["BELENIOS-2048"]
    value["decryption_factors"][0][2] = str(int(value["decryption_factors"][0][2]) * int(group.g) % int(group.p))
    decryption.set_json(0, value)
    path = write(board, tmp_path, made.uuid)
    report = verify(path)
    assert "decryptions" in failed_steps(report)
    finding = first(report, "decryptions")
    assert finding.field == "decryption_proofs[0][2]" and "trustee 3" in str(finding.message)
    assert gen.tool_verify(path)[0] != 0


def test_missing_mandatory_trustee(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = Board.read(made.board)
    board.steps.remove(board.of_type("PartialDecryption")[1])
    report = verify(write(board, tmp_path, made.uuid))
    assert "decryptions" in failed_steps(report)
    assert "mandatory trustee 2" in " ".join(str(f.message) for f in report.steps["decryptions"].failures)


def test_result_not_the_decrypted_tally(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = Board.read(made.board)
    (result,) = board.of_type("Result")
    value = result.json()
    value["result"][0][0] += 1
    value["result"][0][1] -= 1
    result.set_json(0, value)
    path = write(board, tmp_path, made.uuid)
    report = verify(path)
    only_failure(report, "result")
    finding = first(report, "result")
    assert finding.field == "result[0][0]" and "decrypts to" in str(finding.message)
    assert report.result is None
    assert gen.tool_verify(path)[0] != 0


def test_non_homomorphic_result_altered(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("mixnet")
    board = Board.read(made.board)
    (result,) = board.of_type("Result")
    value = result.json()
    value["result"][1][0] = list(reversed(value["result"][1][0]))
    result.set_json(0, value)
    report = verify(write(board, tmp_path, made.uuid))
    only_failure(report, "result")
    assert first(report, "result").field == "result[1][0]"


# ---------------------------------------------------------------- snapshots


def test_ballot_removed_and_retallied_caught_by_the_snapshot(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = Board.read(made.board)
    removed = board.ballots()[1]
    board.steps.remove(removed)
    path = retally(made, board, tmp_path / "removed")
    assert gen.tool_verify(path)[0] == 0  # belenios-tool 2.0 accepts the re-tallied board
    assert not verify(path).failed  # and so do we, without an earlier snapshot
    report = verify(path, snapshots=[made.snapshots["mid_voting"]])
    only_failure(report, "snapshot")
    assert report.result is None and report.election["decrypted"]
    messages = " ".join(str(f.message) for f in report.steps["snapshot"].failures)
    from expertise.board.belenios.proofs import b64hash

    assert b64hash(removed.data[0]) in messages and "removed" in messages


def test_ballots_reordered_and_retallied_caught_by_the_snapshot(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = Board.read(made.board)
    ballots = board.ballots()
    i, j = board.index_of(ballots[0]), board.index_of(ballots[1])
    board.steps[i], board.steps[j] = board.steps[j], board.steps[i]
    path = retally(made, board, tmp_path / "reordered")
    assert gen.tool_verify(path)[0] == 0
    report = verify(path, snapshots=[made.snapshots["mid_voting"]])
    only_failure(report, "snapshot")
    assert "reordered" in " ".join(str(f.message) for f in report.steps["snapshot"].failures)


# ---------------------------------------------------------------- membership, timing


def test_ciphertext_outside_the_group(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    board = Board.read(made.board)
    ballot = board.ballots()[0]
    value = ballot.json()
    p = GROUPS["BELENIOS-2048"].p
    value["answers"][0]["choices"][1]["beta"] = str(p - 1)  # order 2: in Z_p*, not in the subgroup
    ballot.set_json(0, value)
    report = verify(write(board, tmp_path, made.uuid))
    assert "membership" in failed_steps(report)
    finding = first(report, "membership")
    assert finding.field == "answers[0].choices[1].beta" and "ballot #1" in str(finding.record)


def test_decryption_factor_outside_the_group(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("rfc")
    board = Board.read(made.board)
    decryption = board.of_type("PartialDecryption")[0]
    value = decryption.json()
    p = GROUPS["RFC-3526-2048"].p
    x = int(value["decryption_factors"][0][0])
    value["decryption_factors"][0][0] = str(p - x)  # -x is a non-residue: outside the subgroup
    decryption.set_json(0, value)
    report = verify(write(board, tmp_path, made.uuid))
    assert {"membership", "decryptions"} <= failed_steps(report)
    assert first(report, "membership").field == "decryption_factors[0][0]"


def test_board_created_after_the_opening(election) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta, timezone

    made = election("homomorphic")
    created = datetime.fromtimestamp(Board.read(made.board).timestamp, timezone.utc)
    report = verify(made.board, opens=created - timedelta(days=1), closes=created + timedelta(days=1),
                    now=created + timedelta(days=2))
    only_failure(report, "timing")
    assert first(report, "timing").field == "timestamp"
    ok = verify(made.board, opens=created + timedelta(minutes=5), closes=created + timedelta(days=1),
                now=created + timedelta(days=2))
    assert ok.steps["timing"].status is StepStatus.PASS


def test_count_before_the_closing(election) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta, timezone

    made = election("homomorphic")
    created = datetime.fromtimestamp(Board.read(made.board).timestamp, timezone.utc)
    report = verify(made.board, opens=created + timedelta(minutes=1), closes=created + timedelta(days=1),
                    now=created + timedelta(hours=1))
    only_failure(report, "timing")
    assert "before the closing" in str(first(report, "timing").message)
    voting = election("voting")
    started = datetime.fromtimestamp(Board.read(voting.board).timestamp, timezone.utc)
    open_vote = verify(voting.board, opens=started + timedelta(minutes=1), closes=started + timedelta(days=1),
                       now=started + timedelta(hours=1))
    assert open_vote.steps["timing"].status is StepStatus.PASS
    assert gmpy2  # the group arithmetic above uses plain ints on purpose (independent of our code)


def test_board_without_its_header_says_its_creation_is_not_verifiable(election, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Nothing on the board dates it: the timing step says the creation is not verifiable (issue 10)."""
    from datetime import datetime, timedelta, timezone

    made = election("homomorphic")
    created = datetime.fromtimestamp(Board.read(made.board).timestamp, timezone.utc)
    records = read_raw(made.board)
    assert records[0][0] == "BELENIOS"
    headless = tmp_path / f"{made.uuid}.bel"
    headless.write_bytes(write_raw(records[1:], Board.read(made.board).timestamp))
    report = verify(headless, opens=created + timedelta(minutes=5), closes=created + timedelta(days=1),
                    now=created + timedelta(days=2))
    notes = [note.code for note in report.steps["timing"].notes]
    assert "board.timing.note.creation_undated" in notes, notes
    assert "timing" not in failed_steps(report)
