"""Rules of the seal domain on recorded observations (tests/seal/data/, made by real seal runs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expertise import catalogue
from expertise.seal.rules import RULES as SEAL_RULES
from expertise.domain import evaluate
from expertise.domains import check_registry_matches
from expertise.seal.observation import SealObservation

DATA = Path(__file__).parent / "data"


def observation(name: str) -> SealObservation:
    return SealObservation.model_validate_json((DATA / name).read_text(encoding="utf-8"))


def verdicts(name: str) -> dict[str, str]:
    results = evaluate(SEAL_RULES, observation(name), catalogue.load())
    assert len({r.check_id for r in results}) == len(results), "one result per check"
    return {r.check_id: r.status.value for r in results}


def messages(name: str) -> dict[str, str]:
    return {r.check_id: r.text("en") for r in evaluate(SEAL_RULES, observation(name), catalogue.load())}


def test_every_seal_check_has_a_rule_and_metadata() -> None:
    missing_rule, missing_meta = check_registry_matches(catalogue.load())
    assert not {i for i in missing_rule | missing_meta if i.startswith("SEAL-")}
    meta = catalogue.load().checks
    assert all("1-10" in meta[f"SEAL-{n:03d}"].objectives for n in range(1, 12))
    assert "2-02" in meta["SEAL-009"].objectives and "G1" in meta["SEAL-009"].guarantees
    assert {"source-code", "sealing"} <= {
        e for m in meta.values() if m.id.startswith("SEAL-") for e in m.elements
    }


def test_clean_seal_before_the_vote() -> None:
    assert verdicts("create-clean.json") == {
        "SEAL-001": "pass",
        "SEAL-002": "pass",
        "SEAL-003": "pass",
        "SEAL-004": "pass",
        "SEAL-005": "pass",
        "SEAL-006": "pass",
        "SEAL-007": "not_applicable",
        "SEAL-008": "pass",
        "SEAL-009": "not_applicable",
        "SEAL-010": "manual",
    }
    assert "after it closes on 2026-12-08T17:00:00+01:00" in messages("create-clean.json")["SEAL-010"]


def test_seal_with_every_finding() -> None:
    assert verdicts("create-findings.json") == {
        "SEAL-001": "fail",
        "SEAL-002": "fail",
        "SEAL-003": "fail",
        "SEAL-004": "fail",
        "SEAL-005": "pass",
        "SEAL-006": "fail",
        "SEAL-007": "manual",
        "SEAL-008": "fail",
        "SEAL-009": "not_applicable",
        "SEAL-010": "manual",
    }
    text = messages("create-findings.json")
    assert "tree:secret" in text["SEAL-001"]
    assert (
        "1 uncommitted change (M app.py)" in text["SEAL-002"]
        and "1 untracked file (new.py)" in text["SEAL-002"]
    )
    assert "tree:pipe" in text["SEAL-003"]
    assert "tree:out" in text["SEAL-004"] and "tree:a, tree:b" in text["SEAL-004"]
    assert "after the vote opened" in text["SEAL-008"] and "no verified time-stamp" in text["SEAL-008"]
    assert "uname and packages not recorded" in text["SEAL-007"]
    assert "'uname -a': exit status 1" in text["SEAL-007"]


def test_verified_identical_after_the_vote() -> None:
    found = verdicts("verify-after-vote-identical.json")
    assert found["SEAL-009"] == "pass" and found["SEAL-010"] == "pass"
    assert found["SEAL-006"] == "manual"  # the token covers SHA256SUMS but its chain was not checked


def test_verified_with_differences_after_the_vote() -> None:
    found = verdicts("verify-after-vote-differences.json")
    assert found["SEAL-009"] == "fail" and found["SEAL-010"] == "fail"
    assert "modified votesur:app.py" in messages("verify-after-vote-differences.json")["SEAL-009"]


def test_broken_seal_cannot_be_compared() -> None:
    assert verdicts("verify-broken.json") == {"SEAL-005": "fail", "SEAL-009": "error"}
    assert "bad signature" in messages("verify-broken.json")["SEAL-005"]
    result = {r.check_id: r for r in evaluate(SEAL_RULES, observation("verify-broken.json"), catalogue.load())}
    assert result["SEAL-005"].message.args["error"].args["error"].code == "seal.broken.bad_signature"


def test_unreadable_source_is_an_error_not_a_pass() -> None:
    found = verdicts("verify-source-error.json")
    assert found["SEAL-009"] == "error" and found["SEAL-010"] == "manual"
    assert "Connection refused" in messages("verify-source-error.json")["SEAL-009"]


@pytest.mark.parametrize(
    "name, status",
    [("reuse-eligible.json", "pass"), ("reuse-manual.json", "manual"), ("reuse-level3.json", "fail")],
)
def test_reuse(name: str, status: str) -> None:
    assert verdicts(name) == {"SEAL-011": status}


def test_files_ignored_by_gitignore_are_named_but_not_a_finding() -> None:
    clean = observation("create-clean.json")
    header = json.loads(json.dumps(clean.header))
    header["sources"][0]["working_tree"].update(ignored_count=2, ignored=["build/app.so", "local.env"])
    results = {
        r.check_id: r for r in evaluate(SEAL_RULES, clean.model_copy(update={"header": header}), catalogue.load())
    }
    assert results["SEAL-002"].status.value == "pass"
    assert "2 files ignored by .gitignore, not sealed: build/app.so, local.env" in results["SEAL-002"].text("en")
    assert "2 fichiers ignorés par .gitignore" in results["SEAL-002"].text("fr")


@pytest.mark.parametrize(("change", "reason_code"), [
    ({"created": None}, "seal.seal_008.undated"),
    ({"created": "le premier décembre"}, "seal.seal_008.unreadable_time"),
])
def test_seal_time_that_cannot_be_established_is_could_not_test(change: dict, reason_code: str) -> None:  # type: ignore[type-arg]
    """Without a readable time, SEAL-008 says it could not test (naming why), never fails nor crashes."""
    obs = observation("create-clean.json")
    header = {k: v for k, v in obs.header.items() if k != "created"}
    if change["created"] is not None:
        header["created"] = change["created"]
    obs = obs.model_copy(update={"header": header, "timestamp": None})
    result = next(r for r in evaluate(SEAL_RULES, obs, catalogue.load()) if r.check_id == "SEAL-008")
    assert result.status.value == "error"
    assert result.message.code == "seal.seal_008.untested"
    assert result.message.args["reason"].code == reason_code
    assert "could not test" in result.text("en")
