"""HTTP rules on recorded exchanges (nginx strong/weak) and variations of single headers."""

from __future__ import annotations

import pytest

from expertise.i18n import msg

from expertise.probe.observations import HttpExchange, HttpObservation, ProbeObservation, ScriptTag
from expertise.probe.observatory import ORIGIN_SENT
from expertise.results import Status

HTTPS_IDS = {f"HTTP-{n:03d}" for n in range(1, 13)}


@pytest.fixture
def strong_http(recorded) -> HttpObservation:
    return HttpObservation.model_validate(recorded("strong-https-observation.json"))


@pytest.fixture
def weak_http(recorded) -> HttpObservation:
    return HttpObservation.model_validate(recorded("weak-https-observation.json"))


def run(evaluate_probe, http: HttpObservation) -> dict:
    kind = "https" if http.url.startswith("https://") else "http"
    return evaluate_probe(ProbeObservation(kind=kind, target=http.url, http=http))


def with_headers(http: HttpObservation, drop: tuple[str, ...] = (), add: tuple[tuple[str, str], ...] = ()):
    final = http.exchanges[-1]
    headers = [(k, v) for k, v in final.headers if k.lower() not in {d.lower() for d in drop}] + list(add)
    return http.model_copy(update={"exchanges": [*http.exchanges[:-1], final.model_copy(update={"headers": headers})]})


def test_strong_page_passes_every_header_rule(evaluate_probe, strong_http) -> None:
    results = run(evaluate_probe, strong_http)
    assert set(results) == HTTPS_IDS
    assert {k for k, r in results.items() if r.status is not Status.PASS} == {"HTTP-012"}
    assert results["HTTP-012"].status is Status.INFORMATIONAL
    assert results["HTTP-012"].details["score"] == 135 and results["HTTP-012"].details["grade"] == "A+"


def test_weak_page_fails_every_header_rule_it_breaks(evaluate_probe, weak_http) -> None:
    results = run(evaluate_probe, weak_http)
    failing = sorted(k for k, r in results.items() if r.status is Status.FAIL)
    assert failing == ["HTTP-001", "HTTP-002", "HTTP-003", "HTTP-004", "HTTP-005", "HTTP-006", "HTTP-007",
                       "HTTP-008", "HTTP-010", "HTTP-011"]
    assert results["HTTP-012"].details["grade"] == "F"


@pytest.mark.parametrize("check,drop,add,expected,text", [
    ("HTTP-001", ("strict-transport-security",), (("Strict-Transport-Security", "max-age=86400"),), "fail", "86400"),
    ("HTTP-001", ("strict-transport-security",), (("Strict-Transport-Security", "max-age=abc"),), "fail", "invalid"),
    ("HTTP-001", ("strict-transport-security",), (("Strict-Transport-Security", "includeSubDomains"),), "fail",
     "no max-age"),
    ("HTTP-001", ("strict-transport-security",), (("Strict-Transport-Security", "max-age=15768000"),), "pass", ""),
    ("HTTP-002", ("content-security-policy",), (("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'"),),
     "fail", "inline"),
    ("HTTP-002", ("content-security-policy",), (("Content-Security-Policy", "script-src 'self'"),), "fail",
     "object-src"),
    ("HTTP-002", ("content-security-policy",), (("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-eval'"),),
     "fail", "unsafe-eval"),
    ("HTTP-002", ("content-security-policy",),
     (("Content-Security-Policy", "default-src 'self'; script-src 'nonce-r4nd0m' 'unsafe-inline' 'strict-dynamic'; object-src 'none'"),),
     "pass", ""),
    ("HTTP-002", ("content-security-policy",), (("Content-Security-Policy-Report-Only", "default-src 'none'"),),
     "fail", "Report-Only"),
    ("HTTP-002", ("content-security-policy",), (("Content-Security-Policy", "default-src 'self'; sc\u00efpt-src x"),),
     "fail", "cannot be parsed"),
    ("HTTP-003", ("x-content-type-options",), (), "fail", "no X-Content-Type-Options"),
    ("HTTP-003", ("x-content-type-options",), (("X-Content-Type-Options", "sniff-away"),), "fail", "invalid"),
    ("HTTP-004", ("content-security-policy", "x-frame-options"), (("X-Frame-Options", "SAMEORIGIN"),), "pass", ""),
    ("HTTP-004", ("content-security-policy", "x-frame-options"), (("X-Frame-Options", "ALLOW-FROM https://x"),),
     "fail", "ALLOW-FROM"),
    ("HTTP-004", ("content-security-policy", "x-frame-options"), (), "fail", "clickjacking"),
    ("HTTP-005", ("referrer-policy",), (("Referrer-Policy", "unsafe-url"),), "fail", "unsafe"),
    ("HTTP-005", ("referrer-policy",), (("Referrer-Policy", "no-referrer, strict-origin-when-cross-origin"),),
     "pass", ""),
    ("HTTP-005", ("referrer-policy",), (("Referrer-Policy", "bogus"),), "fail", "invalid"),
    ("HTTP-006", ("set-cookie",), (("Set-Cookie", "sessionid=1; Secure; SameSite=Lax"),), "fail", "HttpOnly"),
    ("HTTP-006", ("set-cookie",), (("Set-Cookie", "lang=fr; Secure; SameSite=None"),), "fail", "SameSite=none"),
    ("HTTP-006", ("set-cookie",), (("Set-Cookie", "lang=fr; Secure; SameSite=Lax"),), "pass", ""),
    ("HTTP-006", ("set-cookie",), (), "not_applicable", "no cookie"),
    ("HTTP-009", (), (("Access-Control-Allow-Origin", ORIGIN_SENT), ("Access-Control-Allow-Credentials", "true")),
     "fail", "any site"),
    ("HTTP-009", (), (("Access-Control-Allow-Origin", "*"),), "pass", ""),
    ("HTTP-010", ("server",), (("Server", "Apache/2.4.57 (Debian)"),), "fail", "Apache/2.4.57"),
    ("HTTP-010", (), (("X-Powered-By", "PHP"),), "fail", "x-powered-by"),
])
def test_header_variation(evaluate_probe, strong_http, check, drop, add, expected, text) -> None:
    result = run(evaluate_probe, with_headers(strong_http, drop, add))[check]
    assert result.status.value == expected, result.text("en")
    assert text.lower() in result.text("en").lower()


def test_scripts_and_subresource_integrity(evaluate_probe, strong_http) -> None:
    def scripts(*tags: ScriptTag):  # type: ignore[no-untyped-def]
        final = strong_http.exchanges[-1].model_copy(update={"scripts": list(tags)})
        return run(evaluate_probe, strong_http.model_copy(update={"exchanges": [final]}))["HTTP-011"]

    assert scripts(ScriptTag(src="https://cdn.example.org/a.js", integrity="sha384-abc")).status is Status.PASS
    assert scripts(ScriptTag(src="https://cdn.example.org/a.js")).status is Status.FAIL
    assert scripts(ScriptTag(src="//cdn.example.org/a.js", integrity="sha384-abc")).status is Status.FAIL
    assert scripts(ScriptTag(src="/local.js"), ScriptTag(src="sub/x.js")).status is Status.PASS


def test_clear_text_variations(evaluate_probe, strong_http) -> None:
    plain = strong_http.plain[0]
    other_host = plain.model_copy(update={"headers": [("Location", "https://elsewhere.example/")]})
    results = run(evaluate_probe, strong_http.model_copy(update={"plain": [other_host]}))
    assert results["HTTP-007"].status is Status.FAIL and "another host" in results["HTTP-007"].text("en")
    assert results["HTTP-008"].status is Status.PASS
    to_http = plain.model_copy(update={"headers": [("Location", "http://127.0.0.1/next")]})
    assert run(evaluate_probe, strong_http.model_copy(update={"plain": [to_http]}))["HTTP-007"].status is Status.FAIL
    broken = HttpExchange(url="http://127.0.0.1/", error=msg("probe.reason.too_slow", seconds=5))
    results = run(evaluate_probe, strong_http.model_copy(update={"plain": [broken]}))
    assert results["HTTP-007"].status is Status.ERROR and "too slow" in results["HTTP-007"].text("en")
    assert results["HTTP-008"].status is Status.ERROR
    closed = strong_http.model_copy(update={"plain": [], "plain_unreachable": ["http://127.0.0.1/"]})
    results = run(evaluate_probe, closed)
    assert results["HTTP-007"].status is Status.PASS and results["HTTP-008"].status is Status.PASS
    nothing = strong_http.model_copy(update={"plain": [], "plain_unreachable": []})
    results = run(evaluate_probe, nothing)
    assert results["HTTP-007"].status is Status.NOT_APPLICABLE
    assert results["HTTP-008"].status is Status.NOT_APPLICABLE


def test_unanswered_page_is_untested(evaluate_probe, strong_http) -> None:
    failed = HttpExchange(url=strong_http.url, error=msg("probe.reason.http_line_too_long"))
    results = run(evaluate_probe, strong_http.model_copy(update={"exchanges": [failed]}))
    for check in ("HTTP-001", "HTTP-002", "HTTP-003", "HTTP-004", "HTTP-005", "HTTP-006", "HTTP-009",
                  "HTTP-010", "HTTP-011", "HTTP-012"):
        assert results[check].status is Status.ERROR, check
    assert "64 KiB" in results["HTTP-001"].text("en")
    assert results["HTTP-008"].status is Status.PASS  # the clear-text part was observed


def test_page_finally_served_in_clear_text_fails(evaluate_probe, strong_http) -> None:
    downgraded = strong_http.exchanges[0].model_copy(update={"url": "http://127.0.0.1/"})
    results = run(evaluate_probe, strong_http.model_copy(update={"exchanges": [downgraded]}))
    assert results["HTTP-001"].status is Status.FAIL and "clear-text" in results["HTTP-001"].text("en")


def test_clear_text_target_gets_only_clear_text_rules(evaluate_probe, recorded) -> None:
    plain = HttpObservation.model_validate(recorded("strong-plain-observation.json"))
    results = run(evaluate_probe, plain)
    assert set(results) == {"HTTP-007", "HTTP-008"}
    assert all(r.status is Status.PASS for r in results.values())
