"""Risk grid scoring and the RISK checks."""

from __future__ import annotations

import json
from pathlib import Path

from expertise import catalogue as catalogue_mod
from expertise.risk import score

ALL_LOW = {f"q{n:02d}": True for n in range(1, 11)}


def set_answers(case: Path, answers: dict[str, bool], level: int) -> None:
    text = (case / "case.toml").read_text(encoding="utf-8")
    head, _, tail = text.partition("[risk.answers]")
    rest = tail[tail.index("\n[", 1):]
    body = "\n".join(f"{k} = {'true' if v else 'false'}" for k, v in answers.items())
    head = head.replace("chosen_level = 2", f"chosen_level = {level}")
    (case / "case.toml").write_text(f"{head}[risk.answers]\n{body}\n{rest}", encoding="utf-8")


def test_scoring_thresholds() -> None:
    grid = catalogue_mod.load().grid
    assert score(grid, ALL_LOW).score == 0 and score(grid, ALL_LOW).computed_level == 1
    for false_count, level in ((2, 1), (3, 2), (6, 2), (7, 3), (10, 3)):
        answers = dict(ALL_LOW)
        for n in range(1, false_count + 1):
            answers[f"q{n:02d}"] = False
        result = score(grid, answers)
        assert (result.score, result.computed_level) == (false_count, level)


def test_incomplete_grid_has_no_level_but_bounds() -> None:
    grid = catalogue_mod.load().grid
    answers = {f"q{n:02d}": False for n in range(1, 4)}
    result = score(grid, answers)
    assert result.computed_level is None
    assert result.missing == [f"q{n:02d}" for n in range(4, 11)]
    assert result.max_level_if_unanswered_score == 3


def test_risk_cli_prints_each_contribution(run_cli, demo_case: Path) -> None:
    proc = run_cli("risk", demo_case, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["score"] == 5 and data["computed_level"] == 2 and data["chosen_level"] == 2
    assert [a["points"] for a in data["answers"]] == [0, 1, 1, 0, 1, 0, 0, 0, 1, 1]
    table = run_cli("risk", demo_case)
    assert "score 5/10" in table.stdout and "computed level: 2" in table.stdout


def test_chosen_level_below_computed_is_a_warning_finding(run_cli, demo_case: Path) -> None:
    answers = {k: False for k in ALL_LOW}
    set_answers(demo_case, answers, level=2)
    proc = run_cli("risk", demo_case)
    assert proc.returncode == 1
    assert "below the computed level 3" in proc.stderr
    assess = run_cli("assess", demo_case, "--json")
    results = {r["check_id"]: r for r in json.loads(assess.stdout)["case_results"]}
    assert results["RISK-001"]["status"] == "fail"
    assert results["RISK-001"]["severity"] == "medium"
    assert "prefer" in results["RISK-001"]["message"]


def test_unanswered_statements_that_could_raise_the_level_need_examination(run_cli, demo_case: Path) -> None:
    answers = {k: v for k, v in ALL_LOW.items() if k not in ("q02", "q03", "q05")}
    set_answers(demo_case, answers, level=1)
    proc = run_cli("assess", demo_case, "--json")
    results = {r["check_id"]: r for r in json.loads(proc.stdout)["case_results"]}
    assert results["RISK-001"]["status"] == "manual"
    assert results["RISK-002"]["status"] == "fail"


def test_risk_scoring_is_journaled(run_cli, demo_case: Path) -> None:
    from expertise import journal

    assert run_cli("risk", demo_case).returncode == 0
    entry = journal.read_entries(demo_case)[-1]
    assert entry["action"] == "risk"
    assert entry["inputs"][0]["path"].endswith("case.toml")
    stored = json.loads((demo_case / entry["outputs"][0]["path"]).read_text(encoding="utf-8"))
    assert stored["score"] == 5 and stored["computed_level"] == 2
