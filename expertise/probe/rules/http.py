"""HTTP rules: security headers of the voting page, and clear-text HTTP (2012 opinion)."""

from __future__ import annotations

import re

from ...i18n import Message, msg
from ...results import Status
from .. import observatory as obs
from ..observations import HttpExchange, HttpObservation
from .common import Outcome, failed, http_rule, informational, listing, not_applicable, passed, untested

_VERSION_IN_BANNER = re.compile(r"\d+\.\d+")


def _final_https(http: HttpObservation) -> HttpExchange | Outcome | None:
    """The HTTPS response the headers are judged on; None for clear-text targets."""
    if not http.url.startswith("https://"):
        return None
    final = http.final
    if final is None:
        errors = [e.error for e in http.exchanges if e.error]
        reason = errors[-1] if errors else msg("probe.reason.nothing_received")
        return untested(msg("probe.http.no_response_because", reason=reason))
    if not final.url.startswith("https://"):
        return failed(msg("probe.http.clear_text_final", url=final.url))
    return final


def _with_final(function):  # type: ignore[no-untyped-def]
    """Give the rule the final HTTPS exchange; pass through absence and errors."""
    def wrapper(http: HttpObservation) -> Outcome | None:
        final = _final_https(http)
        if final is None or isinstance(final, Outcome):
            return final
        outcome = function(http, final)
        if outcome is not None and http.refused_redirect and outcome.status is Status.PASS:
            outcome = Outcome(outcome.status, msg("probe.http.redirect_not_followed", finding=outcome.message,
                                                  reason=http.refused_redirect),
                              outcome.details, outcome.evidence_filter)
        return outcome

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper


@http_rule("HTTP-001")
@_with_final
def hsts(http: HttpObservation, final: HttpExchange) -> Outcome:
    """Strict-Transport-Security with max-age ≥ 6 months (15768000 s)."""
    value = final.header("strict-transport-security")
    parsed = obs.parse_hsts(value)
    if parsed is None:
        return failed(msg("probe.http_001.absent"))
    if parsed.invalid:
        return failed(msg("probe.http_001.invalid", reason=parsed.invalid, value=repr(value)))
    if (parsed.max_age or 0) < obs.SIX_MONTHS:
        return failed(msg("probe.http_001.short", max_age=str(parsed.max_age)), max_age=parsed.max_age)
    flags = [flag for flag, on in (("includeSubDomains", parsed.include_subdomains), ("preload", parsed.preload)) if on]
    shown = f"max-age={parsed.max_age}" + (f" ({', '.join(flags)})" if flags else "")  # the directives as sent
    return passed(msg("probe.http_001.pass", directives=shown),
                  max_age=parsed.max_age, include_subdomains=parsed.include_subdomains, preload=parsed.preload)


@http_rule("HTTP-002")
@_with_final
def content_security_policy(http: HttpObservation, final: HttpExchange) -> Outcome:
    """A Content-Security-Policy that restricts scripts and objects (no unsafe-inline/eval, no broad sources)."""
    csp = obs.assess_csp(final)
    if not csp.present:
        return failed(msg("probe.http_002.report_only") if csp.report_only else msg("probe.http_002.absent"))
    if csp.invalid:
        return failed(msg("probe.http_002.invalid", reason=csp.invalid))
    problems: list[Message] = []
    if csp.unsafe_inline_script:
        problems.append(msg("probe.http_002.inline_scripts"))
    if csp.broad_object:
        problems.append(msg("probe.http_002.broad_object"))
    if csp.unsafe_eval:
        problems.append(msg("probe.http_002.unsafe_eval"))
    if csp.insecure_active:
        problems.append(msg("probe.http_002.insecure_scheme"))
    if problems:
        return failed(msg("probe.http_002.fail", problems=problems), observatory=csp.expectation)
    return passed(msg("probe.http_002.pass", expectation=csp.expectation), observatory=csp.expectation)


@http_rule("HTTP-003")
@_with_final
def content_type_options(http: HttpObservation, final: HttpExchange) -> Outcome:
    """X-Content-Type-Options: nosniff."""
    state = obs.content_type_options(final.header("x-content-type-options"))
    if state == "nosniff":
        return passed(msg("probe.http_003.pass"))
    if state == "absent":
        return failed(msg("probe.http_003.absent"))
    return failed(msg("probe.http_003.invalid", value=repr(final.header("x-content-type-options"))))


@http_rule("HTTP-004")
@_with_final
def framing(http: HttpObservation, final: HttpExchange) -> Outcome:
    """The page cannot be framed by others: CSP frame-ancestors, or X-Frame-Options DENY/SAMEORIGIN."""
    csp = obs.assess_csp(final)
    if csp.frame_ancestors_restricted:
        return passed(msg("probe.http_004.csp"))
    value = final.header("x-frame-options")
    state = obs.frame_options(value)
    if state == "deny-or-sameorigin":
        return passed(msg("probe.http_004.pass", value=value))
    if state == "allow-from":
        return failed(msg("probe.http_004.allow_from"))
    if state == "invalid":
        return failed(msg("probe.http_004.invalid", value=repr(value)))
    return failed(msg("probe.http_004.absent"))


@http_rule("HTTP-005")
@_with_final
def referrer(http: HttpObservation, final: HttpExchange) -> Outcome:
    """A Referrer-Policy that keeps voting URLs private (no-referrer, same-origin, strict-origin[-when-cross-origin])."""
    value = final.header("referrer-policy")
    state = obs.referrer_policy(value)
    if state == "private":
        return passed(msg("probe.http_005.pass", value=value))
    if state == "absent":
        return failed(msg("probe.http_005.absent"))
    if state == "unsafe":
        return failed(msg("probe.http_005.unsafe", value=repr(value)))
    return failed(msg("probe.http_005.invalid", value=repr(value)))


@http_rule("HTTP-006")
def cookies(http: HttpObservation) -> Outcome | None:
    """Cookies are Secure, session cookies HttpOnly, all with SameSite=Lax/Strict."""
    if not http.url.startswith("https://"):
        return None
    if not http.exchanges or all(e.status is None for e in http.exchanges):
        return untested(msg("probe.http.no_response"))
    found = obs.cookies_of(http.exchanges)
    if not found:
        return not_applicable(msg("probe.http_006.none"))
    problems: list[Message] = []
    details: list[str] = []
    for cookie in found:
        missing = []
        if not cookie.secure:
            missing.append("Secure")
        if cookie.session_like and not cookie.http_only:
            missing.append("HttpOnly")
        if cookie.same_site is None:
            missing.append("SameSite")
        elif cookie.same_site not in ("lax", "strict"):
            missing.append(f"SameSite={cookie.same_site}")
        if missing:
            problems.append(msg("probe.http_006.cookie", name=cookie.name, missing=missing))
            details.append(f"{cookie.name}: {', '.join(missing)}")
    names = [c.name for c in found]
    if problems:
        return failed(msg("probe.http_006.fail", problems=listing(problems, 5)), cookies=names, problems=details)
    return passed(msg("probe.http_006.pass", count=len(found), names=listing(names)), cookies=names)


@http_rule("HTTP-007")
def redirect_to_https(http: HttpObservation) -> Outcome:
    """Clear-text HTTP only redirects, at once, to HTTPS on the same host."""
    https_host = http.host
    answered = [e for e in http.plain if e.error is None]
    failures = [e for e in http.plain if e.error is not None]
    bad: list[Message] = []
    for exchange in answered:
        verdict = obs.assess_plain(exchange, https_host)
        if verdict.expectation != "redirection-to-https":
            bad.append(msg("probe.http.url_does", url=exchange.url, what=verdict.detail))
    if bad:
        return Outcome(Status.FAIL, msg("probe.http_007.fail", problems=listing(bad, 3)),
                       {"problems": [str(b) for b in bad]}, ("http",))
    if failures:
        return _plain_untested(failures)
    if answered:
        return passed(msg("probe.http_007.pass", urls=listing([e.url for e in answered])))
    tried = http.plain_unreachable
    if tried:
        return passed(msg("probe.http_007.no_service", urls=listing(tried, 3)))
    return not_applicable(msg("probe.http.no_plain_entry"))


def _plain_untested(failures: list[HttpExchange]) -> Outcome:
    reasons = [msg("probe.http.url_because", url=e.url, reason=e.error) for e in failures]
    return untested(msg("probe.http.plain_untested", urls=listing(reasons)))


@http_rule("HTTP-008")
def no_clear_text_pages(http: HttpObservation) -> Outcome:
    """No page is served over clear-text HTTP (CNIL 2012 opinion: no vote without HTTPS)."""
    pages = [e for e in http.plain if e.error is None and e.status is not None and 200 <= e.status < 300]
    if pages:
        served = [msg("probe.http_008.page", url=e.url, status=str(e.status), count=e.body_bytes) for e in pages]
        return Outcome(Status.FAIL, msg("probe.http_008.fail", pages=listing(served, 3)),
                       {"served": [str(s) for s in served]}, ("http",))
    failures = [e for e in http.plain if e.error is not None]
    if failures:
        return _plain_untested(failures)
    answered = [f"{e.url} → {e.status}" for e in http.plain if e.status is not None]
    if answered:
        return passed(msg("probe.http_008.pass", answers=listing(answered)))
    if http.plain_unreachable:
        return passed(msg("probe.http_008.no_service", urls=listing(http.plain_unreachable, 3)))
    return not_applicable(msg("probe.http.no_plain_entry"))


@http_rule("HTTP-009")
@_with_final
def cors(http: HttpObservation, final: HttpExchange) -> Outcome:
    """No cross-origin access with credentials for any origin."""
    value = final.header("access-control-allow-origin")
    if obs.cors_universal_with_credentials(final, obs.ORIGIN_SENT):
        return failed(msg("probe.http_009.fail", value=repr(value)))
    if value:
        return passed(msg("probe.http_009.pass_with", value=value))
    return passed(msg("probe.http_009.pass"))


@http_rule("HTTP-010")
@_with_final
def software_disclosure(http: HttpObservation, final: HttpExchange) -> Outcome:
    """Server and X-Powered-By do not disclose software versions."""
    disclosed = []
    for name in ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version"):
        for value in final.header_values(name):
            if name != "server" or _VERSION_IN_BANNER.search(value):
                disclosed.append((_header_name(name), value))
    if disclosed:
        shown = [msg("probe.http.header", name=name, value=value) for name, value in disclosed]
        return failed(msg("probe.http_010.fail", headers=listing(shown, 4)),
                      headers=[f"{name.lower()}: {value}" for name, value in disclosed])
    return passed(msg("probe.http_010.pass"))


def _header_name(name: str) -> str:
    """ "x-powered-by" → "X-Powered-By" (the header's usual spelling)."""
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


@http_rule("HTTP-011")
@_with_final
def external_scripts(http: HttpObservation, final: HttpExchange) -> Outcome:
    """Scripts from other origins load over HTTPS with Subresource Integrity."""
    scripts = obs.assess_scripts(final)
    if scripts.expectation == "html-not-parsable":
        return untested(msg("probe.http_011.unparsable", detail=final.html_parse_error))
    if scripts.insecure:
        return failed(msg("probe.http_011.insecure", scripts=listing(scripts.insecure, 4)), scripts=scripts.insecure)
    if scripts.without_integrity:
        return failed(msg("probe.http_011.no_integrity", scripts=listing(scripts.without_integrity, 4)),
                      scripts=scripts.without_integrity)
    if scripts.external:
        return passed(msg("probe.http_011.pass", count=len(scripts.external)))
    if final.body_truncated:
        return passed(msg("probe.http_011.truncated"))
    return passed(msg("probe.http_011.none", expectation=scripts.expectation))


@http_rule("HTTP-012")
def observatory_score(http: HttpObservation) -> Outcome | None:
    """MDN HTTP Observatory score and grade, for comparison with other audits."""
    if not http.url.startswith("https://"):
        return None
    score = obs.observatory_score(http)
    if score["score"] is None:
        return untested(msg("probe.http_012.untested"))
    return informational(msg("probe.http_012.score", score=str(score["score"]), grade=str(score["grade"])), **score)


RULES = (hsts, content_security_policy, content_type_options, framing, referrer, cookies, redirect_to_https,
         no_clear_text_pages, cors, software_disclosure, external_scripts, observatory_score)
