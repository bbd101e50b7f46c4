"""The declared scope, and the decision to touch a host or not — taken before any packet.

The organiser's written authorisation covers named hosts and addresses; probing anything
else may be an offence (Code pénal, art. 323-1) and would taint the expertise. The rules,
applied to every target *and* to every redirect, are:

1. a host given as an IP address must lie inside a declared address or CIDR range;
2. a host given as a name must be declared by name (exactly, or under a ``*.domain``
   entry); the name is then resolved, and when the scope declares addresses, every
   address it resolves to must lie inside them — otherwise it is refused;
   (in the implicit scope of an ad-hoc probe — the targets themselves — a named target
   authorises the addresses it resolves to);
3. the probe connects only to the addresses so authorised (pinned for the whole run, so a
   DNS answer that changes during the probe cannot redirect it elsewhere).

Host names of the ``urls`` entries count as declared names. Ranges authorise; they are
never scanned as such.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Callable, Iterable, Literal
from urllib.parse import urlsplit

from ..errors import UsageError
from ..i18n import msg
from .reasons import os_cause
from .targets import _idna, is_ip, normalise_host, valid_hostname

Resolver = Callable[[str], list[str]]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class OutOfScope(UsageError):
    """A host, a redirect or a resolved address outside the declared scope (exit 2)."""


def system_resolver(name: str) -> list[str]:
    """Addresses of a name from the system resolver, IPv4 first, without duplicates."""
    try:
        infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OutOfScope(msg("probe.scope.unresolvable", name=name, cause=os_cause(exc))) from None
    addresses: list[str] = []
    for family, _, _, _, sockaddr in sorted(infos, key=lambda info: info[0] != socket.AF_INET):
        address = normalise_host(str(sockaddr[0]))
        if address not in addresses:
            addresses.append(address)
    return addresses


def _network(entry: str) -> IPNetwork | None:
    try:
        return ipaddress.ip_network(entry.strip("[]"), strict=False)
    except ValueError:
        return None


@dataclass(frozen=True)
class ScopeSpec:
    """Declared names (exact or ``*.domain``) and networks."""

    names: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()
    entries: tuple[str, ...] = field(default=(), compare=False)
    names_carry_addresses: bool = False  # implicit ad-hoc scope: a named target authorises its own addresses

    @classmethod
    def parse(cls, hosts: Iterable[str], urls: Iterable[str] = (), where: str = "scope",
              names_carry_addresses: bool = False) -> "ScopeSpec":
        names: set[str] = set()
        networks: list[IPNetwork] = []
        entries: list[str] = []
        for index, raw in enumerate(hosts):
            entry = raw.strip()
            entries.append(entry)
            network = _network(entry)
            if network is not None:
                networks.append(network)
                continue
            name = entry.lower().rstrip(".")
            bare = name[2:] if name.startswith("*.") else name
            if not valid_hostname(_idna(bare)) or is_ip(bare):
                # a command-line option is named as such; a case.toml list by its key and position
                raise UsageError(msg("probe.scope.bad_host", entry=raw),
                                 field=where if where.startswith("--") else f"{where}.hosts[{index}]")
            names.add(("*." if name.startswith("*.") else "") + _idna(bare))
        for index, raw in enumerate(urls):
            parts = urlsplit(raw.strip())
            try:
                host = parts.hostname
            except ValueError:
                host = None
            if parts.scheme not in ("http", "https") or not host:
                raise UsageError(msg("probe.scope.bad_url", entry=raw), field=f"{where}.urls[{index}]")
            entries.append(raw.strip())
            host = normalise_host(_idna(host))
            if is_ip(host):
                networks.append(ipaddress.ip_network(host))
            else:
                names.add(host)
        return cls(frozenset(names), tuple(networks), tuple(entries), names_carry_addresses)

    @property
    def empty(self) -> bool:
        return not self.names and not self.networks

    def allows_name(self, name: str) -> bool:
        name = normalise_host(name)
        if name in self.names:
            return True
        return any(entry.startswith("*.") and name.endswith(entry[1:]) and name != entry[2:]
                   for entry in self.names)

    def allows_address(self, address: str) -> bool:
        ip = ipaddress.ip_address(address)
        return any(ip in network for network in self.networks)

# what is refused: the probe's own target, or a redirect the page asked for
_WHAT = {"target": msg("probe.scope.what.target"), "redirect": msg("probe.scope.what.redirect")}


def authorise(host: str, scope: ScopeSpec, resolve: Resolver = system_resolver,
              what: Literal["target", "redirect"] = "target") -> list[str]:
    """The addresses we may connect to for ``host``, or :class:`OutOfScope` with the reason.

    Nothing is sent to the host by this function; a name out of scope is not even resolved.
    """
    host = normalise_host(host)
    subject = _WHAT[what]
    entries = list(scope.entries)
    if scope.empty:
        raise OutOfScope(msg("probe.scope.empty", what=subject, host=host))
    if is_ip(host):
        if scope.allows_address(host):
            return [host]
        raise OutOfScope(msg("probe.scope.address_outside", what=subject, host=host, scope=entries))
    if not scope.allows_name(host):
        raise OutOfScope(msg("probe.scope.name_undeclared", what=subject, host=host, scope=entries))
    addresses = resolve(host)
    if not addresses:
        raise OutOfScope(msg("probe.scope.no_address", what=subject, host=host))
    if scope.networks and not scope.names_carry_addresses:
        outside = [a for a in addresses if not scope.allows_address(a)]
        if outside:
            raise OutOfScope(msg("probe.scope.resolves_outside", what=subject, host=host, addresses=outside,
                                 scope=entries))
    return addresses
