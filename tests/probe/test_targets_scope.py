"""Targets are parsed strictly; the scope decision is taken before anything is sent."""

from __future__ import annotations

import socket

import pytest

from expertise.errors import UsageError
from expertise.probe import guard
from expertise.probe.scope import OutOfScope, ScopeSpec, authorise
from expertise.probe.targets import parse_target, parse_targets


@pytest.mark.parametrize("spec,kind,host,port,canonical", [
    ("https://Vote.Example.org/urne?x=1", "https", "vote.example.org", 443, "https://vote.example.org/urne?x=1"),
    ("https://vote.example.org:8443", "https", "vote.example.org", 8443, "https://vote.example.org:8443/"),
    ("http://vote.example.org/", "http", "vote.example.org", 80, "http://vote.example.org/"),
    ("vote.example.org:993", "tls", "vote.example.org", 993, "tls://vote.example.org:993"),
    ("tls://127.0.0.1:8443", "tls", "127.0.0.1", 8443, "tls://127.0.0.1:8443"),
    ("[::1]:8443", "tls", "::1", 8443, "tls://[::1]:8443"),
    ("ssh://vote.example.org", "ssh", "vote.example.org", 22, "ssh://vote.example.org:22"),
    ("ssh://127.0.0.1:2222", "ssh", "127.0.0.1", 2222, "ssh://127.0.0.1:2222"),
    ("vote.example.org", "host", "vote.example.org", None, "vote.example.org"),
    ("https://élection.example/", "https", "xn--lection-9xa.example", 443, "https://xn--lection-9xa.example/"),
])
def test_target_forms(spec, kind, host, port, canonical) -> None:
    target = parse_target(spec)
    assert (target.kind, target.host, target.port, target.canonical) == (kind, host, port, canonical)


@pytest.mark.parametrize("spec,text", [
    ("192.0.2.0/24", "ranges are never scanned"),
    ("ftp://vote.example.org/", "unsupported scheme"),
    ("https://user:pw@vote.example.org/", "user name or password"),
    ("vote.example.org:99999", "port out of range"),
    ("vote.example.org:abc", "invalid port"),
    ("tls://vote.example.org", "needs a port"),
    ("ssh://vote.example.org/path", "takes no path"),
    ("bad_host!:443", "invalid host name"),
    ("", "empty target"),
    ("https:// x", "white space"),
])
def test_bad_targets(spec, text) -> None:
    with pytest.raises(UsageError) as error:
        parse_target(spec)
    assert text in str(error.value)


def test_duplicates_are_merged_in_order() -> None:
    targets = parse_targets(["https://a.example/", "https://A.example:443/", "ssh://a.example"])
    assert [t.canonical for t in targets] == ["https://a.example/", "ssh://a.example:22"]


def _resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    def resolve(name: str) -> list[str]:
        calls.append(name)
        return table[name]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


def test_addresses_must_be_inside_declared_networks() -> None:
    scope = ScopeSpec.parse(["192.0.2.0/28", "198.51.100.7"])
    assert authorise("192.0.2.5", scope) == ["192.0.2.5"]
    assert authorise("198.51.100.7", scope) == ["198.51.100.7"]
    with pytest.raises(OutOfScope, match="outside the declared scope"):
        authorise("192.0.2.16", scope)


def test_undeclared_name_is_refused_without_resolution() -> None:
    resolve = _resolver({"vote.example": ["192.0.2.5"]})
    with pytest.raises(OutOfScope, match="not a declared name"):
        authorise("vote.example", ScopeSpec.parse(["192.0.2.0/24"]), resolve)
    assert resolve.calls == []


def test_name_resolving_outside_declared_addresses_is_refused() -> None:
    scope = ScopeSpec.parse(["vote.example", "192.0.2.0/24"])
    assert authorise("vote.example", scope, _resolver({"vote.example": ["192.0.2.9"]})) == ["192.0.2.9"]
    with pytest.raises(OutOfScope, match="203.0.113.1"):
        authorise("vote.example", scope, _resolver({"vote.example": ["192.0.2.9", "203.0.113.1"]}))


def test_names_only_scope_and_wildcards() -> None:
    scope = ScopeSpec.parse(["*.vote.example"], ["https://portail.example/"])
    assert authorise("urne.vote.example", scope, _resolver({"urne.vote.example": ["203.0.113.1"]}))
    assert authorise("portail.example", scope, _resolver({"portail.example": ["203.0.113.2"]}))
    with pytest.raises(OutOfScope):
        authorise("vote.example", scope, _resolver({}))  # the wildcard does not cover the bare domain
    with pytest.raises(OutOfScope):
        authorise("a.b.vote.example.evil", scope, _resolver({}))


def test_implicit_scope_lets_named_targets_carry_their_addresses() -> None:
    scope = ScopeSpec.parse(["localhost", "127.0.0.1"], names_carry_addresses=True)
    assert authorise("localhost", scope, _resolver({"localhost": ["127.0.0.1", "::1"]})) == ["127.0.0.1", "::1"]


def test_empty_scope_refuses_everything() -> None:
    with pytest.raises(OutOfScope, match="scope is empty"):
        authorise("127.0.0.1", ScopeSpec.parse([]))


@pytest.mark.parametrize("entry", ["bad host", "300.1.1.1/8x", "*.", "https://x"])
def test_invalid_scope_entries(entry) -> None:
    with pytest.raises(UsageError):
        ScopeSpec.parse([entry])


def test_scope_urls_must_be_web_urls() -> None:
    with pytest.raises(UsageError, match="not an http"):
        ScopeSpec.parse([], ["ftp://x.example/"])


def test_guard_refuses_connections_outside_the_scope_before_the_syn() -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        with guard.guarded(["192.0.2.10"]):
            with pytest.raises(guard.ScopeViolation):
                socket.create_connection(("127.0.0.1", port), timeout=2)
            with pytest.raises(guard.ScopeViolation):
                socket.getaddrinfo("localhost", 80)
        with pytest.raises(socket.timeout):
            listener.accept()  # nothing ever reached the listener
        # positive control: without the guard (or with the address allowed) the same call connects
        with guard.guarded(["127.0.0.1"]):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        listener.accept()[0].close()
    finally:
        listener.close()
    assert not guard.active()
