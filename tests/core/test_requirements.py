"""The requirement catalogue and the traceability matrix (issue 12, docs/requirements.md).

The catalogue's promise is that nothing the CNIL texts require is forgotten: every sentence of a
framework's source text that states a requirement is a requirement, an objective, an element, a
guarantee, or is listed as not being one with the reason. The detector is deliberately wide
(REQUIREMENT_WORDS); a sentence it flags wrongly is listed in the framework's
[[not_requirements]], never silently skipped.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from expertise import catalogue as catalogue_mod
from expertise.assess import Conclusion, assess
from expertise.case import Answer, load_case
from expertise.catalogue import Framework, Requirement
from expertise.cli import cli
from expertise.errors import CaseError, CatalogueError, UsageError
from expertise.i18n import msg
from expertise.paths import checks_dir
from expertise.requirements import decide_requirement, markdown, matrix
from expertise.results import Result, Status
from expertise.seal.reuse import assess_reuse

REPO = Path(__file__).resolve().parents[2]
FRAMEWORKS = checks_dir() / "frameworks"

# Words by which a French regulatory sentence states an obligation or a recommendation.
REQUIREMENT_WORDS = re.compile(
    r"\b(doit|doivent|devra|devront|devrait|recommande|déconseille|il convient|nécessaire|obligatoire|"
    r"impérati|exig|interdit|ne peut|ne peuvent|veiller|s'assurer|s’assurer|prévoit|prévoir)", re.IGNORECASE)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def sentences(text: str) -> list[str]:
    """The text's sentences: a period, semicolon, colon … followed by a capital, a quote or a dash."""
    flat = _flat(text)
    return [s.strip() for s in re.split(r"(?<=[.;:!?])\s+(?=[A-ZÀ-ÖØ-Ý«\-–•―])", flat) if s.strip()]


def requirement_sentences(text: str) -> list[str]:
    return [s for s in sentences(text) if REQUIREMENT_WORDS.search(s)]


def _shipped() -> list[Framework]:
    return list(catalogue_mod.load().frameworks.values())


def _source(framework: Framework) -> str:
    return (FRAMEWORKS / framework.source_text).read_text(encoding="utf-8")


def _mapped_texts(framework: Framework) -> list[str]:
    return ([r.text_fr for r in framework.requirements] + [o.text_fr for o in framework.objectives]
            + [e.text_fr for e in framework.elements] + [g.text_fr for g in framework.guarantees]
            + [n.text_fr for n in framework.not_requirements])


def test_both_cnil_texts_are_frameworks_with_their_source() -> None:
    frameworks = catalogue_mod.load().frameworks
    assert {"cnil-2019-053", "cnil-2012-083"} <= set(frameworks)
    for framework in frameworks.values():
        assert framework.source_text and (FRAMEWORKS / framework.source_text).is_file(), framework.id
        assert framework.requirements, framework.id


@pytest.mark.parametrize("framework", _shipped(), ids=lambda f: f.id)
def test_every_source_sentence_is_verbatim(framework: Framework) -> None:
    source = _flat(_source(framework))
    for text in [r.text_fr for r in framework.requirements] + [n.text_fr for n in framework.not_requirements]:
        assert _flat(text) in source, f"{framework.id}: not in {framework.source_text}: {text!r}"


@pytest.mark.parametrize("framework", _shipped(), ids=lambda f: f.id)
def test_every_requirement_sentence_is_mapped(framework: Framework) -> None:
    mapped = [_flat(t) for t in _mapped_texts(framework)]
    unmapped = [s for s in requirement_sentences(_source(framework))
                if not any(t in s or s in t for t in mapped)]
    assert not unmapped, f"{framework.id}: sentences stating a requirement mapped to nothing:\n" + "\n".join(unmapped)


@pytest.mark.parametrize("framework", _shipped(), ids=lambda f: f.id)
def test_every_exclusion_is_a_flagged_sentence_with_a_reason(framework: Framework) -> None:
    flagged = requirement_sentences(_source(framework))
    for item in framework.not_requirements:
        assert item.why.strip()
        assert any(_flat(item.text_fr) in s for s in flagged), f"stale exclusion: {item.text_fr!r}"


def test_the_detector_flags_an_unmapped_requirement() -> None:
    """The test above would fail on a sentence nobody mapped (the detector is not vacuous)."""
    text = "Contexte sans portée. Le prestataire doit détruire les copies. Fin du texte."
    assert requirement_sentences(text) == ["Le prestataire doit détruire les copies."]


def test_the_issue_items_are_covered() -> None:
    """Issue 12 names these; each is a requirement (with its coverage)."""
    cat = catalogue_mod.load()
    r19 = {r.id: r for r in cat.frameworks["cnil-2019-053"].requirements}
    r12 = {r.id: r for r in cat.frameworks["cnil-2012-083"].requirements}
    for rid in ("19-advice-high-threat", "19-dpia", "19-voter-note", "19-rgaa", "19-phases", "19-pentest",
                "19-pentest-annex", "19-report-recipients", "19-opening-hours", "19-voter-files-purpose",
                "19-technicians-confidentiality", "19-official-lists", "19-go-back", "19-confirmation",
                "19-all-options", "19-mixed-same-options", "19-expert-duties", "19-custody-under-seal",
                "19-custody-commission", "19-provider-transfer", "19-destruction"):
        assert rid in r19, rid
    for rid in ("12-independence-workshop", "12-rgs", "12-test-platform", "12-fraud-note", "12-scratch-card",
                "12-recovery-link", "12-provider-destruction", "12-separate-providers"):
        assert rid in r12, rid
    assert r19["19-pentest"].levels == (2, 3) and r19["19-pentest-annex"].levels == (2, 3)
    assert "REG-004" in r19["19-mixed-vote-once"].checks


def _copy_checks(tmp_path: Path) -> Path:
    root = tmp_path / "checks"
    shutil.copytree(checks_dir(), root)
    return root


@pytest.mark.parametrize(("old", "new", "named"), [
    ('checks = ["EXPERT-001"]', 'checks = ["EXPERT-999"]', "12-independence-no-financial-interest.*EXPERT-999"),
    ('question = true\ntext_fr = "De plus', 'text_fr = "De plus', "12-fraud-note"),
], ids=["unknown-check", "covered-by-nothing"])
def test_a_badly_mapped_requirement_is_refused(tmp_path: Path, old: str, new: str, named: str) -> None:
    """A requirement citing a check id that does not exist, or covered by nothing, stops the catalogue."""
    root = _copy_checks(tmp_path)
    path = root / "frameworks" / "cnil-2012-083.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(CatalogueError, match=named):
        catalogue_mod.load.__wrapped__(root)


# ---------------------------------------------------------------- the combination rule

def _req(checks: tuple[str, ...] = (), question: bool = True, levels: tuple[int, ...] = (1, 2, 3)) -> Requirement:
    return Requirement("X-1", "texte", "summary", levels, checks, question)


def _result(check: str, status: Status) -> Result:
    return Result(check, status, msg("common.verbatim", text="x"))


def _never(ref: str) -> bool:
    return False


def _always(ref: str) -> bool:
    return True


def test_nothing_known_is_not_assessed() -> None:
    status, notes = decide_requirement(_req(), 2, [], None, _always)
    assert status is Conclusion.NOT_ASSESSED and [n.code for n in notes] == ["requirements.note.unanswered"]


def test_a_failing_check_is_not_met_whatever_the_answer() -> None:
    yes = Answer(answer="yes", rationale="r", evidence=["doc.pdf"])
    status, notes = decide_requirement(_req(("A-1",)), 2, [_result("A-1", Status.FAIL)], yes, _always)
    assert status is Conclusion.NOT_MET and notes[-1].args["checks"] == "A-1"


def test_the_answer_no_is_not_met() -> None:
    status, _ = decide_requirement(_req(), 2, [], Answer(answer="no"), _always)
    assert status is Conclusion.NOT_MET


def test_yes_needs_evidence_that_exists_or_a_passing_check() -> None:
    answer = Answer(answer="yes", rationale="r", evidence=["absent.pdf"])
    status, notes = decide_requirement(_req(), 2, [], answer, _never)
    assert status is Conclusion.NOT_ASSESSED
    assert [n.code for n in notes] == ["requirements.note.evidence_not_found", "requirements.note.no_evidence"]
    status, _ = decide_requirement(_req(), 2, [], answer, _always)
    assert status is Conclusion.MET
    status, _ = decide_requirement(_req(("A-1",)), 2, [_result("A-1", Status.PASS)], answer, _never)
    assert status is Conclusion.MET


def test_checks_alone_meet_a_requirement_without_question_only_when_all_ran_and_passed() -> None:
    req = _req(("A-1", "A-2"), question=False)
    both = [_result("A-1", Status.PASS), _result("A-2", Status.PASS)]
    assert decide_requirement(req, 1, both, None, _always)[0] is Conclusion.MET
    assert decide_requirement(req, 1, both[:1], None, _always)[0] is Conclusion.NOT_ASSESSED
    errored = [both[0], _result("A-2", Status.ERROR)]
    assert decide_requirement(req, 1, errored, None, _always)[0] is Conclusion.NOT_ASSESSED
    # with a question, passing checks are not enough
    assert decide_requirement(_req(("A-1", "A-2")), 1, both, None, _always)[0] is Conclusion.NOT_ASSESSED


def test_another_level_and_not_applicable() -> None:
    assert decide_requirement(_req(levels=(2, 3)), 1, [], None, _always)[0] is Conclusion.NOT_APPLICABLE
    status, notes = decide_requirement(_req(), 1, [], Answer(answer="not applicable"), _always)
    assert status is Conclusion.NOT_APPLICABLE and notes[0].code == "requirements.note.not_applicable_unjustified"


# ---------------------------------------------------------------- case.toml [answers]

def _with(case_dir: Path, extra: str, head: str = "") -> Path:
    path = case_dir / "case.toml"
    text = path.read_text(encoding="utf-8")
    if head:
        text = text.replace('language = "fr"\n', f'language = "fr"\n{head}\n', 1)
    path.write_text(text + "\n" + extra, encoding="utf-8")
    return case_dir


def test_an_unknown_requirement_is_refused_naming_the_field(demo_case: Path) -> None:
    _with(demo_case, '[answers."19-nope"]\nanswer = "yes"\n')
    with pytest.raises(CaseError) as info:
        load_case(demo_case)
    assert info.value.message.code == "case.toml.unknown_requirements"
    assert info.value.field == "answers"


def test_a_requirement_of_a_framework_the_case_does_not_name_is_refused(tmp_path: Path, demo_case: Path) -> None:
    text = (demo_case / "case.toml").read_text(encoding="utf-8").replace(
        'related_frameworks = ["cnil-2012-083"]\n', "")
    (demo_case / "case.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CaseError) as info:
        load_case(demo_case)
    assert info.value.message.code == "case.toml.unknown_requirements"


def test_a_bad_answer_names_the_field(demo_case: Path) -> None:
    _with(demo_case, '[answers."19-dpia"]\nanswer = "maybe"\n')
    with pytest.raises(CaseError) as info:
        load_case(demo_case)
    assert info.value.field == "answers.19-dpia.answer"
    assert info.value.message.code == "case.toml.one_of"


def test_an_unknown_framework_is_refused(demo_case: Path) -> None:
    text = (demo_case / "case.toml").read_text(encoding="utf-8").replace(
        'framework = "cnil-2019-053"', 'framework = "cnil-2030-001"')
    (demo_case / "case.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CaseError) as info:
        load_case(demo_case)
    assert info.value.field == "framework"
    assert info.value.message.code == "case.toml.unknown_framework"


def test_the_demo_matrix_lists_both_texts_and_leaves_the_rest_not_assessed(demo_case: Path) -> None:
    _with(demo_case, '[answers."19-dpia"]\nanswer = "yes"\nevidence = ["docs/aipd-absente.pdf"]\n')
    rows = {row.requirement.id: row for row in matrix(assess(load_case(demo_case)))}
    cat = catalogue_mod.load()
    every = [r.id for f in cat.frameworks.values() for r in f.requirements]
    assert sorted(rows) == sorted(every)
    assert rows["19-voter-note"].status is Conclusion.MET
    assert rows["19-rgaa"].status is Conclusion.NOT_APPLICABLE
    assert rows["12-independence-workshop"].status is Conclusion.NOT_MET
    assert rows["19-pentest"].status is Conclusion.NOT_ASSESSED  # level 2 without penetration tests
    assert rows["19-advice-high-threat"].status is Conclusion.NOT_APPLICABLE  # a level-3 matter
    dpia = rows["19-dpia"]
    assert dpia.status is Conclusion.NOT_ASSESSED
    assert dpia.notes[0].code == "requirements.note.evidence_not_found"
    assert "docs/aipd-absente.pdf" in dpia.notes[0].args["refs"]
    unassessed = [r for r in rows.values() if r.status is Conclusion.NOT_ASSESSED]
    assert len(unassessed) > len(rows) / 2


# ---------------------------------------------------------------- a new edition is data

TOY_FRAMEWORK = '''
id = "toy-2030"
version = "2030-01-01"
title_fr = "Référentiel jouet"
title_en = "Toy framework"
source = "tests"
source_text = "sources/toy.txt"
grid = "toy-grid"

[reuse]
level_1_months = 6

[[levels]]
id = 1
inherits_from = []

[[objectives]]
id = "T-01"
level = 1
automation = "none"
text_fr = "Chiffrer le bulletin."
summary_en = "Encrypt the ballot."

[[requirements]]
id = "toy-https"
levels = [1]
checks = ["TLS-001"]
text_fr = "Le site doit utiliser HTTPS."
summary_en = "HTTPS only."

[[requirements]]
id = "toy-note"
levels = [1]
question = true
text_fr = "Une note doit être remise aux électeurs."
summary_en = "A note to voters."
'''

TOY_GRID = '''
id = "toy-grid"
title_fr = "Grille jouet"
title_en = "Toy grid"

[[statements]]
id = "t1"
text_fr = "Le scrutin est important."
risk_when = true

[[thresholds]]
level = 1
min = 0
max = 1
'''


def test_a_new_framework_is_a_framework_file_and_a_grid_file(tmp_path: Path, demo_case: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy_checks(tmp_path)
    (root / "frameworks" / "toy-2030.toml").write_text(TOY_FRAMEWORK, encoding="utf-8")
    (root / "frameworks" / "sources" / "toy.txt").write_text(
        "Préambule. Le site doit utiliser HTTPS. Une note doit être remise aux électeurs.\n", encoding="utf-8")
    (root / "risk" / "toy-grid.toml").write_text(TOY_GRID, encoding="utf-8")
    monkeypatch.setattr(catalogue_mod, "checks_dir", lambda: root)
    catalogue_mod.load.cache_clear()
    try:
        toy = catalogue_mod.load(framework_id="toy-2030")
        assert toy.grid.id == "toy-grid" and [o.id for o in toy.framework.objectives] == ["T-01"]
        assert requirement_sentences((root / "frameworks" / "sources" / "toy.txt").read_text()) == [
            "Le site doit utiliser HTTPS.", "Une note doit être remise aux électeurs."]
        text = (demo_case / "case.toml").read_text(encoding="utf-8")
        text = text.replace('framework = "cnil-2019-053"', 'framework = "toy-2030"').replace(
            'related_frameworks = ["cnil-2012-083"]', "related_frameworks = []")
        text = re.sub(r"\[risk\.answers\][^\[]*", '[risk.answers]\nt1 = false\n\n', text)
        text = re.sub(r'chosen_level = 2', "chosen_level = 1", text)
        text = re.sub(r'(?ms)^\[judgments\.[^\n]*\n.*?(?=^\[)', "", text)
        text = re.sub(r'(?ms)^\[answers\.[^\n]*\n.*?(?=^\[|^#)', "", text)
        text = text.split("# --- The expert's own findings")[0]  # they name objectives of the CNIL text
        text += '\n[answers."toy-note"]\nanswer = "yes"\nevidence = ["docs/architecture.md"]\n'
        (demo_case / "case.toml").write_text(text, encoding="utf-8")
        assessment = assess(load_case(demo_case))
        assert assessment.catalogue.framework.id == "toy-2030"
        assert [row.objective.id for row in assessment.objectives] == ["T-01"]
        rows = {row.requirement.id: row.status for row in matrix(assessment)}
        assert rows == {"toy-https": Conclusion.NOT_ASSESSED, "toy-note": Conclusion.MET}
        with pytest.raises(UsageError) as refused:  # the framework's own re-use windows: level 1 only
            assess_reuse(tmp_path, tmp_path, date(2029, 1, 1), 2, framework_id="toy-2030")
        assert refused.value.field == "--level" and refused.value.message.args["levels"] == "1"
        listed = CliRunner().invoke(cli, ["requirements", "--framework", "toy-2030", "--json"])
        assert listed.exit_code == 0, listed.output
        assert [r["id"] for r in json.loads(listed.output)[0]["requirements"]] == ["toy-https", "toy-note"]
    finally:
        catalogue_mod.load.cache_clear()


# ---------------------------------------------------------------- command line and docs

def test_requirements_command_lists_both_frameworks_and_refuses_an_unknown_one() -> None:
    listed = CliRunner().invoke(cli, ["requirements", "--json"])
    assert listed.exit_code == 0
    data = {f["id"]: f for f in json.loads(listed.output)}
    assert {"cnil-2019-053", "cnil-2012-083"} <= set(data)
    assert data["cnil-2019-053"]["version"] == "2019-04-25"
    from expertise.cli import main
    with pytest.raises(SystemExit) as exit_info:
        main(["requirements", "--framework", "nope"])
    assert exit_info.value.code == 2


def test_checks_command_names_the_requirements_a_check_supports() -> None:
    listed = CliRunner().invoke(cli, ["checks", "--json"])
    rows = {row["id"]: row for row in json.loads(listed.output)}
    assert "19-mixed-vote-once" in rows["REG-004"]["requirements"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_generated_matrix_in_docs_is_current(lang: str) -> None:
    frameworks = list(catalogue_mod.load().frameworks.values())
    expected = markdown(frameworks, lang).strip()
    shipped = (REPO / "docs" / f"requirements-matrix.{lang}.md").read_text(encoding="utf-8").strip()
    assert shipped == expected, f"regenerate: expertise requirements --markdown --lang {lang} > docs/requirements-matrix.{lang}.md"


def test_checks_command_names_the_requirements_each_check_supports(run_cli) -> None:
    plain = run_cli("checks")
    assert plain.returncode == 0
    [row] = [line for line in plain.stdout.splitlines() if line.startswith("DIST-001 ")]
    assert "12-separate-providers" in row and "12-separation-necessary" in row
    listed = {c["id"]: c["requirements"] for c in json.loads(run_cli("checks", "--json").stdout)}
    assert "12-separation-necessary" in listed["DIST-002"]
