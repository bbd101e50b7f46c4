"""Every probe result speaks French: rules over recorded observations, and the collectors' reasons.

The French report shows ``messages["fr"]``; an English sentence there is a defect the reader
sees. The reasons of "could not test" come from the collectors in English (they are kept so
in the evidence) and are reworded by :func:`expertise.probe.french.reason_fr`; the reasons
below are produced by the collectors' own code wherever it can run without a network.
"""

from __future__ import annotations

import http.client
import socket
import ssl

import pytest

from expertise.probe import guard
from expertise.probe.bounded import SocketWatchdog
from expertise.probe.french import reason_fr
from expertise.probe.http import _describe
from expertise.probe.nmap import parse_nmap_xml
from expertise.probe.observations import (HttpObservation, PortsObservation, ProbeObservation, SshObservation,
                                          TlsObservation)
from expertise.probe.scope import OutOfScope, ScopeSpec, authorise

from .french import english_words, french_problem

RECORDED = {
    "tls": ["strong-tls-observation.json", "weak-tls-observation.json"],
    "http": ["strong-https-observation.json", "weak-https-observation.json", "strong-plain-observation.json"],
    "ssh": ["strong-ssh-observation.json", "weak-ssh-observation.json"],
    "ports": ["strong-host-observation.json", "weak-host-observation.json"],
}
MODELS = {"tls": TlsObservation, "http": HttpObservation, "ssh": SshObservation, "ports": PortsObservation}


def _observation(part: str, model) -> ProbeObservation:  # type: ignore[no-untyped-def]
    if part == "http":
        kind = "https" if model.url.startswith("https://") else "http"
        return ProbeObservation(kind=kind, target=model.url, http=model)
    kind = {"tls": "tls", "ssh": "ssh", "ports": "host"}[part]
    return ProbeObservation(kind=kind, target="x", **{part: model})


def _all_results(observation: ProbeObservation) -> list:  # type: ignore[type-arg]
    from expertise import catalogue
    from expertise.probe.rules import RULES as PROBE_RULES
    from expertise.domain import evaluate

    return evaluate(PROBE_RULES, observation, catalogue.load())


@pytest.mark.parametrize("part,name", [(p, n) for p, names in RECORDED.items() for n in names])
def test_recorded_observations_give_french_messages(recorded, part: str, name: str) -> None:
    model = MODELS[part].model_validate(recorded(name))
    results = _all_results(_observation(part, model))
    assert results
    problems = [p for r in results if (p := french_problem(r))]
    assert problems == []
    assert any(r.status.value in ("pass", "fail") for r in results)


# ------------------------------------------------------------------ reasons made by the collectors' code


def _scope_refusals() -> list[str]:
    refusals = []
    resolve = {"vote.example": ["198.51.100.7"]}.__getitem__
    cases = [("192.0.2.10", ["198.51.100.0/24"], "target"), ("other.example", ["vote.example"], "target"),
             ("vote.example", ["vote.example", "192.0.2.0/24"], "redirect to"),
             ("vote.example", [], "target")]
    for host, entries, what in cases:
        with pytest.raises(OutOfScope) as caught:
            authorise(host, ScopeSpec.parse(entries), resolve, what=what)
        refusals.append(str(caught.value))
    return refusals


def _http_reasons() -> list[str]:
    with SocketWatchdog(60) as idle:
        reasons = [_describe(exc, 3.0, idle) for exc in (
            ConnectionRefusedError(), socket.timeout(), http.client.LineTooLong("header line"),
            http.client.BadStatusLine("\x16\x03garbage"), http.client.HTTPException("got more than 100 headers"),
            OSError(113, "No route to host"), guard.ScopeViolation("connection to 192.0.2.1 refused: outside the "
                                                                   "probe scope (nothing sent)"))]
        tls_error = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
        tls_error.reason = "WRONG_VERSION_NUMBER"
        reasons.append(_describe(tls_error, 3.0, idle))
    fired = SocketWatchdog(0.01)
    fired.fired = True
    reasons.append(_describe(OSError("closed"), 3.0, fired))
    return reasons


def _nmap_reasons() -> list[str]:
    xmls = [b"<nmaprun><host",
            b'<nmaprun><runstats><finished summary="0 hosts up"/></runstats></nmaprun>',
            b'<nmaprun><host starttime="1"><status state="up"/></host></nmaprun>',
            b'<nmaprun><host endtime="2"><status state="up" reason="user-set"/><ports>'
            b'<extraports state="filtered" count="1000"><extrareasons reason="no-response" count="1000"/>'
            b"</extraports></ports></host></nmaprun>"]
    return [str(parse_nmap_xml(xml, host="h", address="127.0.0.1", ports_spec="top-1000", expected=[]).error)
            for xml in xmls]


def test_reasons_of_the_collectors_are_reworded() -> None:
    reasons = _scope_refusals() + _http_reasons() + _nmap_reasons()
    assert len(reasons) == 4 + 9 + 4 and all(reasons)
    for reason in reasons:
        french = reason_fr(reason)
        assert french != reason, reason
        assert english_words(french) == [], (reason, french)


# Reasons written by code that needs a live server or a missing tool to run (tls.py, ssh.py,
# openssh_client.py, runner.py): their exact templates, one sample each.
SAMPLES = [
    ("did not finish within 150 s", "non terminé en 150 s"),
    ("internal error in the collector: KeyError: 'x'", "erreur interne du collecteur : KeyError: 'x'"),
    ('port scan disabled (probe.ports = "none")', 'balayage des ports désactivé (probe.ports = "none")'),
    ("sslyze returned no result", "sslyze n’a rendu aucun résultat"),
    ("no TLS connection: Server rejected the connection", "pas de connexion TLS : le serveur a refusé la connexion"),
    ("no TLS connection: Connection to the server failed", "pas de connexion TLS : échec de la connexion au serveur"),
    ("no TLS connection: TLS probing failed: could not find a TLS version and cipher suite supported by the server",
     "pas de connexion TLS : échec du sondage TLS : aucune version de TLS ni suite cryptographique acceptée par le "
     "serveur n’a été trouvée"),
    ("no TLS handshake within 4 s (server too slow)", "pas de négociation TLS en 4 s (serveur trop lent)"),
    ("not a TLS server (its first bytes are not a TLS record: wrong version number)",
     "pas un serveur TLS (ses premiers octets ne forment pas un enregistrement TLS : wrong version number)"),
    ("the TLS scan did not finish within 120 s", "l’analyse TLS ne s’est pas terminée en 120 s"),
    ("the TLS scanner failed: MemoryError", "échec de l’analyseur TLS : MemoryError"),
    ("s_client did not finish within 10 s", "s_client ne s’est pas terminé en 10 s"),
    ("handshake failed (no cipher negotiated)", "échec de la négociation (aucune suite négociée)"),
    ("CBC suites only on SSL versions s_client cannot speak",
     "suites CBC seulement sur des versions SSL que s_client ne sait pas négocier"),
    ("nmap is not installed (Debian package nmap)", "nmap n’est pas installé (paquet Debian nmap)"),
    ("nmap failed: Failed to open device", "échec de nmap : Failed to open device"),
    ("ssh-audit saw no key exchange (the server did not complete KEXINIT)",
     "ssh-audit n’a vu aucun échange de clés (le serveur n’a pas achevé KEXINIT)"),
    ("ssh-audit gave no JSON (exit 1)", "ssh-audit n’a produit aucun JSON (code de sortie 1)"),
    ("ssh-audit could not audit the server", "ssh-audit n’a pas pu auditer le serveur"),
    ("not run: the server did not complete the SSH handshake in time",
     "non exécuté : le serveur n’a pas achevé la négociation SSH à temps"),
    ("no SSH handshake within 4 s (server too slow)", "pas de négociation SSH en 4 s (serveur trop lent)"),
    ("key exchange impossible with a current client: Incompatible ssh peer (no acceptable kex algorithm); "
     "the OpenSSH client got no answer within 11 s",
     "échange de clés impossible avec un client actuel : Incompatible ssh peer (no acceptable kex algorithm) ; "
     "le client OpenSSH n’a reçu aucune réponse en 11 s"),
    ("network error: Network is unreachable", "erreur réseau : réseau injoignable"),
    ("redirect to https://other.example/ refused: redirect to other.example is not a declared name of the scope "
     "(vote.example); nothing was sent",
     "redirection vers https://other.example/ refusée : la redirection vers other.example n’est pas un nom déclaré "
     "du périmètre (vote.example) ; rien n’a été envoyé"),
    ("more than 5 redirects; stopped", "plus de 5 redirections ; arrêt"),
]


@pytest.mark.parametrize("english,french", SAMPLES)
def test_reason_templates(english: str, french: str) -> None:
    assert reason_fr(english) == french


def test_an_unknown_reason_is_kept_as_it_is() -> None:
    """Tool text we do not know is not guessed at; the rule's own French sentence frames it."""
    assert reason_fr("SSLV3_ALERT_BAD_RECORD_MAC") == "SSLV3_ALERT_BAD_RECORD_MAC"
    assert reason_fr("") == "" and reason_fr(None) == ""


@pytest.mark.parametrize("part", ["tls", "http", "ssh", "ports"])
def test_unobserved_part_is_could_not_test_in_french(recorded, part: str) -> None:
    model = MODELS[part].model_validate(recorded(RECORDED[part][0])).model_copy(
        update={"error": "no TLS handshake within 4 s (server too slow)"})
    results = _all_results(_observation(part, model))
    assert results and all(r.status.value == "error" for r in results)
    for result in results:
        assert result.text("en") == "could not test: no TLS handshake within 4 s (server too slow)"
        assert result.messages["fr"] == "test impossible : pas de négociation TLS en 4 s (serveur trop lent)"
        assert result.text("fr") == result.messages["fr"] and result.text("en") == result.text("en")
