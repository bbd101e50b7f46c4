"""Everything the board says reads in French and in English, from the catalogues.

Two angles: every message code of the board domain renders in both languages (its text exists,
its placeholders fill, the French holds no English words — the detector of tests/french.py);
and real replays of hostile boards, genuine boards and recorded observations give discrepancies,
step accounts, notes and results that render in both languages without a ``[code]`` fallback and
without English words in the French.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any, Iterable

import pytest
from .boardkit import Board, compact
from .helpers import REPO, sample, verify

from expertise import catalogue as catalogue_mod
from expertise import i18n
from expertise.board.account import StepAccount, Verification
from expertise.board.observation import ReplayObservation, WatchObservation
from expertise.board.rules import RULES as BOARD_RULES
from expertise.board.rules import WATCH_RULES
from expertise.domain import evaluate
from expertise.i18n import Message
from expertise.results import Result, Status
from tests.french import ENGLISH, QUOTED

BOARD_LOCALE = REPO / "expertise" / "board" / "locale"
# Data in a rendered French text that the English-word detector would take for words: JSON paths
# and field names of Belenios records, event types, file names, hashes.
DATA = re.compile(r"[\w.\[\]()/+=-]*[\[\]._/=+][\w.\[\]()/+=…-]*|\b[A-Z][a-z]+[A-Z]\w*\b")


def board_codes() -> list[str]:
    return sorted(code for code, path in i18n.catalogue("en").files.items() if path.parent == BOARD_LOCALE)


def english_in(french: str) -> str | None:
    found = ENGLISH.search(DATA.sub(" ", QUOTED.sub(" ", french)))
    return found.group(0) if found else None


def test_the_board_catalogue_is_read() -> None:
    codes = board_codes()
    assert len(codes) > 300, len(codes)
    assert "board.credentials.fingerprint_differs" in codes


@pytest.mark.parametrize("code", board_codes())
def test_every_board_code_renders_in_both_languages(code: str) -> None:
    texts = i18n.catalogue("fr").texts[code]
    names = {name for t in (texts if isinstance(texts, tuple) else (texts,))
             for _, name, _, _ in string.Formatter().parse(t) if name}
    for count in (1, 2):
        args: dict[str, Any] = {name: 7 for name in names}
        args["count"] = count
        french, english = i18n.render(Message(code, args), "fr"), i18n.render(Message(code, args), "en")
        assert not french.startswith("[") and not english.startswith("["), (code, french, english)
        assert english_in(french) is None, (code, french)


# -- what real replays say ------------------------------------------------------------------------

def _messages(verification: Verification) -> Iterable[tuple[str, Message]]:
    step: StepAccount
    for step in verification.steps.values():
        yield step.id, step.title
        if step.summary is not None:
            yield step.id, step.summary
        for note in step.notes:
            yield step.id, note
        for finding in step.failures:
            yield step.id, finding.record
            yield step.id, finding.message


def _check_renders(where: str, message: Message) -> None:
    french, english = message.render("fr"), message.render("en")
    assert "[board." not in french and "[board." not in english, (where, french, english)
    assert english_in(french) is None, (where, english_in(french), french)


def _check_results(results: list[Result]) -> None:
    assert results
    for result in results:
        assert result.message.code.startswith("board."), result.check_id
        _check_renders(result.check_id, result.message)


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


def test_hostile_replays_speak_both_languages(tmp_path: Path) -> None:
    catalogue = catalogue_mod.load()
    for path in _hostile_boards(tmp_path):
        report = verify(path, credentials_fingerprint="A" * 43, electorate=3, snapshots=[sample("small")])
        assert report.failed
        for step_id, message in _messages(report):
            _check_renders(step_id, message)
        results = evaluate(BOARD_RULES, ReplayObservation.of(report, "board:x.bel", []), catalogue)
        _check_results(results)
        failing = [r for r in results if r.status is Status.FAIL]
        assert failing and all(re.search(r"\s:\s", r.text("fr")) for r in failing)
        # the JSON keeps the code, its arguments and the English text of each discrepancy
        data = report.to_dict()
        finding = next(f for s in data["steps"] for f in s["failures"])
        assert finding["code"].startswith("board.") and "args" in finding and finding["message"]
        assert finding["where"]["code"].startswith("board.where.")


def test_genuine_replay_and_recorded_observations_speak_both_languages() -> None:
    catalogue = catalogue_mod.load()
    report = verify(sample("threshold"))
    assert not report.failed
    for step_id, message in _messages(report):
        _check_renders(step_id, message)
    _check_results(evaluate(BOARD_RULES, ReplayObservation.of(report, "s", []), catalogue))
    data = REPO / "tests" / "board" / "data"
    for name in ("open-vote.json", "tampered-tally.json"):
        observation = ReplayObservation.model_validate_json((data / name).read_text())
        _check_results(evaluate(BOARD_RULES, observation, catalogue))
    watch = json.loads((data / "watch-rewritten.json").read_text())
    (result,) = evaluate(WATCH_RULES, WatchObservation.model_validate(watch), catalogue)
    assert result.status is Status.FAIL and "retiré" in result.text("fr") and "removed" in result.text("en")
    _check_results([result])
    passed = evaluate(WATCH_RULES, WatchObservation.model_validate({**watch, "failures": [], "snapshots": 4}),
                      catalogue)
    assert passed[0].status is Status.PASS
    _check_results(passed)
