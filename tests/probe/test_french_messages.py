"""Every probe result and reason reads in French and in English: rules over recorded observations,
and the reasons the collectors' own code produces.

A result is a message code with its arguments; the report renders it in its language. Here every
result and every "could not test" reason must render in both languages without a ``[code]``
fallback, and the French text must hold no English word of ours (what a server or a tool said is
an argument, kept verbatim). The reasons below are produced by the collectors' own code wherever
it can run without a network.
"""

from __future__ import annotations

import errno
import http.client
import socket
import ssl

import pytest

from expertise.i18n import Message, msg, render
from expertise.probe import guard
from expertise.probe.bounded import SocketWatchdog
from expertise.probe.http import _describe
from expertise.probe.nmap import parse_nmap_xml
from expertise.probe.observations import (HttpObservation, PortsObservation, ProbeObservation, SshObservation,
                                          TlsObservation)
from expertise.probe.reasons import network_error, sslyze_cause
from expertise.probe.scope import OutOfScope, ScopeSpec, authorise
from expertise.probe.tls import observation_from_sslyze, parse_s_client

from ..french import message_problems

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
    from expertise.domain import evaluate
    from expertise.probe.rules import RULES as PROBE_RULES

    return evaluate(PROBE_RULES, observation, catalogue.load())


@pytest.mark.parametrize("part,name", [(p, n) for p, names in RECORDED.items() for n in names])
def test_recorded_observations_read_in_both_languages(recorded, part: str, name: str) -> None:
    model = MODELS[part].model_validate(recorded(name))
    results = _all_results(_observation(part, model))
    assert results
    problems = [p for r in results for p in message_problems(r)]
    assert problems == []
    assert any(r.status.value in ("pass", "fail") for r in results)


# ------------------------------------------------------------------ reasons made by the collectors' code


def _scope_refusals() -> list[Message]:
    refusals = []
    resolve = {"vote.example": ["198.51.100.7"]}.__getitem__
    cases = [("192.0.2.10", ["198.51.100.0/24"], "target"), ("other.example", ["vote.example"], "target"),
             ("vote.example", ["vote.example", "192.0.2.0/24"], "redirect"),
             ("vote.example", [], "target"), ("vote.example", ["vote.example"], "target")]
    for host, entries, what in cases:
        with pytest.raises(OutOfScope) as caught:
            authorise(host, ScopeSpec.parse(entries), resolve if entries != ["vote.example"] else (lambda _: []),
                      what=what)  # type: ignore[arg-type]
        refusals.append(caught.value.message)
    return refusals


def _http_reasons() -> list[Message]:
    with SocketWatchdog(60) as idle:
        reasons = [_describe(exc, 3.0, idle) for exc in (
            ConnectionRefusedError(), socket.timeout(), http.client.LineTooLong("header line"),
            http.client.BadStatusLine("\x16\x03garbage"), http.client.HTTPException("got more than 100 headers"),
            http.client.HTTPException("something else"), OSError(113, "No route to host"),
            OSError(errno.ENETUNREACH, "Network is unreachable"), OSError(errno.EIO, "Input/output error"),
            guard.ScopeViolation(msg("probe.guard.connection_refused", address="192.0.2.1")), ValueError("odd"))]
        tls_error = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
        tls_error.reason = "WRONG_VERSION_NUMBER"
        reasons.append(_describe(tls_error, 3.0, idle))
    fired = SocketWatchdog(0.01)
    fired.fired = True
    reasons.append(_describe(OSError("closed"), 3.0, fired))
    reasons.append(network_error(socket.gaierror(socket.EAI_NONAME, "Name or service not known")))
    return reasons


def _nmap_reasons() -> list[Message]:
    xmls = [b"<nmaprun><host",
            b'<nmaprun><runstats><finished summary="0 hosts up"/></runstats></nmaprun>',
            b"<nmaprun></nmaprun>",
            b'<nmaprun><host starttime="1"><status state="up"/></host></nmaprun>',
            b'<nmaprun><host endtime="2"><status state="down" reason="no-response"/><ports/></host></nmaprun>',
            b'<nmaprun><host endtime="2"><status state="up" reason="user-set"/><ports>'
            b'<extraports state="filtered" count="1000"><extrareasons reason="no-response" count="1000"/>'
            b"</extraports></ports></host></nmaprun>",
            b'<nmaprun><host endtime="2"><status state="up" reason="user-set"/><ports>'
            b'<extraports state="filtered" count="1000"/></ports></host></nmaprun>']
    reasons = [parse_nmap_xml(xml, host="h", address="127.0.0.1", ports_spec="top-1000", expected=[]).error
               for xml in xmls]
    assert all(reasons)
    return reasons  # type: ignore[return-value]


def _tls_reasons() -> list[Message]:
    base = dict(endpoint="127.0.0.1:9", host="127.0.0.1", address="127.0.0.1", port=9, server_name="127.0.0.1",
                observed_at="2026-11-21T14:49:15Z")
    traces = ['Traceback...\nsslyze.errors.ServerRejectedConnection: 127.0.0.1:9 -> "Server rejected the connection".',
              'x\nsslyze.errors.ConnectionToServerTimedOut: 127.0.0.1:9 -> "Connection to the server timed out".',
              'x\nsslyze.errors.ServerTlsConfigurationNotSupported: 127.0.0.1:9 -> "TLS probing failed: could not '
              'find a TLS version and cipher suite supported by the server".',
              "x\nSomethingNew: an error sslyze never wrote before", ""]
    reasons = [observation_from_sslyze({"server_scan_results": [{"connectivity_status": "ERROR",
                                                                "connectivity_error_trace": trace}]}, **base).error
               for trace in traces]
    reasons.append(observation_from_sslyze({}, **base).error)
    _, _, handshake = parse_s_client("140:error:0A000410:SSL routines::sslv3 alert handshake failure\n")
    _, _, silent = parse_s_client("CONNECTED(00000003)\n")
    return [*reasons, handshake, silent]  # type: ignore[list-item]


def test_reasons_of_the_collectors_read_in_both_languages() -> None:
    reasons = _scope_refusals() + _http_reasons() + _nmap_reasons() + _tls_reasons()
    assert len(reasons) == 5 + 14 + 7 + 8 and all(isinstance(r, Message) for r in reasons)
    problems = [p for reason in reasons for p in message_problems(reason)]
    assert problems == []
    # what the server or a tool said is kept as it was, in both languages
    for reason in reasons:
        for word in ("SomethingNew", "WRONG_VERSION_NUMBER", "Input/output error"):
            if word in render(reason, "en"):
                assert word in render(reason, "fr")


def test_known_causes_are_classified() -> None:
    """The causes a reader must understand are codes (and so French in the French report); others are data."""
    assert sslyze_cause("Server rejected the connection") == msg("probe.sslyze.rejected")
    assert sslyze_cause("SSLV3_ALERT_BAD_RECORD_MAC") == "SSLV3_ALERT_BAD_RECORD_MAC"
    assert network_error(OSError(errno.ECONNRESET, "Connection reset by peer")).args["cause"] == \
        msg("probe.os.connection_reset")
    assert " ".join(render(network_error(OSError(errno.ENETUNREACH, "x")), "fr").split()) == "erreur réseau : réseau injoignable"


@pytest.mark.parametrize("part", ["tls", "http", "ssh", "ports"])
def test_unobserved_part_is_could_not_test_in_both_languages(recorded, part: str) -> None:
    reason = msg("probe.reason.tls_stalled", seconds=4)
    model = MODELS[part].model_validate(recorded(RECORDED[part][0])).model_copy(update={"error": reason})
    results = _all_results(_observation(part, model))
    assert results and all(r.status.value == "error" for r in results)
    for result in results:
        assert result.message == msg("probe.rule.could_not_test", reason=reason)
        assert result.text("en") == "could not test: no TLS handshake within 4 s (server too slow)"
        assert " ".join(result.text("fr").split()) == "test impossible : pas de négociation TLS en 4 s (serveur trop lent)"


def test_reasons_survive_the_evidence(recorded) -> None:
    """observation.json keeps a reason as its code and arguments, and reads back the same."""
    reason = msg("probe.reason.redirect_refused", url="https://other.example/",
                 reason=msg("probe.scope.name_undeclared", what=msg("probe.scope.what.redirect"),
                            host="other.example", scope=["vote.example"]))
    observation = HttpObservation(url="https://vote.example/", host="vote.example", refused_redirect=reason)
    again = HttpObservation.model_validate_json(observation.model_dump_json())
    assert again.refused_redirect == reason
    assert "la redirection vers other.example" in render(reason, "fr")
