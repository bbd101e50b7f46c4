"""REG-011: the electorate of the voter list against the case's declaration and the board's
credentials — a difference is a finding, missing input is "could not test", never a failure."""

from __future__ import annotations

from pathlib import Path

from expertise.results import Status
from tests.french import language_problems, results_named
from tests.registers.test_rules import clean, crossed, register, replace, run


def test_list_declaration_and_board_agree() -> None:
    obs = clean()
    result = run(replace(obs, board=replace(obs.board, credentials=10), board_declared=True))["REG-011"]
    assert result.status is Status.PASS and result.message.code == "registers.reg_011.pass"
    assert result.details == {"listed": 10, "declared": 10, "board_credentials": 10}


def test_a_board_with_more_credentials_than_the_list_fails() -> None:
    obs = clean()
    result = run(replace(obs, board=replace(obs.board, credentials=12), board_declared=True))["REG-011"]
    assert result.status is Status.FAIL
    assert result.text("en") == "the voter list has 10 voters, but the board holds 12 credentials"


def test_a_declared_electorate_other_than_the_list_fails() -> None:
    result = run(replace(clean(), electorate=1800))["REG-011"]
    assert result.status is Status.FAIL
    assert result.text("en") == "the voter list has 10 voters, but case.toml declares an electorate of 1,800"
    assert "1\u202f800" in result.text("fr")


def test_a_board_not_replayed_is_not_tested_never_failed() -> None:
    result = run(replace(clean(), board=None, board_declared=True))["REG-011"]
    assert result.status is Status.ERROR and "could not test the board's credentials" in result.text("en")
    # no [board] at all: the list against the declaration is all there is to compare
    result = run(replace(clean(), board=None, board_declared=False))["REG-011"]
    assert result.status is Status.PASS and result.message.code == "registers.reg_011.pass_declared"


def test_a_voter_list_not_read_completely_is_not_tested() -> None:
    voters = register("voters", [f"V{n}" for n in range(1, 10)], unread=True)
    obs = clean()
    result = run(replace(obs, voters=voters, board=replace(obs.board, credentials=12)))["REG-011"]
    assert result.status is Status.ERROR and result.text("en").startswith("could not test: ")
    # no voter list declared: the expert checks by hand, nothing fails
    assert run(replace(clean(), voters=None))["REG-011"].status is Status.MANUAL


def test_every_reg_011_message_reads_in_both_languages() -> None:
    obs = clean()
    variants = [replace(obs, board=replace(obs.board, credentials=10), board_declared=True),
                replace(obs, board=replace(obs.board, credentials=12), electorate=7, board_declared=True),
                replace(obs, board=None, board_declared=True), replace(obs, board=None)]
    results = [run(v)["REG-011"] for v in variants]
    assert not language_problems(results_named(results))


def test_demo_case_board_credentials_are_counted(demo_case: Path) -> None:
    """The collector reads the board replay's credentials count from the journal."""
    from expertise.case import load_case
    from expertise.registers.collector import case_settings, observe

    obs = observe(case_settings(load_case(demo_case)))
    assert obs.board is None and obs.board_declared  # nothing replayed yet in a fresh copy
    result = run(obs)["REG-011"]
    assert result.status is Status.ERROR


def test_paper_votes_unanswered_is_not_tested_never_not_applicable() -> None:
    """`election.mixed_paper` left unanswered (the template's) is no declaration that nobody voted
    on paper: REG-004 could not test it, unless a paper-vote register is declared."""
    result = run(replace(clean(), mixed_paper=None))["REG-004"]
    assert result.status is Status.ERROR and "election.mixed_paper" in result.text("en")
    assert not language_problems(results_named([result]))
    assert run(replace(clean(), mixed_paper=False))["REG-004"].status is Status.NOT_APPLICABLE
    declared = run(crossed(replace(clean(), mixed_paper=None, paper=register("paper_votes", ["V2"]))))["REG-004"]
    assert declared.status is Status.FAIL  # V2 signed and voted on paper
