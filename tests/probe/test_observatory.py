"""The MDN HTTP Observatory reading of headers, and its score."""

from __future__ import annotations

import pytest

from expertise.probe import observatory as obs
from expertise.probe.observations import HttpExchange, HttpObservation


@pytest.mark.parametrize("score,grade", [(135, "A+"), (100, "A+"), (99, "A"), (90, "A"), (89, "A-"), (85, "A-"),
                                         (84, "B+"), (70, "B"), (65, "B-"), (60, "C+"), (50, "C"), (45, "C-"),
                                         (40, "D+"), (30, "D"), (25, "D-"), (24, "F"), (0, "F"), (-30, "F")])
def test_grades(score: int, grade: str) -> None:
    assert obs.grade_for(score) == grade


def page(*headers: tuple[str, str], scripts=(), content_type="text/html") -> HttpObservation:  # type: ignore[no-untyped-def]
    exchange = HttpExchange(url="https://vote.example/", status=200, headers=list(headers),
                            content_type=content_type, scripts=list(scripts))
    return HttpObservation(url="https://vote.example/", host="vote.example", exchanges=[exchange])


def test_bare_page_scores_like_the_observatory() -> None:
    # csp -25, hsts -20, xcto -5, xfo -20, redirection 0 (no HTTP), others 0 → 30 (D)
    score = obs.observatory_score(page())
    assert score["score"] == 30 and score["grade"] == "D"
    assert score["tests"]["content-security-policy"]["result"] == "csp-not-implemented"


def test_bonuses_only_from_ninety() -> None:
    good = [("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
            ("Strict-Transport-Security", "max-age=31536000"), ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer")]
    assert obs.observatory_score(page(*good))["score"] == 100 + 10 + 5 + 5
    # one penalty of -20 (no HSTS) brings the score under 90: no bonus at all
    assert obs.observatory_score(page(*[h for h in good if h[0] != "Strict-Transport-Security"]))["score"] == 80


def test_csp_parsing_details() -> None:
    assert obs.parse_csp(["default-src 'self', script-src 'none'"]) == [{"default-src": ["'self'"]},
                                                                         {"script-src": ["'none'"]}]
    assert obs.parse_csp(["script-src a; script-src b"]) == [{"script-src": ["a"]}]  # first one wins
    with pytest.raises(obs.CspInvalid):
        obs.parse_csp(["scr!pt-src a"])
    # two policies: content must satisfy both, so the strict one neutralises the lax one
    both = page(("Content-Security-Policy", "script-src * 'unsafe-inline'"),
                ("Content-Security-Policy", "default-src 'self'; object-src 'none'"))
    assert obs.assess_csp(both.exchanges[0]).scripts_restricted


def test_cookie_expectations() -> None:
    secure = page(("Set-Cookie", "sessionid=1; Secure; HttpOnly; SameSite=Lax"))
    assert obs.observatory_score(secure)["tests"]["cookies"]["result"] == \
        "cookies-secure-with-httponly-sessions-and-samesite"
    leaky = page(("Set-Cookie", "sessionid=1"))
    assert obs.observatory_score(leaky)["tests"]["cookies"]["result"] == "cookies-session-without-secure-flag"
    csrf = page(("Set-Cookie", "csrftoken=1; Secure"), ("Strict-Transport-Security", "max-age=31536000"))
    assert obs.observatory_score(csrf)["tests"]["cookies"]["result"] == "cookies-anticsrf-without-samesite-flag"


def test_hsts_parsing() -> None:
    assert obs.parse_hsts("max-age=31536000; includeSubDomains; preload") == obs.Hsts(31536000, True, True)
    assert obs.parse_hsts('max-age="600"').max_age == 600
    assert obs.parse_hsts("max-age=1; max-age=2").invalid
    assert obs.parse_hsts(None) is None


def test_redirection_expectations() -> None:
    observation = page().model_copy(update={"plain": [HttpExchange(url="http://vote.example/", status=301,
                                                                   headers=[("Location", "https://vote.example/")])]})
    assert obs.observatory_score(observation)["tests"]["redirection"]["result"] == "redirection-to-https"
    observation = observation.model_copy(update={"plain": [HttpExchange(url="http://vote.example/", status=200)]})
    assert obs.observatory_score(observation)["tests"]["redirection"]["result"] == "redirection-missing"
