"""Fixtures of the board tests: elections made with belenios-tool once per session, sample boards.

Set EXPERTISE_TEST_CACHE to a folder to keep the generated elections between runs (they are
keyed by their parameters); by default they live in the session's temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest

from . import belenios_gen as gen

HERE = Path(__file__).resolve().parent


SPECS: dict[str, gen.ElectionSpec] = {
    # a homomorphic election with a revote and an abstention
    "homomorphic": gen.ElectionSpec(voters=8, revotes=1, abstain=1, seed=1, name="Homomorphic"),
    # blank vote allowed, choose 1 to 2 of 4
    "blank": gen.ElectionSpec(voters=8, candidates=4, minimum=1, maximum=2, blank=True, seed=2, name="Blank"),
    # weighted voters and revotes
    "weights": gen.ElectionSpec(voters=8, weights=True, revotes=2, seed=3, name="Weights"),
    # one mandatory trustee + Pedersen 2-of-3 with member 1 absent at decryption
    "threshold": gen.ElectionSpec(voters=8, candidates=4, minimum=1, maximum=2, blank=True, singles=1,
                                  threshold=(2, 3), absent_member=1, revotes=1, abstain=1, seed=4, name="Threshold"),
    # mixnet: a homomorphic and a non-homomorphic (ranking) question, RFC-3526-2048
    "mixnet": gen.ElectionSpec(voters=5, nh_candidates=4, seed=5, name="Mixnet"),
    # the other group, homomorphic only
    "rfc": gen.ElectionSpec(voters=5, group="RFC-3526-2048", seed=6, name="RFC 3526"),
    # a board during the vote (no EndBallots yet)
    "voting": gen.ElectionSpec(voters=6, stop="voting", seed=7, name="Open vote"),
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_tool: the test runs Debian's belenios-tool")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if gen.tool_available():
        return
    skip = pytest.mark.skip(reason="belenios-tool is not installed (make test installs it)")
    for item in items:
        if "needs_tool" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def board_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("EXPERTISE_TEST_CACHE")
    if configured:
        path = Path(configured) / "boards"
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("boards")


@pytest.fixture(scope="session")
def election(board_cache: Path) -> Callable[[str], gen.Election]:
    """election("homomorphic") → a whole election made with belenios-tool (once per session)."""
    made: dict[str, gen.Election] = {}

    def get(name: str) -> gen.Election:
        if name not in made:
            made[name] = gen.cached_election(SPECS[name], board_cache)
        return made[name]

    return get
