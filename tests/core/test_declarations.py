"""Nothing is declared on the expert's behalf (issue 10).

`expertise init` leaves every declaration unanswered; `audit` and `report` refuse (exit 2, naming
each field) while the expert's identity or independence is unanswered or still a template's value;
`assess` runs and says what is unanswered. The declarations are cross-checked (RISK-004, EXPERT-002,
RISK-001); judgments set aside are said on the console; the tool's hints are labelled as such."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from expertise import catalogue as catalogue_mod
from expertise.case import load_case
from expertise.case_checks.observation import observe
from expertise.case_checks.rules import RULES as CASE_RULES
from expertise.domain import evaluate
from expertise.errors import CaseError
from expertise.journal import JournalReport, read_entries
from expertise.results import Status
from expertise.risk import score
from tests.french import language_problems, results_named

DECLARATIONS = ("expert.name", "expert.independence.security_specialist",
                "expert.independence.no_interest_in_provider", "expert.independence.no_interest_in_organiser",
                "expert.independence.vendors_examined")


def answer(path: Path, section: str, key: str, value: str) -> None:
    """Write an answer in place of the template's commented-out line ``# key =`` of ``[section]``."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"[{section}]\n")
    line = re.compile(rf"^# {re.escape(key)} =.*$", re.M).search(text, start)
    assert line is not None, (section, key)
    path.write_text(text[:line.start()] + f"{key} = {value}" + text[line.end():], encoding="utf-8")


def election_answered(run_cli, tmp_path: Path) -> Path:
    """A fresh template with the election and the risk level answered, nothing of the expert."""
    case = tmp_path / "c"
    assert run_cli("init", case).returncode == 0
    toml = case / "case.toml"
    for key, value in (("name", '"Élection du CSE"'), ("organiser", '"Organisme"'), ("provider", '"Prestataire X"'),
                       ("type", '"CSE"'), ("electorate", "1800"), ("opens", "2026-12-01T09:00:00+01:00"),
                       ("closes", "2026-12-08T17:00:00+01:00")):
        answer(toml, "election", key, value)
    answer(toml, "risk", "chosen_level", "2")
    return case


def expert_answered(case: Path) -> None:
    toml = case / "case.toml"
    answer(toml, "expert", "name", '"Dominique Martin"')
    for key in ("security_specialist", "no_interest_in_provider", "no_interest_in_organiser"):
        answer(toml, "expert.independence", key, "true")
    answer(toml, "expert.independence", "vendors_examined", '["Prestataire A", "Prestataire B"]')


def test_the_template_states_no_fact_for_the_expert(run_cli, tmp_path: Path) -> None:
    """The unedited template is refused by every command, each unanswered fact named."""
    assert run_cli("init", tmp_path / "c").returncode == 0
    with pytest.raises(CaseError) as caught:
        load_case(tmp_path / "c")
    text = str(caught.value)
    for field in ("election.name", "election.provider", "election.electorate", "election.opens", "election.closes",
                  "risk.chosen_level"):
        assert field in text, field
    template = (tmp_path / "c" / "case.toml").read_text(encoding="utf-8")
    assert "Prénom Nom" not in template
    assert not re.search(r"^(security_specialist|no_interest_in_\w+) *= *true", template, re.M)


def test_unanswered_declarations_make_report_and_audit_refuse(run_cli, tmp_path: Path) -> None:
    case = election_answered(run_cli, tmp_path)
    loaded = load_case(case)
    assert loaded.data.expert.name is None and loaded.data.expert.independence.security_specialist is None
    for command in ("report", "audit"):
        proc = run_cli(command, case, "--no-pdf")
        assert proc.returncode == 2, (command, proc.stderr)
        message = " ".join(proc.stderr.split())
        assert "Traceback" not in message
        for field in DECLARATIONS:
            assert field in message, (command, field, message)
        assert "no report is written in the expert's name while 5 declarations are unanswered" in message
    assert not (case / "report").exists()
    assert [e["action"] for e in read_entries(case)] == ["init"]  # audit refused before collecting anything
    # in the console's language
    proc = run_cli("report", case, "--no-pdf", env={"EXPERTISE_LANG": "fr"})
    message = " ".join(proc.stderr.split())
    assert proc.returncode == 2 and "expert.independence.no_interest_in_provider" in message
    assert "aucun rapport n’est écrit au nom de l’expert" in message


def test_assess_runs_and_says_what_is_unanswered(run_cli, tmp_path: Path) -> None:
    case = election_answered(run_cli, tmp_path)
    proc = run_cli("assess", case, "--json")
    assert proc.returncode == 0, proc.stderr
    message = " ".join(proc.stderr.split())
    assert "5 declarations of the expert are still unanswered" in message
    for field in DECLARATIONS:
        assert field in message
    data = json.loads(proc.stdout)
    assert [entry["args"]["field"] for entry in data["unanswered"]] == list(DECLARATIONS)
    results = {r["check_id"]: r for r in data["case_results"]}
    assert results["EXPERT-001"]["status"] == "error"  # unanswered is not "not independent"
    assert results["EXPERT-002"]["status"] == "error"


def test_a_name_left_at_a_template_value_is_refused(run_cli, tmp_path: Path) -> None:
    case = election_answered(run_cli, tmp_path)
    expert_answered(case)
    text = (case / "case.toml").read_text(encoding="utf-8")
    (case / "case.toml").write_text(text.replace('"Dominique Martin"', '"Prénom Nom"'), encoding="utf-8")
    proc = run_cli("report", case, "--no-pdf")
    message = " ".join(proc.stderr.split())
    assert proc.returncode == 2
    assert "expert.name (the expert's identity: first name and surname), still the template's Prénom Nom" in message
    assert "security_specialist" not in message


def test_a_fully_answered_template_gives_a_report(run_cli, tmp_path: Path) -> None:
    case = election_answered(run_cli, tmp_path)
    expert_answered(case)
    proc = run_cli("report", case, "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    assert "Dominique Martin" in (case / "report" / "report.html").read_text(encoding="utf-8")


def test_the_demo_expert_is_obviously_fictional(demo_case: Path) -> None:
    case = load_case(demo_case)
    assert "fictive" in (case.data.expert.name or "") and "démonstration" in case.data.expert.name
    from expertise.case import unanswered_declarations

    assert unanswered_declarations(case) == []


# --- the cross-checks of the declarations ---

def case_results(demo_case: Path, old: str = "", new: str = "") -> dict[str, object]:
    toml = demo_case / "case.toml"
    if old:
        text = toml.read_text(encoding="utf-8")
        assert old in text, old
        toml.write_text(text.replace(old, new, 1), encoding="utf-8")
    case = load_case(demo_case)
    grid = catalogue_mod.load().grid
    obs = observe(case, score(grid, case.data.risk.answers), JournalReport(0, "", []), grid)
    return {r.check_id: r for r in evaluate(CASE_RULES, obs, catalogue_mod.load())}


def test_electorate_against_the_grid_consistent(demo_case: Path) -> None:
    result = case_results(demo_case)["RISK-004"]
    assert result.status is Status.PASS
    assert result.text("en") == "the grid's answers (q02 and q03) agree with the declared electorate of 1,850"


@pytest.mark.parametrize("old,new,said", [
    ("q02 = false", "q02 = true", "q02 answers that fewer than 50 people take part"),
    ("q03 = false", "q03 = true", "q03 answers that fewer than 1,000 people take part"),
    ("electorate = 1850", "electorate = 40", "q02 answers that 50 people or more take part"),
])
def test_electorate_against_the_grid_contradicted(demo_case: Path, old: str, new: str, said: str) -> None:
    result = case_results(demo_case, old, new)["RISK-004"]
    assert result.status is Status.FAIL
    assert said in result.text("en")


def test_electorate_against_an_unanswered_grid_is_not_tested(demo_case: Path) -> None:
    text = (demo_case / "case.toml").read_text(encoding="utf-8")
    text = text.replace("q02 = false", "").replace("q03 = false", "")
    (demo_case / "case.toml").write_text(text, encoding="utf-8")
    assert case_results(demo_case)["RISK-004"].status is Status.ERROR


def test_the_provider_under_audit_does_not_make_the_second_vendor(demo_case: Path) -> None:
    # the demo lists VoteSûr (the provider, « VoteSûr SAS ») and two others: two without it
    passed = case_results(demo_case)["EXPERT-002"]
    assert passed.status is Status.PASS and passed.message.code == "case.expert_002.pass_besides"
    assert passed.message.args["count"] == 2
    result = case_results(demo_case, '"ScrutinPlus", ', "")["EXPERT-002"]
    assert result.status is Status.MANUAL
    assert result.text("en").startswith("2 providers declared, including VoteSûr, which is VoteSûr SAS, the "
                                        "provider under audit: without it, 1 other provider")


def test_vendors_besides_the_provider_pass(demo_case: Path) -> None:
    result = case_results(demo_case, '"VoteSûr", ', "")["EXPERT-002"]
    assert result.status is Status.PASS and result.message.code == "case.expert_002.pass"


def test_a_level_below_the_grid_is_a_finding(demo_case: Path) -> None:
    result = case_results(demo_case, "chosen_level = 2", "chosen_level = 1")["RISK-001"]
    assert result.status is Status.FAIL and result.text("en").startswith("chosen level 1 is below the level 2 computed from the grid")


def test_an_independence_criterion_answered_false_fails(demo_case: Path) -> None:
    result = case_results(demo_case, "no_interest_in_provider = true", "no_interest_in_provider = false")
    assert result["EXPERT-001"].status is Status.FAIL


def test_cross_check_messages_read_in_both_languages(demo_case: Path) -> None:
    results = [case_results(demo_case)[c] for c in ("RISK-004", "EXPERT-002")]
    results.append(case_results(demo_case, "q02 = false", "q02 = true")["RISK-004"])
    results.append(case_results(demo_case, '"ScrutinPlus", ', "")["EXPERT-002"])
    assert not language_problems(results_named(results))


# --- judgments set aside, on the console ---

SET_ASIDE = '''
[judgments."3-01"]
status = "met"
rationale = "Au-delà du niveau retenu."

[judgments."1-01"]
status = "met"
rationale = "Sans pièce."
'''


def plant_set_aside(demo_case: Path) -> None:
    toml = demo_case / "case.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('evidence = ["docs/authentification.md"]', 'evidence = ["docs/absente.pdf"]', 1)
    toml.write_text(text.replace("[board]\n", SET_ASIDE + "\n[board]\n", 1), encoding="utf-8")


def test_judgments_set_aside_are_said_on_the_console_by_assess(run_cli, demo_case: Path) -> None:
    plant_set_aside(demo_case)
    proc = run_cli("assess", demo_case)
    message = " ".join(proc.stderr.split())
    assert "judgment 3-01 of case.toml set aside: objective 3-01 is of level 3, above level 2 chosen" in message
    assert "judgment 1-01 of case.toml: expert judgment set aside: nothing is met without evidence" in message
    assert "judgment 1-03 of case.toml: cited evidence not found in the case folder: docs/absente.pdf" in message
    proc = run_cli("assess", demo_case, env={"EXPERTISE_LANG": "fr"})
    assert "jugement 3-01 de case.toml écarté" in " ".join(proc.stderr.split())


def test_judgments_set_aside_are_said_on_the_console_by_report(run_cli, demo_case: Path) -> None:
    plant_set_aside(demo_case)
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    proc = run_cli("report", demo_case, "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    message = " ".join(proc.stderr.split())
    for item in ("3-01", "1-01", "1-03"):
        assert f"judgment {item} of case.toml" in message, item
    results = json.loads((demo_case / "report" / "results.json").read_text(encoding="utf-8"))
    assert {"3-01", "1-01", "1-03"} <= {entry["args"]["item"] for entry in results["set_aside"]}
    assert "1-02" not in {entry["args"]["item"] for entry in results["set_aside"]}  # its evidence exists


# --- the tool's hints are not the expert's words ---

@pytest.mark.parametrize("lang,label", [("fr", "Indication de l’outil (non validée par l’expert)"),
                                        ("en", "Tool hint (not endorsed by the expert)")])
def test_hints_are_labelled_as_the_tools(run_cli, demo_case: Path, lang: str, label: str) -> None:
    assert run_cli("registers", "check", demo_case).returncode in (0, 1)
    proc = run_cli("report", demo_case, "--no-pdf", "--lang", lang)
    assert proc.returncode == 0, proc.stderr
    html = (demo_case / "report" / "report.html").read_text(encoding="utf-8")
    framework = catalogue_mod.load().framework
    unjudged = next(o for o in framework.applicable(2) if o.id not in load_case(demo_case).data.judgments and o.hint_fr)
    hint = unjudged.hint_fr if lang == "fr" else unjudged.hint_en
    block = re.search(r'<div class="tool-hint"><span class="tool-hint-label">([^<]*)</span>([^<]*)</div>', html)
    assert block is not None
    assert block.group(1).replace("\u202f", " ").replace("\xa0", " ").startswith(label)
    shown = re.sub(r"\s+", " ", html.replace("&#39;", "'").replace("\u202f", " ").replace("\xa0", " "))
    assert re.sub(r"\s+", " ", hint)[:40].replace("\u202f", " ") in shown
    # a judged objective shows the expert's words, no hint
    judged = next(o for o in framework.applicable(2) if o.id == "1-08")
    assert (judged.hint_fr if lang == "fr" else judged.hint_en)[:40] not in shown
    assert ".tool-hint" in html  # its own style
