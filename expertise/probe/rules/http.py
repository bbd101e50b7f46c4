"""HTTP rules: security headers of the voting page, and clear-text HTTP (2012 opinion)."""

from __future__ import annotations

import re

from ...results import Status
from .. import observatory as obs
from ..observations import HttpExchange, HttpObservation
from .common import (Outcome, failed, http_rule, informational, listing, listing_fr, not_applicable, passed,
                     untested)
from ..french import reason_fr

_VERSION_IN_BANNER = re.compile(r"\d+\.\d+")


def _final_https(http: HttpObservation) -> HttpExchange | Outcome | None:
    """The HTTPS response the headers are judged on; None for clear-text targets."""
    if not http.url.startswith("https://"):
        return None
    final = http.final
    if final is None:
        errors = [e.error for e in http.exchanges if e.error]
        reason = errors[-1] if errors else "nothing received"
        return untested(f"no HTTP response: {reason}", fr=f"aucune réponse HTTP : {reason_fr(reason)}")
    if not final.url.startswith("https://"):
        return failed(f"the page is finally served over clear-text HTTP ({final.url})",
                      fr=f"la page est finalement servie en HTTP en clair ({final.url})")
    return final


def _with_final(function):  # type: ignore[no-untyped-def]
    """Give the rule the final HTTPS exchange; pass through absence and errors."""
    def wrapper(http: HttpObservation) -> Outcome | None:
        final = _final_https(http)
        if final is None or isinstance(final, Outcome):
            return final
        outcome = function(http, final)
        if outcome is not None and http.refused_redirect and outcome.status is Status.PASS:
            outcome = Outcome(outcome.status, outcome.message + f" (redirect not followed: {http.refused_redirect})",
                              outcome.details, outcome.evidence_filter,
                              fr=outcome.fr + f" (redirection non suivie : {reason_fr(http.refused_redirect)})")
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
        return failed("no Strict-Transport-Security header", fr="pas d’en-tête Strict-Transport-Security")
    if parsed.invalid:
        return failed(f"invalid Strict-Transport-Security header ({parsed.invalid}): {value!r}",
                      fr=f"en-tête Strict-Transport-Security invalide ({reason_fr(parsed.invalid)}) : {value!r}")
    if (parsed.max_age or 0) < obs.SIX_MONTHS:
        return failed(f"HSTS max-age={parsed.max_age} is below six months (15768000)",
                      fr=f"HSTS max-age={parsed.max_age} est inférieur à six mois (15768000)", max_age=parsed.max_age)
    flags = [flag for flag, on in (("includeSubDomains", parsed.include_subdomains), ("preload", parsed.preload)) if on]
    shown = f"max-age={parsed.max_age}" + (f" ({', '.join(flags)})" if flags else "")
    return passed(f"HSTS {shown}", fr=f"en-tête HSTS présent : {shown}",
                  max_age=parsed.max_age, include_subdomains=parsed.include_subdomains, preload=parsed.preload)


@http_rule("HTTP-002")
@_with_final
def content_security_policy(http: HttpObservation, final: HttpExchange) -> Outcome:
    """A Content-Security-Policy that restricts scripts and objects (no unsafe-inline/eval, no broad sources)."""
    csp = obs.assess_csp(final)
    if not csp.present:
        extra = " (only a Report-Only policy, which blocks nothing)" if csp.report_only else ""
        extra_fr = " (seulement une politique Report-Only, qui ne bloque rien)" if csp.report_only else ""
        return failed("no Content-Security-Policy header" + extra, fr="pas d’en-tête Content-Security-Policy" + extra_fr)
    if csp.invalid:
        return failed(f"Content-Security-Policy cannot be parsed: {csp.invalid}",
                      fr=f"Content-Security-Policy illisible : {reason_fr(csp.invalid)}")
    problems, problems_fr = [], []
    if csp.unsafe_inline_script:
        problems.append("scripts allowed inline, from data: or from overly broad sources")
        problems_fr.append("scripts autorisés en ligne, depuis data: ou depuis des sources trop larges")
    if csp.broad_object:
        problems.append("object-src not restricted")
        problems_fr.append("object-src non restreint")
    if csp.unsafe_eval:
        problems.append("'unsafe-eval' allowed")
        problems_fr.append("'unsafe-eval' autorisé")
    if csp.insecure_active:
        problems.append("resources allowed over http:")
        problems_fr.append("ressources autorisées en http:")
    if problems:
        return failed(f"Content-Security-Policy too permissive: {'; '.join(problems)}",
                      fr=f"Content-Security-Policy trop permissive : {' ; '.join(problems_fr)}",
                      observatory=csp.expectation)
    return passed(f"Content-Security-Policy restricts scripts ({csp.expectation})",
                  fr=f"la Content-Security-Policy restreint les scripts ({csp.expectation})", observatory=csp.expectation)


@http_rule("HTTP-003")
@_with_final
def content_type_options(http: HttpObservation, final: HttpExchange) -> Outcome:
    """X-Content-Type-Options: nosniff."""
    state = obs.content_type_options(final.header("x-content-type-options"))
    if state == "nosniff":
        return passed("X-Content-Type-Options: nosniff", fr="en-tête X-Content-Type-Options présent : nosniff")
    if state == "absent":
        return failed("no X-Content-Type-Options header", fr="pas d’en-tête X-Content-Type-Options")
    value = final.header("x-content-type-options")
    return failed(f"invalid X-Content-Type-Options: {value!r}", fr=f"en-tête X-Content-Type-Options invalide : {value!r}")


@http_rule("HTTP-004")
@_with_final
def framing(http: HttpObservation, final: HttpExchange) -> Outcome:
    """The page cannot be framed by others: CSP frame-ancestors, or X-Frame-Options DENY/SAMEORIGIN."""
    csp = obs.assess_csp(final)
    if csp.frame_ancestors_restricted:
        return passed("framing restricted by CSP frame-ancestors",
                      fr="inclusion dans un cadre restreinte par la directive CSP frame-ancestors")
    value = final.header("x-frame-options")
    state = obs.frame_options(value)
    if state == "deny-or-sameorigin":
        return passed(f"X-Frame-Options: {value}", fr=f"en-tête X-Frame-Options présent : {value}")
    if state == "allow-from":
        return failed("X-Frame-Options ALLOW-FROM is ignored by current browsers; use CSP frame-ancestors",
                      fr="X-Frame-Options ALLOW-FROM est ignoré des navigateurs actuels ; utiliser la directive CSP "
                         "frame-ancestors")
    if state == "invalid":
        return failed(f"invalid X-Frame-Options: {value!r}", fr=f"en-tête X-Frame-Options invalide : {value!r}")
    return failed("no CSP frame-ancestors and no X-Frame-Options: the voting page can be framed (clickjacking)",
                  fr="ni directive CSP frame-ancestors ni X-Frame-Options : la page de vote peut être incluse dans un "
                     "cadre (clickjacking)")


@http_rule("HTTP-005")
@_with_final
def referrer(http: HttpObservation, final: HttpExchange) -> Outcome:
    """A Referrer-Policy that keeps voting URLs private (no-referrer, same-origin, strict-origin[-when-cross-origin])."""
    value = final.header("referrer-policy")
    state = obs.referrer_policy(value)
    if state == "private":
        return passed(f"Referrer-Policy: {value}", fr=f"en-tête Referrer-Policy présent : {value}")
    if state == "absent":
        return failed("no Referrer-Policy header (left to each browser's default)",
                      fr="pas d’en-tête Referrer-Policy (comportement laissé au choix de chaque navigateur)")
    if state == "unsafe":
        return failed(f"unsafe Referrer-Policy: {value!r}", fr=f"Referrer-Policy non sûre : {value!r}")
    return failed(f"invalid Referrer-Policy: {value!r}", fr=f"Referrer-Policy invalide : {value!r}")


@http_rule("HTTP-006")
def cookies(http: HttpObservation) -> Outcome | None:
    """Cookies are Secure, session cookies HttpOnly, all with SameSite=Lax/Strict."""
    if not http.url.startswith("https://"):
        return None
    if not http.exchanges or all(e.status is None for e in http.exchanges):
        return untested("no HTTP response", fr="aucune réponse HTTP")
    found = obs.cookies_of(http.exchanges)
    if not found:
        return not_applicable("no cookie set by the page", fr="la page ne dépose aucun cookie")
    problems = []
    for cookie in found:
        missing = []
        if not cookie.secure:
            missing.append("Secure")
        if cookie.session_like and not cookie.http_only:
            missing.append("HttpOnly")
        if cookie.same_site is None:
            missing.append("SameSite")
        elif cookie.same_site not in ("lax", "strict"):
            missing.append(f"SameSite={cookie.same_site or '(empty)'}")
        if missing:
            problems.append(f"{cookie.name}: {', '.join(missing)}")
    names = [c.name for c in found]
    if problems:
        problems_fr = [problem.replace(": ", " : ", 1) for problem in problems]
        return failed(f"cookie flags missing: {listing(problems, 5)}",
                      fr=f"attributs de cookie manquants : {listing_fr(problems_fr, 5)}", cookies=names, problems=problems)
    return passed(f"{len(found)} cookie(s) with Secure and SameSite ({listing(names)})",
                  fr=f"{len(found)} cookie(s) avec Secure et SameSite ({listing_fr(names)})", cookies=names)


@http_rule("HTTP-007")
def redirect_to_https(http: HttpObservation) -> Outcome:
    """Clear-text HTTP only redirects, at once, to HTTPS on the same host."""
    https_host = http.host
    answered = [e for e in http.plain if e.error is None]
    failures = [e for e in http.plain if e.error is not None]
    bad, bad_fr = [], []
    for exchange in answered:
        verdict = obs.assess_plain(exchange, https_host)
        if verdict.expectation != "redirection-to-https":
            bad.append(f"{exchange.url} {verdict.detail}")
            bad_fr.append(f"{exchange.url} {verdict.detail_fr}")
    if bad:
        return Outcome(Status.FAIL, f"clear-text HTTP does not redirect to HTTPS: {listing(bad, 3)}", {"problems": bad},
                       ("http",), fr=f"l’accès HTTP en clair ne redirige pas vers HTTPS : {listing_fr(bad_fr, 3)}")
    if failures:
        return _plain_untested(failures)
    if answered:
        return passed(f"clear-text HTTP redirects to HTTPS ({listing(e.url for e in answered)})",
                      fr=f"l’accès HTTP en clair redirige vers HTTPS ({listing_fr(e.url for e in answered)})")
    tried = http.plain_unreachable
    if tried:
        return passed(f"no clear-text HTTP service answers ({listing(tried, 3)}): no redirect needed",
                      fr=f"aucun service HTTP en clair ne répond ({listing_fr(tried, 3)}) : pas de redirection nécessaire")
    return not_applicable("no clear-text HTTP entry point to test", fr="aucune entrée HTTP en clair à tester")


def _plain_untested(failures: list[HttpExchange]) -> Outcome:
    return untested(f"could not test {listing(f'{e.url} ({e.error})' for e in failures)}",
                    fr=f"test impossible pour {listing_fr(f'{e.url} ({reason_fr(e.error)})' for e in failures)}")


@http_rule("HTTP-008")
def no_clear_text_pages(http: HttpObservation) -> Outcome:
    """No page is served over clear-text HTTP (CNIL 2012 opinion: no vote without HTTPS)."""
    pages = [e for e in http.plain if e.error is None and e.status is not None and 200 <= e.status < 300]
    served = [f"{e.url} → {e.status} ({e.body_bytes} bytes)" for e in pages]
    if served:
        served_fr = [f"{e.url} → {e.status} ({e.body_bytes} octets)" for e in pages]
        return Outcome(Status.FAIL, f"pages served over clear-text HTTP: {listing(served, 3)}", {"served": served},
                       ("http",), fr=f"pages servies en HTTP en clair : {listing_fr(served_fr, 3)}")
    failures = [e for e in http.plain if e.error is not None]
    if failures:
        return _plain_untested(failures)
    answered = [f"{e.url} → {e.status}" for e in http.plain if e.status is not None]
    if answered:
        return passed(f"clear-text HTTP serves no page ({listing(answered)})",
                      fr=f"l’accès HTTP en clair ne sert aucune page ({listing_fr(answered)})")
    if http.plain_unreachable:
        return passed(f"no clear-text HTTP service answers ({listing(http.plain_unreachable, 3)})",
                      fr=f"aucun service HTTP en clair ne répond ({listing_fr(http.plain_unreachable, 3)})")
    return not_applicable("no clear-text HTTP entry point to test", fr="aucune entrée HTTP en clair à tester")


@http_rule("HTTP-009")
@_with_final
def cors(http: HttpObservation, final: HttpExchange) -> Outcome:
    """No cross-origin access with credentials for any origin."""
    value = final.header("access-control-allow-origin")
    if obs.cors_universal_with_credentials(final, obs.ORIGIN_SENT):
        return failed(f"Access-Control-Allow-Origin {value!r} with credentials: any site can read the voter's pages",
                      fr=f"Access-Control-Allow-Origin {value!r} avec authentifiants : n’importe quel site peut lire "
                         "les pages de l’électeur")
    return passed("no credentialed cross-origin access" + (f" (Access-Control-Allow-Origin: {value})" if value else ""),
                  fr="aucun accès inter-origines avec authentifiants"
                     + (f" (Access-Control-Allow-Origin : {value})" if value else ""))


@http_rule("HTTP-010")
@_with_final
def software_disclosure(http: HttpObservation, final: HttpExchange) -> Outcome:
    """Server and X-Powered-By do not disclose software versions."""
    disclosed = []
    for name in ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version"):
        for value in final.header_values(name):
            if name != "server" or _VERSION_IN_BANNER.search(value):
                disclosed.append(f"{name}: {value}")
    if disclosed:
        disclosed_fr = [_header_name(item) for item in disclosed]
        return failed(f"software versions disclosed: {listing(disclosed, 4)}",
                      fr=f"versions logicielles divulguées : {listing_fr(disclosed_fr, 4)}", headers=disclosed)
    return passed("no software version disclosed in the headers",
                  fr="aucune version logicielle divulguée dans les en-têtes")


def _header_name(item: str) -> str:
    """ "x-powered-by: PHP/8" → "X-Powered-By : PHP/8" (the header's usual spelling, French spacing)."""
    name, _, value = item.partition(": ")
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-")) + f" : {value}"


@http_rule("HTTP-011")
@_with_final
def external_scripts(http: HttpObservation, final: HttpExchange) -> Outcome:
    """Scripts from other origins load over HTTPS with Subresource Integrity."""
    scripts = obs.assess_scripts(final)
    if scripts.expectation == "html-not-parsable":
        return untested(f"the page cannot be parsed as HTML: {final.html_parse_error}",
                        fr=f"la page ne peut pas être analysée comme du HTML : {final.html_parse_error}")
    if scripts.insecure:
        return failed(f"scripts loaded without HTTPS: {listing(scripts.insecure, 4)}",
                      fr=f"scripts chargés sans HTTPS : {listing_fr(scripts.insecure, 4)}", scripts=scripts.insecure)
    if scripts.without_integrity:
        return failed(f"external scripts without Subresource Integrity: {listing(scripts.without_integrity, 4)}",
                      fr=f"scripts externes sans contrôle d’intégrité (Subresource Integrity) : "
                         f"{listing_fr(scripts.without_integrity, 4)}", scripts=scripts.without_integrity)
    if scripts.external:
        return passed(f"{len(scripts.external)} external script(s), all with integrity over HTTPS",
                      fr=f"{len(scripts.external)} script(s) externe(s), tous chargés en HTTPS avec contrôle d’intégrité")
    if final.body_truncated:
        return passed("no external script in the part of the page read (page truncated)",
                      fr="aucun script externe dans la partie lue de la page (page tronquée)")
    return passed(f"no external script ({scripts.expectation})", fr=f"aucun script externe ({scripts.expectation})")


@http_rule("HTTP-012")
def observatory_score(http: HttpObservation) -> Outcome | None:
    """MDN HTTP Observatory score and grade, for comparison with other audits."""
    if not http.url.startswith("https://"):
        return None
    score = obs.observatory_score(http)
    if score["score"] is None:
        return untested("no HTTP response to score", fr="aucune réponse HTTP à noter")
    return informational(f"MDN HTTP Observatory score {score['score']} ({score['grade']})",
                         fr=f"note de l’Observatory HTTP de MDN : {score['score']} ({score['grade']})", **score)


RULES = (hsts, content_security_policy, content_type_options, framing, referrer, cookies, redirect_to_https,
         no_clear_text_pages, cors, software_disclosure, external_scripts, observatory_score)
