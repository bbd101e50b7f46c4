"""The catalogue against its legal source, its internal consistency and the rule registry."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from expertise import catalogue as catalogue_mod
from expertise.errors import CatalogueError
from expertise.paths import checks_dir
from expertise.domains import all_rules, check_registry_matches

SOURCE = checks_dir() / "frameworks" / "sources" / "deliberation-2019-053.txt"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed() -> str:
    return normalise(SOURCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cat() -> catalogue_mod.Catalogue:
    return catalogue_mod.load()


def test_twenty_three_objectives_by_level(cat: catalogue_mod.Catalogue) -> None:
    ids = [o.id for o in cat.framework.objectives]
    assert ids == [f"1-{n:02d}" for n in range(1, 12)] + [f"2-{n:02d}" for n in range(1, 8)] + \
        [f"3-{n:02d}" for n in range(1, 6)]
    assert all(o.level == int(o.id[0]) for o in cat.framework.objectives)


def test_levels_are_cumulative(cat: catalogue_mod.Catalogue) -> None:
    level1 = {o.id for o in cat.framework.applicable(1)}
    level2 = {o.id for o in cat.framework.applicable(2)}
    level3 = {o.id for o in cat.framework.applicable(3)}
    assert (len(level1), len(level2), len(level3)) == (11, 18, 23)
    assert level1 < level2 < level3


def test_every_objective_text_is_verbatim(cat: catalogue_mod.Catalogue, seed: str) -> None:
    for objective in cat.framework.objectives:
        sentence = f"Objectif de sécurité n° {objective.id} : {normalise(objective.text_fr)}"
        assert sentence in seed, f"{objective.id} differs from the recommendation"


def test_the_objective_texts_are_complete_sentences(cat: catalogue_mod.Catalogue, seed: str) -> None:
    """Each text runs up to the next objective (or the end of the list): nothing truncated."""
    for objective in cat.framework.objectives:
        start = seed.index(f"Objectif de sécurité n° {objective.id} : ") + len(f"Objectif de sécurité n° {objective.id} : ")
        following = seed[start + len(normalise(objective.text_fr)):].lstrip()
        assert following.startswith(("Objectif de sécurité", "Les solutions de vote", "Le responsable de traitement")), \
            objective.id


def test_elements_and_guarantees_are_verbatim(cat: catalogue_mod.Catalogue, seed: str) -> None:
    assert len(cat.framework.elements) == 8
    assert len(cat.framework.guarantees) == 7
    for item in (*cat.framework.elements, *cat.framework.guarantees):
        assert normalise(item.text_fr) in seed, item.id


def test_reuse_windows(cat: catalogue_mod.Catalogue) -> None:
    assert cat.framework.reuse_months == {1: 24, 2: 12, 3: 0}


def test_risk_grid_thresholds_cover_every_score(cat: catalogue_mod.Catalogue) -> None:
    assert len(cat.grid.statements) == 10
    assert [cat.grid.level_for(score) for score in range(11)] == [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]


def test_registry_and_catalogue_have_the_same_ids(cat: catalogue_mod.Catalogue) -> None:
    without_rule, without_metadata = check_registry_matches(cat)
    assert not without_rule, f"metadata without a rule: {sorted(without_rule)}"
    assert not without_metadata, f"rule without metadata: {sorted(without_metadata)}"
    assert set(all_rules()) == set(cat.checks)


def test_checks_cite_only_known_ids(cat: catalogue_mod.Catalogue) -> None:
    objective_ids = {o.id for o in cat.framework.objectives}
    for meta in cat.checks.values():
        assert set(meta.objectives) <= objective_ids
        assert meta.title_fr and meta.title_en


def test_an_unknown_objective_in_a_check_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "checks"
    (root / "frameworks").mkdir(parents=True)
    (root / "risk").mkdir()
    (root / "catalogue").mkdir()
    for rel in ("frameworks/cnil-2019-053.toml", "risk/cnil-2019-grid.toml"):
        (root / rel).write_bytes((checks_dir() / rel).read_bytes())
    (root / "catalogue" / "x.toml").write_text(
        '[[checks]]\nid = "X-001"\ntitle_fr = "a"\ntitle_en = "a"\nseverity = "low"\nobjectives = ["9-99"]\n')
    with pytest.raises(CatalogueError, match="9-99"):
        catalogue_mod.load.__wrapped__(root)


def test_a_duplicate_check_id_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    entry = '[[checks]]\nid = "X-001"\ntitle_fr = "a"\ntitle_en = "a"\nseverity = "low"\n'
    (folder / "a.toml").write_text(entry)
    (folder / "b.toml").write_text(entry)
    with pytest.raises(CatalogueError, match="duplicate check id X-001"):
        catalogue_mod.load_checks(folder)


def test_catalogue_files_are_valid_toml() -> None:
    for path in checks_dir().rglob("*.toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))
