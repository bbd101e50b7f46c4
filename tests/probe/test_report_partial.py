"""The « Plateforme » partial, rendered the way the report renders it (sandboxed, autoescaped, strict).

The sources come from recorded observations run through the real rules and summary, so the
partial is exercised on what the collector really journals — including hostile text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from expertise.i18n import msg
from markupsafe import Markup

from expertise import catalogue
from expertise.probe.observations import (HttpObservation, PortsObservation, ProbeObservation, SshObservation,
                                          TlsObservation)
from expertise.probe.summary import summarise
from expertise.report.render import render_section
from expertise.probe.rules import RULES as PROBE_RULES
from expertise.domain import evaluate


@dataclass
class Source:
    source: str
    producer: str
    summary: dict[str, Any]
    results: list[dict[str, Any]]
    seq: int | None
    time: str | None


class Charts:
    calls: list[tuple[Any, ...]] = []

    @staticmethod
    def bars(labels, values, title="", width=460):  # type: ignore[no-untyped-def]
        Charts.calls.append((list(labels), list(values), title))
        return Markup('<svg class="stub-chart"></svg>')


def render(lang: str, sources: list[Source]) -> str:
    return render_section("probe", sources, lang, charts=Charts)


def make_source(observation: ProbeObservation, source: str, seq: int = 7) -> Source:
    results = evaluate(PROBE_RULES, observation, catalogue.load())
    return Source(source, "probe", summarise(observation, results), [r.to_dict() for r in results], seq,
                  "2026-11-21T14:49:15.000000Z")


@pytest.fixture
def sources(recorded) -> list[Source]:
    tls = TlsObservation.model_validate(recorded("weak-tls-observation.json"))
    http = HttpObservation.model_validate(recorded("weak-https-observation.json"))
    # a hostile header value must be shown, not executed
    final = http.exchanges[-1]
    http = http.model_copy(update={"exchanges": [*http.exchanges[:-1], final.model_copy(update={"headers": [
        *final.headers, ("X-Powered-By", "<script>alert('x')</script>")]})]})
    ssh = SshObservation.model_validate(recorded("weak-ssh-observation.json"))
    ports = PortsObservation.model_validate(recorded("weak-host-observation.json"))
    unreachable = SshObservation(endpoint="ssh://127.0.0.1:9", host="127.0.0.1", address="127.0.0.1", port=9,
                                 error=msg("probe.reason.refused"))
    return [
        make_source(ProbeObservation(kind="https", target=http.url, tls=tls, http=http), f"probe:{http.url}"),
        make_source(ProbeObservation(kind="ssh", target=ssh.endpoint, ssh=ssh), f"probe:{ssh.endpoint}"),
        make_source(ProbeObservation(kind="host", target="127.0.0.1", ports=ports), "probe:host:127.0.0.1"),
        make_source(ProbeObservation(kind="ssh", target=unreachable.endpoint, ssh=unreachable),
                    "probe:ssh://127.0.0.1:9"),
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_partial_renders_every_part(sources, lang: str) -> None:
    html = render(lang, sources)
    # hosts first, then each target
    assert html.index(">127.0.0.1</h2>") < html.index("https://127.0.0.1:54171/</h2>")
    assert "TLSv1.0" in html and "CN=weak.example" in html
    assert "diffie-hellman-group1-sha1" in html
    assert "sessionid" in html
    assert "TLS-001" in html and "SSH-008" in html and "HTTP-008" in html
    # the unreachable server is explained, not hidden, in the report's language
    assert ("connexion refusée" if lang == "fr" else "connection refused") in html
    assert "evidence/" in html  # evidence files are cited
    assert '<svg class="stub-chart">' in html
    meta = catalogue.load().check("TLS-001")
    assert meta.title(lang) in html


def test_hostile_text_is_escaped(sources) -> None:
    html = render("fr", sources)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_french_prose_and_failing_families(sources) -> None:
    Charts.calls.clear()
    html = render("fr", sources)
    assert "avant l’envoi du moindre paquet" in html
    assert "Constats" in html and "Correction\u00a0:" in html
    labels, values, title = Charts.calls[-1]
    assert labels == ["PORT", "TLS", "HTTP", "SSH"] and title == "Contrôles en échec par famille"
    assert values[1] >= 10 and values[3] >= 7


def test_french_report_shows_no_english_reason(sources) -> None:
    """Results and collector reasons (callouts, clear-text probes) are shown in French."""
    html = render("fr", sources)
    assert "test impossible\u00a0: connexion refusée" in html  # typo_fr: no-break space before the colon
    assert "SSH non observé\u00a0: connexion refusée" in html
    for english in ("could not test", "connection refused", "accepts ", "not offered", "no Strict-Transport",
                    "outside the ANSSI profile", "more)"):
        assert english not in html, english
    assert "accepte TLSv1.0 et TLSv1.1" in html and "clé du serveur trop faible" in html


def test_empty_sources_render(sources) -> None:
    html = render("en", [])
    assert "<section class=\"probe\">" in html and "Findings" not in html
