"""Regenerate the demo board (fixtures/demo/board/) with belenios-tool.

    PYTHONPATH=. python -m tests.board.make_demo_board

The demo case (fixtures/demo/case.toml) declares 1 850 voters and two decryption-key holders:
the election below has 1 850 credentials, two Single trustees, a blank vote, a few revotes,
and a copy of the board taken in the middle of the vote. Its [board] section in case.toml
gives the credential authority's fingerprint printed at the end.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

from . import belenios_gen as gen

HERE = Path(__file__).resolve().parent

TARGET = HERE.parents[1] / "fixtures" / "demo" / "board"

SPEC = gen.ElectionSpec(
    voters=1850, abstain=1850 - 64, revotes=4, candidates=4, minimum=1, maximum=1, blank=True, singles=2, seed=2026,
    name="CSE 2026 — Groupe Hexagone Mutualité — titulaires, collège unique",
    description="Élection des membres titulaires du comité social et économique (scrutin de liste, premier tour).",
    answers=("Liste A — Agir ensemble", "Liste B — Solidarité Hexagone", "Liste C — Cadres et techniciens",
             "Liste D — Indépendants"),
    question="Élection des membres titulaires du CSE : choisissez une liste",
)

# The demo's second ballot box (issue 13): the suppléants of the same college, same 1 850 voters,
# its own board (fixtures/demo/board-suppleants/), declared by the second [[box]] of fixtures/demo/boxes.toml.
SUPPLEANTS = dataclasses.replace(
    SPEC, abstain=1850 - 58, revotes=2, seed=2027,
    name="CSE 2026 — Groupe Hexagone Mutualité — suppléants, collège unique",
    description="Élection des membres suppléants du comité social et économique (scrutin de liste, premier tour).",
    question="Élection des membres suppléants du CSE : choisissez une liste",
)


def main(spec: gen.ElectionSpec = SPEC, target: Path = TARGET) -> None:
    """Write one demo board (the titulaires' by default) and print its [board] keys."""
    SPEC, TARGET = spec, target  # noqa: N806 — the body below reads these names
    folder = TARGET.name
    with tempfile.TemporaryDirectory() as scratch:
        made = gen.make_election(SPEC, Path(scratch) / "election")
        if made.tool_verdict[0] != 0:
            raise SystemExit(f"belenios-tool rejects the demo board: {made.tool_verdict}")
        if TARGET.exists():
            shutil.rmtree(TARGET)
        (TARGET / "snapshots").mkdir(parents=True)
        shutil.copy(made.board, TARGET / made.board.name)
        shutil.copy(made.snapshots["mid_voting"], TARGET / "snapshots" / "mi-scrutin.bel")
        (TARGET / "README.md").write_text(
            "# Urne de démonstration\n\n"
            "Urne Belenios 2.0 produite avec `belenios-tool` (Debian) par `tests/board/make_demo_board.py` : "
            f"{SPEC.voters} accréditations, {SPEC.voters - SPEC.abstain} votants, {SPEC.revotes} revotes, "
            "vote blanc possible, deux autorités de déchiffrement. `snapshots/mi-scrutin.bel` est une copie de "
            "l'urne prise au milieu du scrutin.\n\n"
            f"- uuid : `{made.uuid}`\n- empreinte des accréditations publiques (autorité de génération) : "
            f"`{made.credentials_fingerprint}`\n- résultat attendu (d'après les votes en clair) : "
            f"`{made.expected['result']}`\n", encoding="utf-8")
        print(f'path = "{folder}/{made.board.name}"')
        print(f'credentials_fingerprint = "{made.credentials_fingerprint}"')
        print(f'snapshots = ["{folder}/snapshots/mi-scrutin.bel"]')


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["suppleants"]:
        main(SUPPLEANTS, TARGET.parent / "board-suppleants")
    else:
        main()
