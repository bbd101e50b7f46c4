"""HTTP security headers read the way the MDN HTTP Observatory reads them, and its score.

The header rules (HTTP-xxx) and the informational Observatory score share these parsers,
so a header is never interpreted two ways in one report. The scoring follows the public
MDN methodology (start at 100, penalties, bonuses only when the score before bonuses is at
least 90, grade by multiples of five) and its modifier table; it is re-implemented here
from that published table because the maintained Observatory is a Node.js service.

Our pass/fail verdicts are stricter than the Observatory's neutral points where a voting
platform needs it (e.g. an absent Referrer-Policy scores 0 there, fails HTTP-005 here);
docs/probe.md lists each difference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urljoin, urlsplit

from ..i18n import Message, msg
from .observations import HttpExchange, HttpObservation

SIX_MONTHS = 15768000

BROAD_SOURCES = frozenset({"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"})
UNSAFE_INLINE_SOURCES = frozenset({"'unsafe-inline'", "data:"})
NONCE_HASH_PREFIXES = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")
PASSIVE_DIRECTIVES = frozenset({"img-src", "media-src"})
_DIRECTIVE_NAME = re.compile(r"^[a-z0-9-]+$")

PRIVATE_REFERRER = frozenset({"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"})
UNSAFE_REFERRER = frozenset({"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"})

SESSION_COOKIE_MARKERS = ("login", "sess")

MODIFIERS = {
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    "redirection-to-https": 0,
    "redirection-not-needed-no-http": 0,
    "redirection-off-host-from-http": -5,
    "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20,
    "redirection-missing": -20,
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-implemented-but-external-scripts-not-loaded-securely": -20,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    "html-not-parsable": -20,
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 0,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    "cross-origin-resource-policy-not-implemented": 0,
    "cross-origin-resource-policy-implemented-with-same-origin": 10,
    "cross-origin-resource-policy-implemented-with-same-site": 10,
    "cross-origin-resource-policy-implemented-with-cross-origin": 0,
    "cross-origin-resource-policy-header-invalid": -5,
}

GRADES = ((100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
          (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F"))


def grade_for(score: int) -> str:
    score = max(score, 0)
    rounded = min(score - score % 5, 100)
    for floor, grade in GRADES:
        if rounded >= floor:
            return grade
    return "F"


# ------------------------------------------------------------------ CSP

Policy = dict[str, list[str]]


class CspInvalid(ValueError):
    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(str(message))


def parse_csp(values: Iterable[str]) -> list[Policy]:
    """Each header value may hold several comma-separated policies; all are enforced."""
    policies: list[Policy] = []
    for value in values:
        for text in value.split(","):
            if not text.strip():
                continue
            policy: Policy = {}
            for directive in text.split(";"):
                tokens = directive.strip().split()
                if not tokens:
                    continue
                name = tokens[0].lower()
                if not _DIRECTIVE_NAME.match(name):
                    raise CspInvalid(msg("probe.csp.bad_directive", name=tokens[0]))
                # the first occurrence of a directive wins (CSP3 §2.2.1)
                policy.setdefault(name, [t.lower() if not t.lower().startswith(("'nonce-", "'sha")) else t
                                         for t in tokens[1:]])
            if policy:
                policies.append(policy)
    return policies


def _sources(policy: Policy, directive: str, fallback: bool = True) -> list[str] | None:
    if directive in policy:
        return policy[directive]
    if fallback and "default-src" in policy:
        return policy["default-src"]
    return None


def _effective_script_sources(policy: Policy) -> list[str]:
    sources = list(_sources(policy, "script-src") or ["*"])
    has_nonce_hash = any(s.lower().startswith(NONCE_HASH_PREFIXES) for s in sources)
    if has_nonce_hash and "'unsafe-inline'" in sources:
        sources.remove("'unsafe-inline'")  # ignored by CSP2+ browsers when a nonce/hash is present
    if has_nonce_hash and "'strict-dynamic'" in sources:
        sources = [s for s in sources if s not in ("'self'", "'unsafe-inline'")
                   and not any(s.startswith(b) for b in BROAD_SOURCES)]
    return sources


@dataclass(frozen=True)
class CspAssessment:
    expectation: str
    present: bool
    invalid: Message | None = None
    unsafe_inline_script: bool = False
    unsafe_eval: bool = False
    broad_object: bool = False
    insecure_active: bool = False
    insecure_passive: bool = False
    unsafe_style: bool = False
    default_none: bool = False
    frame_ancestors_restricted: bool = False
    report_only: bool = False
    policies: list[Policy] = field(default_factory=list)

    @property
    def scripts_restricted(self) -> bool:
        return self.present and not self.invalid and not self.unsafe_inline_script and not self.broad_object \
            and not self.unsafe_eval and not self.insecure_active


def assess_csp(exchange: HttpExchange, https: bool = True) -> CspAssessment:
    values = exchange.header_values("content-security-policy")
    report_only = bool(exchange.header_values("content-security-policy-report-only"))
    if not values:
        return CspAssessment("csp-not-implemented", present=False, report_only=report_only)
    try:
        policies = parse_csp(values)
    except CspInvalid as exc:
        return CspAssessment("csp-header-invalid", present=True, invalid=exc.message)
    if not policies:
        return CspAssessment("csp-header-invalid", present=True, invalid=msg("probe.csp.empty"))

    # The content must satisfy every policy: a weakness counts only if all policies allow it.
    def every(check) -> bool:  # type: ignore[no-untyped-def]
        return all(check(p) for p in policies)

    unsafe_inline = every(lambda p: any(s in BROAD_SOURCES | UNSAFE_INLINE_SOURCES for s in _effective_script_sources(p)))
    broad_object = every(lambda p: any(s in BROAD_SOURCES for s in (_sources(p, "object-src") or ["*"])))
    unsafe_eval = every(lambda p: "'unsafe-eval'" in _effective_script_sources(p) + (_sources(p, "style-src") or []))
    insecure_active = https and every(lambda p: any(
        s.startswith(("http:", "ftp:")) for d, srcs in p.items() if d not in PASSIVE_DIRECTIVES for s in srcs))
    insecure_passive = https and every(lambda p: any(
        s.startswith(("http:", "ftp:")) for d in PASSIVE_DIRECTIVES for s in (_sources(p, d) or [])))
    unsafe_style = every(lambda p: any(s in BROAD_SOURCES | UNSAFE_INLINE_SOURCES for s in (_sources(p, "style-src") or ["*"])))
    default_none = any(p.get("default-src") == ["'none'"] for p in policies)
    frame_restricted = any("frame-ancestors" in p and not any(s in BROAD_SOURCES for s in p["frame-ancestors"])
                           for p in policies)
    if unsafe_inline or broad_object:
        expectation = "csp-implemented-with-unsafe-inline"
    elif insecure_active:
        expectation = "csp-implemented-with-insecure-scheme"
    elif unsafe_eval:
        expectation = "csp-implemented-with-unsafe-eval"
    elif insecure_passive:
        expectation = "csp-implemented-with-insecure-scheme-in-passive-content-only"
    elif unsafe_style:
        expectation = "csp-implemented-with-unsafe-inline-in-style-src-only"
    elif default_none:
        expectation = "csp-implemented-with-no-unsafe-default-src-none"
    else:
        expectation = "csp-implemented-with-no-unsafe"
    return CspAssessment(expectation, True, None, unsafe_inline, unsafe_eval, broad_object, insecure_active,
                         insecure_passive, unsafe_style, default_none, frame_restricted, report_only, policies)


# ------------------------------------------------------------------ HSTS


@dataclass(frozen=True)
class Hsts:
    max_age: int | None
    include_subdomains: bool = False
    preload: bool = False
    invalid: Message | None = None


def parse_hsts(value: str | None) -> Hsts | None:
    """The first Strict-Transport-Security header (RFC 6797 §8.1: later ones are ignored)."""
    if value is None:
        return None
    max_age: int | None = None
    include = preload = False
    seen: set[str] = set()
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, raw = part.partition("=")
        name = name.strip().lower()
        if name in seen:
            return Hsts(None, invalid=msg("probe.hsts.repeated", directive=name))
        seen.add(name)
        if name == "max-age":
            raw = raw.strip().strip('"')
            if not raw.isdigit():
                return Hsts(None, invalid=msg("probe.hsts.max_age_not_number", value=raw))
            max_age = int(raw)
        elif name == "includesubdomains":
            include = True
        elif name == "preload":
            preload = True
    if max_age is None:
        return Hsts(None, include, preload, invalid=msg("probe.hsts.no_max_age"))
    return Hsts(max_age, include, preload)


# ------------------------------------------------------------------ cookies


@dataclass(frozen=True)
class Cookie:
    name: str
    secure: bool
    http_only: bool
    same_site: str | None  # lower-case value as sent, None when absent
    raw: str

    @property
    def same_site_valid(self) -> bool:
        return self.same_site in ("lax", "strict", "none")

    @property
    def session_like(self) -> bool:
        return any(marker in self.name.lower() for marker in SESSION_COOKIE_MARKERS)

    @property
    def anti_csrf(self) -> bool:
        return "csrf" in self.name.lower()


def parse_cookie(raw: str) -> Cookie:
    parts = raw.split(";")
    name = parts[0].split("=", 1)[0].strip()
    secure = http_only = False
    same_site: str | None = None
    for attribute in parts[1:]:
        key, _, value = attribute.strip().partition("=")
        key = key.strip().lower()
        if key == "secure":
            secure = True
        elif key == "httponly":
            http_only = True
        elif key == "samesite":
            same_site = value.strip().lower()
    return Cookie(name, secure, http_only, same_site, raw)


def cookies_of(exchanges: Iterable[HttpExchange]) -> list[Cookie]:
    return [parse_cookie(value) for exchange in exchanges for value in exchange.header_values("set-cookie")]


# ------------------------------------------------------------------ small headers


def referrer_policy(value: str | None) -> str:
    """'private', 'unsafe', 'invalid' or 'absent' — the last recognised token wins."""
    if value is None:
        return "absent"
    tokens = [t.strip().lower() for t in value.split(",") if t.strip()]
    known = [t for t in tokens if t in PRIVATE_REFERRER or t in UNSAFE_REFERRER]
    if not known:
        return "invalid"
    return "private" if known[-1] in PRIVATE_REFERRER else "unsafe"


def frame_options(value: str | None) -> str:
    if value is None:
        return "absent"
    token = value.strip().lower()
    if token in ("deny", "sameorigin"):
        return "deny-or-sameorigin"
    if token.startswith("allow-from"):
        return "allow-from"
    return "invalid"


def content_type_options(value: str | None) -> str:
    if value is None:
        return "absent"
    return "nosniff" if value.strip().lower() == "nosniff" else "invalid"


def resource_policy(value: str | None) -> str:
    if value is None:
        return "absent"
    token = value.strip().lower()
    return token if token in ("same-origin", "same-site", "cross-origin") else "invalid"


def cors_universal_with_credentials(exchange: HttpExchange, origin: str) -> bool:
    allow_origin = (exchange.header("access-control-allow-origin") or "").strip()
    credentials = (exchange.header("access-control-allow-credentials") or "").strip().lower() == "true"
    return credentials and allow_origin in ("*", origin)


# ------------------------------------------------------------------ scripts (SRI)


@dataclass(frozen=True)
class ScriptsAssessment:
    expectation: str
    external: list[str]
    insecure: list[str]
    without_integrity: list[str]


def assess_scripts(exchange: HttpExchange) -> ScriptsAssessment:
    if exchange.html_parse_error:
        return ScriptsAssessment("html-not-parsable", [], [], [])
    if "html" not in exchange.content_type.lower():
        return ScriptsAssessment("sri-not-implemented-response-not-html", [], [], [])
    if not exchange.scripts:
        return ScriptsAssessment("sri-not-implemented-but-no-scripts-loaded", [], [], [])
    page = urlsplit(exchange.url)
    external: list[str] = []
    insecure: list[str] = []
    missing: list[str] = []
    any_integrity = False
    for script in exchange.scripts:
        absolute = urljoin(exchange.url, script.src)
        parts = urlsplit(absolute)
        same_origin = parts.hostname == page.hostname
        protocol_relative = script.src.startswith("//")
        if script.integrity:
            any_integrity = True
        if same_origin and not protocol_relative:
            continue
        external.append(script.src)
        if parts.scheme != "https" or protocol_relative:
            insecure.append(script.src)
        if not script.integrity:
            missing.append(script.src)
    if not external:
        expectation = ("sri-implemented-and-all-scripts-loaded-securely" if any_integrity
                       else "sri-not-implemented-but-all-scripts-loaded-from-secure-origin")
    elif missing:
        expectation = ("sri-not-implemented-and-external-scripts-not-loaded-securely" if insecure
                       else "sri-not-implemented-but-external-scripts-loaded-securely")
    else:
        expectation = ("sri-implemented-but-external-scripts-not-loaded-securely" if insecure
                       else "sri-implemented-and-external-scripts-loaded-securely")
    return ScriptsAssessment(expectation, external, insecure, missing)


# ------------------------------------------------------------------ redirection


@dataclass(frozen=True)
class RedirectAssessment:
    expectation: str
    detail: Message  # what the clear-text URL does, said in the report's language


def assess_plain(exchange: HttpExchange, https_host: str) -> RedirectAssessment:
    """How one clear-text response treats the visitor (first hop only)."""
    if exchange.error:
        return RedirectAssessment("error", exchange.error)
    if not exchange.is_redirect:
        return RedirectAssessment("redirection-missing", msg("probe.redirect.missing", status=str(exchange.status)))
    location = urljoin(exchange.url, exchange.header("location") or "")
    parts = urlsplit(location)
    if parts.scheme != "https":
        # only the first hop is followed: an HTTP hop is scored as "not to HTTPS"
        return RedirectAssessment("redirection-not-to-https", msg("probe.redirect.not_https", location=location))
    if (parts.hostname or "").lower() != https_host.lower():
        return RedirectAssessment("redirection-off-host-from-http", msg("probe.redirect.off_host", location=location))
    return RedirectAssessment("redirection-to-https", msg("probe.redirect.to_https", location=location))


# ------------------------------------------------------------------ the score


ORIGIN_SENT = "https://expertise-probe.invalid"


def observatory_score(observation: HttpObservation) -> dict[str, object]:
    """MDN HTTP Observatory score and grade for the final HTTPS response."""
    final = observation.final
    if final is None:
        return {"score": None, "grade": None, "tests": {}}
    hsts = parse_hsts(final.header("strict-transport-security"))
    tests: dict[str, str] = {}
    csp = assess_csp(final)
    tests["content-security-policy"] = csp.expectation
    hsts_ok = hsts is not None and hsts.invalid is None and (hsts.max_age or 0) >= SIX_MONTHS
    if hsts is None:
        tests["strict-transport-security"] = "hsts-not-implemented"
    elif hsts.invalid:
        tests["strict-transport-security"] = "hsts-header-invalid"
    elif (hsts.max_age or 0) < SIX_MONTHS:
        tests["strict-transport-security"] = "hsts-implemented-max-age-less-than-six-months"
    else:
        tests["strict-transport-security"] = "hsts-implemented-max-age-at-least-six-months"
    tests["cookies"] = _cookie_expectation(cookies_of(observation.exchanges), hsts_ok)
    tests["cross-origin-resource-sharing"] = (
        "cross-origin-resource-sharing-implemented-with-universal-access"
        if cors_universal_with_credentials(final, ORIGIN_SENT) else
        "cross-origin-resource-sharing-implemented-with-public-access"
        if (final.header("access-control-allow-origin") or "").strip() == "*" else
        "cross-origin-resource-sharing-implemented-with-restricted-access"
        if final.header("access-control-allow-origin") else
        "cross-origin-resource-sharing-not-implemented")
    tests["redirection"] = _redirect_expectation(observation)
    tests["referrer-policy"] = {
        "private": "referrer-policy-private", "unsafe": "referrer-policy-unsafe",
        "invalid": "referrer-policy-header-invalid", "absent": "referrer-policy-not-implemented",
    }[referrer_policy(final.header("referrer-policy"))]
    tests["subresource-integrity"] = assess_scripts(final).expectation
    tests["x-content-type-options"] = {
        "nosniff": "x-content-type-options-nosniff", "invalid": "x-content-type-options-header-invalid",
        "absent": "x-content-type-options-not-implemented",
    }[content_type_options(final.header("x-content-type-options"))]
    if csp.frame_ancestors_restricted:
        tests["x-frame-options"] = "x-frame-options-implemented-via-csp"
    else:
        tests["x-frame-options"] = {
            "deny-or-sameorigin": "x-frame-options-sameorigin-or-deny", "allow-from": "x-frame-options-allow-from-origin",
            "invalid": "x-frame-options-header-invalid", "absent": "x-frame-options-not-implemented",
        }[frame_options(final.header("x-frame-options"))]
    tests["cross-origin-resource-policy"] = {
        "same-origin": "cross-origin-resource-policy-implemented-with-same-origin",
        "same-site": "cross-origin-resource-policy-implemented-with-same-site",
        "cross-origin": "cross-origin-resource-policy-implemented-with-cross-origin",
        "invalid": "cross-origin-resource-policy-header-invalid",
        "absent": "cross-origin-resource-policy-not-implemented",
    }[resource_policy(final.header("cross-origin-resource-policy"))]
    penalties = sum(min(MODIFIERS[e], 0) for e in tests.values())
    bonuses = sum(max(MODIFIERS[e], 0) for e in tests.values())
    score = max(100 + penalties, 0)
    if score >= 90:
        score += bonuses
    return {"score": score, "grade": grade_for(score),
            "tests": {name: {"result": e, "modifier": MODIFIERS[e]} for name, e in tests.items()}}


def _cookie_expectation(cookies: list[Cookie], hsts_ok: bool) -> str:
    if not cookies:
        return "cookies-not-found"
    order = ["cookies-without-secure-flag-but-protected-by-hsts", "cookies-without-secure-flag",
             "cookies-session-without-secure-flag-but-protected-by-hsts", "cookies-samesite-flag-invalid",
             "cookies-anticsrf-without-samesite-flag", "cookies-session-without-httponly-flag",
             "cookies-session-without-secure-flag"]
    worst = -1
    missing_same_site = False

    def worse(expectation: str) -> None:
        nonlocal worst
        worst = max(worst, order.index(expectation))

    for cookie in cookies:
        if cookie.same_site is not None and not cookie.same_site_valid:
            worse("cookies-samesite-flag-invalid")
        if not cookie.secure and cookie.same_site == "none":
            worse("cookies-samesite-flag-invalid")
        if not cookie.secure:
            worse("cookies-without-secure-flag-but-protected-by-hsts" if hsts_ok else "cookies-without-secure-flag")
        if cookie.anti_csrf and cookie.same_site is None:
            worse("cookies-anticsrf-without-samesite-flag")
        if cookie.session_like and not cookie.secure:
            worse("cookies-session-without-secure-flag-but-protected-by-hsts" if hsts_ok
                  else "cookies-session-without-secure-flag")
        if cookie.session_like and not cookie.http_only:
            worse("cookies-session-without-httponly-flag")
        if cookie.same_site is None:
            missing_same_site = True
    if worst >= 0:
        return order[worst]
    return "cookies-secure-with-httponly-sessions" if missing_same_site else \
        "cookies-secure-with-httponly-sessions-and-samesite"


def _redirect_expectation(observation: HttpObservation) -> str:
    answered = [e for e in observation.plain if e.error is None]
    if not answered:
        return "redirection-not-needed-no-http"
    results = [assess_plain(e, observation.host).expectation for e in answered]
    for bad in ("redirection-missing", "redirection-not-to-https", "redirection-off-host-from-http"):
        if bad in results:
            return bad
    return "redirection-to-https"
