"""The DIST rules on declared distributions: a clean one, each fault planted, each fact undeclared."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from expertise.distribution.config import Distribution
from expertise.distribution.observation import Delivery, DistributionObservation, Reissue
from expertise.distribution.rules import RULES
from expertise.results import Status

OPENS = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
CLOSES = datetime(2026, 12, 8, 16, 0, tzinfo=timezone.utc)
RULE = {r.check_id: r for r in RULES}

CLEAN: dict[str, Any] = {
    "material": [
        {"name": "identifiant", "kind": "identifier", "channel": "post", "letter": "courrier 1"},
        {"name": "mot de passe", "kind": "temporary_password", "channel": "sms_work", "letter": "SMS"},
        {"name": "code de rappel", "kind": "challenge_answer", "channel": "web", "drawn_from": "numéro de sécurité sociale"},
    ],
    "actors": [
        {"name": "Imprimerie", "role": "printer", "receives": ["identifiant"], "channels": ["post"]},
        {"name": "Routeur SMS", "role": "sms_sender", "receives": ["mot de passe"], "channels": ["sms_work"]},
        {"name": "Éditeur", "role": "vendor"},
    ],
    "public_list_fields": ["nom", "prénom", "année de naissance", "collège"],
    "second_round": "new_credentials",
    "alert": {"procedure": True, "published_in": ["intranet", "courrier 1"], "revocation": True, "reissue": True},
}


def observe(changes: dict[str, Any] | None = None, **extra: Any) -> DistributionObservation:
    declared = {**CLEAN, **(changes or {})}
    return DistributionObservation(declared=Distribution.model_validate(declared), opens=OPENS, closes=CLOSES,
                                   **extra)


def run(check: str, obs: DistributionObservation) -> list[Any]:
    return list(RULE[check].evaluate(obs))


def statuses(check: str, obs: DistributionObservation) -> set[Status]:
    return {r.status for r in run(check, obs)}


@pytest.mark.parametrize("check", ["DIST-001", "DIST-002", "DIST-003", "DIST-004", "DIST-005", "DIST-006", "DIST-007"])
def test_the_clean_distribution_passes(check: str) -> None:
    assert statuses(check, observe()) == {Status.PASS}


def material(**changed: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**m, **changed.get(m["name"].replace(" ", "_"), {})} for m in CLEAN["material"]]


def test_one_actor_holding_both_parts_fails_unless_traced_destruction() -> None:
    both = [{"name": "Routeur", "role": "mailer", "receives": ["identifiant", "mot de passe"]}]
    (result,) = run("DIST-001", observe({"actors": both}))
    assert result.status is Status.FAIL and result.subject == "Routeur"
    assert result.message.args["identifiers"] == ("identifiant",)
    # operating both channels is holding both parts
    channels = [{"name": "Routeur", "role": "mailer", "channels": ["post", "sms_work"]}]
    assert statuses("DIST-001", observe({"actors": channels})) == {Status.FAIL}
    traced = [{**both[0], "destruction_record": "PV de destruction du 20/11/2026"}]
    (result,) = run("DIST-001", observe({"actors": traced}))
    assert result.status is Status.PASS and result.message.code == "distribution.dist_001.destroyed"


def test_same_letter_or_same_electronic_channel_fails() -> None:
    same_letter = material(mot_de_passe={"channel": "post", "letter": "courrier 1"})
    assert [r.message.code for r in run("DIST-002", observe({"material": same_letter}))] == [
        "distribution.dist_002.same_letter"]
    same_sms = material(identifiant={"channel": "sms_work", "letter": "SMS 1"}, mot_de_passe={"letter": "SMS 2"})
    assert statuses("DIST-002", observe({"material": same_sms})) == {Status.FAIL}
    two_letters = material(mot_de_passe={"channel": "post", "letter": "courrier 2"})
    assert statuses("DIST-002", observe({"material": two_letters})) == {Status.PASS}
    unsaid = material(identifiant={"letter": ""}, mot_de_passe={"channel": "post", "letter": ""})
    assert statuses("DIST-002", observe({"material": unsaid})) == {Status.ERROR}


def test_password_in_clear_by_email_fails_a_one_time_link_does_not() -> None:
    clear = material(mot_de_passe={"kind": "password", "channel": "email_work"})
    (result,) = run("DIST-003", observe({"material": clear}))
    assert result.status is Status.FAIL and result.message.args["materials"] == ("mot de passe",)
    link = material(mot_de_passe={"kind": "one_time_link", "channel": "email_work"})
    assert statuses("DIST-003", observe({"material": link})) == {Status.PASS}


def test_challenge_answer_from_the_public_list_fails() -> None:
    birth = material(code_de_rappel={"drawn_from": "Année de naissance"})
    (result,) = run("DIST-004", observe({"material": birth}))
    assert result.status is Status.FAIL and result.message.args["field"] == "Année de naissance"
    assert statuses("DIST-004", observe({"public_list_fields": None})) == {Status.ERROR}
    assert statuses("DIST-004", observe({"material": material(code_de_rappel={"drawn_from": ""})})) == {Status.ERROR}
    none = [m for m in CLEAN["material"] if m["kind"] != "challenge_answer"]
    assert statuses("DIST-004", observe({"material": none})) == {Status.NOT_APPLICABLE}


def test_personal_channel_needs_the_voters_request() -> None:
    for request, expected in ((False, Status.FAIL), (None, Status.ERROR), (True, Status.PASS)):
        personal = material(mot_de_passe={"channel": "sms_personal", "at_voter_request": request})
        assert statuses("DIST-005", observe({"material": personal})) == {expected}, request


def test_second_round_reusing_credentials_fails() -> None:
    assert statuses("DIST-006", observe({"second_round": "same_credentials"})) == {Status.FAIL}
    assert statuses("DIST-006", observe({"second_round": "none"})) == {Status.NOT_APPLICABLE}
    assert statuses("DIST-006", observe({"second_round": None})) == {Status.ERROR}


def test_alert_procedure() -> None:
    assert statuses("DIST-007", observe({"alert": {"procedure": False}})) == {Status.FAIL}
    (result,) = run("DIST-007", observe({"alert": {"procedure": True, "revocation": False, "reissue": True}}))
    assert result.status is Status.FAIL and result.details["lacking"] == ["revocation", "published_in"]
    unsaid = {"procedure": True, "published_in": ["intranet"], "revocation": True}
    assert statuses("DIST-007", observe({"alert": unsaid})) == {Status.ERROR}


@pytest.mark.parametrize("check", ["DIST-001", "DIST-002", "DIST-003", "DIST-004", "DIST-005", "DIST-006", "DIST-007"])
def test_nothing_declared_is_never_a_pass(check: str) -> None:
    obs = DistributionObservation(declared=Distribution(), opens=OPENS, closes=CLOSES)
    results = run(check, obs)
    assert results and {r.status for r in results} <= {Status.ERROR}, [r.message.code for r in results]
    for r in results:
        assert "[" not in r.text("fr")[:1] and r.text("fr") != r.text("en")


def deliveries(channel: str, delivered: int, failed: int) -> tuple[Delivery, ...]:
    rows = [Delivery(voter=f"V{i:05d}", channel=channel, delivered=i < delivered,
                     at=OPENS - timedelta(days=2, minutes=i), line=i + 2) for i in range(delivered + failed)]
    return tuple(rows)


def with_logs(min_rate: float | None = None, **extra: Any) -> DistributionObservation:
    logs = {"delivery": "envois.csv", "reissues": "reeditions.csv"}
    if min_rate is not None:
        logs["min_delivery_rate"] = min_rate  # type: ignore[assignment]
    return observe({"logs": logs}, delivery_file="envois.csv", reissues_file="reeditions.csv", **extra)


def test_delivery_rate_below_the_threshold_fails_and_the_default_never_passes() -> None:
    (result,) = run("DIST-101", with_logs(deliveries=deliveries("sms", 11, 89)))
    assert result.status is Status.FAIL and result.message.args["rate"] == 11.0
    assert len(result.details["never_received"]) == 89 and result.details["per_hour"]
    (result,) = run("DIST-101", with_logs(deliveries=deliveries("sms", 99, 1)))
    assert result.status is Status.MANUAL  # the default threshold decides nothing by itself
    (result,) = run("DIST-101", with_logs(0.95, deliveries=deliveries("sms", 99, 1)))
    assert result.status is Status.PASS
    assert statuses("DIST-101", observe()) == {Status.ERROR}  # no log declared
    assert statuses("DIST-101", with_logs()) == {Status.ERROR}  # declared, not read


def test_reissue_without_identity_check_fails() -> None:
    rows = (Reissue(voter="V1", at=OPENS, identity_checked=True, line=2),
            Reissue(voter="V2", at=OPENS + timedelta(hours=1), identity_checked=False, line=3))
    (result,) = run("DIST-102", with_logs(reissues=rows))
    assert result.status is Status.FAIL and result.message.args["first_line"] == 3
    (result,) = run("DIST-102", with_logs(reissues=rows[:1]))
    assert result.status is Status.PASS


def test_a_reissue_after_the_voter_voted_is_for_the_expert() -> None:
    rows = (Reissue(voter="V1", at=OPENS + timedelta(hours=5), identity_checked=True, line=2),)
    (result,) = run("DIST-102", with_logs(reissues=rows, voted={"V1": OPENS + timedelta(hours=1)}))
    assert result.status is Status.MANUAL and result.details["after_the_voter_voted"][0]["line"] == 2
    (result,) = run("DIST-102", with_logs(reissues=rows, voted={"V1": OPENS + timedelta(hours=6)}))
    assert result.status is Status.PASS


def test_voters_never_reached_who_did_not_vote() -> None:
    rows = deliveries("sms", 8, 2)  # V00008 and V00009 never reached; V00009 voted by other means
    (result,) = run("DIST-101", with_logs(deliveries=rows, voted={"V00009": OPENS}))
    assert result.details["never_received_did_not_vote"] == ["V00008"]
    assert result.message.args["unreached"].code == "distribution.dist_101.never_received_did_not_vote"


@pytest.mark.parametrize("check", ["DIST-101", "DIST-102", "DIST-103", "DIST-104"])
def test_a_log_not_declared_or_not_read_is_could_not_test(check: str) -> None:
    assert statuses(check, observe()) == {Status.ERROR}
    logs = {"delivery": "a.csv", "reissues": "b.csv", "authentication": "c.csv", "administration": "d.csv"}
    assert statuses(check, observe({"logs": logs})) == {Status.ERROR}


def test_delivery_rates_are_per_round_when_the_export_names_rounds() -> None:
    """A good first round must not hide a failed second one (the 2022 annulments were one round's SMS)."""
    first = tuple(row.model_copy(update={"round": "1"}) for row in deliveries("sms", 99, 1))
    second = tuple(row.model_copy(update={"round": "2", "line": row.line + 1000})
                   for row in deliveries("sms", 11, 89))
    results = run("DIST-101", with_logs(0.95, deliveries=first + second))
    by_round = {r.details["round"]: r for r in results}
    assert set(by_round) == {"1", "2"}
    assert by_round["1"].status is Status.PASS and by_round["2"].status is Status.FAIL
    assert by_round["2"].message.args["channel"] == "sms (2)" and by_round["2"].message.args["rate"] == 11.0
