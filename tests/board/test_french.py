"""The board's results and findings read in French in the French report.

Two angles: every English sentence the replay's code can write (found in the source, its
placeholders filled with sample values) has a French wording; and the rules, run over real
replays of hostile boards and over recorded observations, give every result a French message
that is not the English one.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from .boardkit import Board, compact
from .helpers import REPO, sample, verify

from expertise import catalogue as catalogue_mod
from expertise.board.french import french, french_or_none, record_fr
from expertise.board.report import StepStatus
from expertise.board.rules import RULES as BOARD_RULES
from expertise.board.rules import WATCH_RULES
from expertise.domain import evaluate

SOURCES = sorted((REPO / "expertise" / "board").rglob("*.py"))
MESSAGE_ARG = {"FieldError": 1, "_Invalid": 1}  # others: the last positional argument
CALLS = {"fail", "FieldError", "_Invalid", "ArchiveError", "Finding", "_anomaly"}
# sample values for placeholders whose wording matters (the others become "7")
SAMPLE_VALUES = {
    "type_name(value)": "a string", "what": "shuffle", "who": "Single trustee 1", "failure": "t3",
    "after": "after EndBallots", "step.id": "tally", "finding.record": "record 3 (0a1b2c3d4e5f….data.json, offset 1024)",
    "finding.field": "answers[0].choices[1].alpha", "finding.message": "unknown field", "detail": "unknown field",
    "message": "unknown field", "where": "snapshot mi-scrutin.bel", "snap_error": "empty file: not a Belenios board",
    "kind": "Ballot", "counting[0]": "EndBallots",
}


def _sentence(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                assert isinstance(value, ast.FormattedValue)
                parts.append(SAMPLE_VALUES.get(ast.unparse(value.value), "7"))
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sentence(node.left), _sentence(node.right)
        return left + right if left is not None and right is not None else None
    return None


def written_sentences() -> list[tuple[str, int, str]]:
    """(file, line, sentence) of every finding the board code writes as a literal."""
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            message = None
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name in CALLS and node.args:
                    index = MESSAGE_ARG.get(name, len(node.args) - 1)
                    message = node.args[index] if index < len(node.args) else None
                elif name == "append" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                        and func.value.id == "failures" and node.args:
                    message = node.args[0]
            elif isinstance(node, ast.FunctionDef) and node.name == "_diagnose_header":
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and ret.value is not None and _sentence(ret.value):
                        found.append((path.name, ret.lineno, _sentence(ret.value) or ""))
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "description"
                                                      for t in node.targets):
                message = node.value
            if message is not None:
                sentence = _sentence(message)
                if sentence is not None and not re.fullmatch(r"[\w\[\],]+", sentence):  # not a bare identifier
                    found.append((path.name, node.lineno, sentence))
    return found


def test_the_source_is_read() -> None:
    sentences = written_sentences()
    assert len(sentences) > 150, len(sentences)
    assert any("ballot stuffing" in s for _, _, s in sentences)


@pytest.mark.parametrize("where,line,sentence", written_sentences(), ids=lambda v: str(v)[:40])
def test_every_written_finding_has_a_french_wording(where: str, line: int, sentence: str) -> None:
    translated = french_or_none(sentence)
    assert translated, f"{where}:{line}: no French wording for {sentence!r}"
    assert translated != sentence


def test_every_step_account_is_given_in_french_too() -> None:
    """describe / not_verifiable / not_applicable always get their French twin at the call."""
    missing = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("describe", "not_verifiable", "not_applicable") and len(node.args) == 1 \
                    and not isinstance(node.args[0], ast.Starred):
                missing.append(f"{path.name}:{node.lineno}")
    assert not missing


def test_labels_and_composites() -> None:
    assert record_fr("record 8 (0a1b2c3d4e5f….data.json, offset 4608), ballot #3") == \
        "enregistrement 8 (0a1b2c3d4e5f….data.json, octet 4608), bulletin n° 3"
    assert french("tally: record 3 (0a1b….data.json, offset 1024): num_tallied: unknown field") == \
        "dépouillement : enregistrement 3 (0a1b….data.json, octet 1024) : num_tallied : champ inconnu"
    # a sentence nobody wrote stays English rather than being guessed
    assert french_or_none("the moon is made of cheese") is None
    assert french("published 3 for answer 1 of question 1; the tally decrypts to 4") == \
        "3 publié pour la réponse 1 de la question 1 ; le dépouillement se déchiffre en 4"


def _has_words(text: str) -> bool:
    return re.search(r"[A-Za-z]{3}", re.sub(r"[A-Za-z0-9+/=_.\-]{20,}", "", text)) is not None


def _check_results(results: list) -> None:  # type: ignore[type-arg]
    assert results
    for result in results:
        fr = result.messages.get("fr", "")
        assert fr, (result.check_id, result.text("en"))
        if _has_words(result.text("en")):
            assert fr != result.text("en"), (result.check_id, result.text("en"))


def _hostile_boards(tmp_path: Path) -> list[Path]:
    """A few boards, each failing another step, made from the 2.0 sample without belenios-tool."""
    small = sample("small")
    out = []

    def save(board: Board, name: str) -> None:
        path = tmp_path / name / small.name
        path.parent.mkdir()
        board.write(path)
        out.append(path)

    board = Board.read(small)
    ballot = board.ballots()[1]
    value = ballot.json()
    value["answers"][0]["choices"][0]["beta"] = [1]
    ballot.set_json(0, value)
    (tally,) = board.of_type("EncryptedTally")
    tally.data[1] = compact({"num_tallied": "ten", "total_weight": 10, "encrypted_tally": ""})
    save(board, "types")
    board = Board.read(small)
    credentials = json.loads(board.steps[0].data[2])
    credentials[3] = credentials[2]
    board.steps[0].data[2] = compact(credentials)
    (result,) = board.of_type("Result")
    result.data[0] = compact({"result": [[9, 0, 1]]})
    save(board, "credentials")
    truncated = tmp_path / "truncated" / small.name
    truncated.parent.mkdir()
    truncated.write_bytes(small.read_bytes()[:30000])
    out.append(truncated)
    return out


def test_rules_over_hostile_replays_speak_french(tmp_path: Path) -> None:
    catalogue = catalogue_mod.load()
    for path in _hostile_boards(tmp_path):
        report = verify(path, credentials_fingerprint="A" * 43, electorate=3, snapshots=[sample("small")])
        assert report.failed
        for step in report.steps.values():
            for finding in step.failures:
                data = finding.to_dict()
                assert data["message_fr"] != finding.message, (step.id, finding.message)
        observation = {"report": report.to_dict(), "subject": "board:x.bel", "evidence": []}
        results = evaluate(BOARD_RULES, observation, catalogue)
        _check_results(results)
        failing = [r for r in results if r.status.value == "fail"]
        assert failing and all(" : " in r.messages["fr"] for r in failing)


def test_rules_over_a_genuine_replay_and_recorded_observations_speak_french() -> None:
    catalogue = catalogue_mod.load()
    report = verify(sample("threshold"))
    assert not report.failed
    _check_results(evaluate(BOARD_RULES, {"report": report.to_dict(), "subject": "s", "evidence": []}, catalogue))
    data = REPO / "tests" / "board" / "data"
    for name in ("open-vote.json", "tampered-tally.json"):
        _check_results(evaluate(BOARD_RULES, json.loads((data / name).read_text()), catalogue))
    watch = json.loads((data / "watch-rewritten.json").read_text())
    (result,) = evaluate(WATCH_RULES, watch, catalogue)
    assert result.status.value == "fail" and "retiré" in result.messages["fr"], result.messages
    _check_results([result])
    passed = evaluate(WATCH_RULES, {**watch, "failures": [], "snapshots": 4}, catalogue)
    _check_results(passed)
    assert StepStatus.PASS.value == "pass"
