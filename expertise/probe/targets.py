"""What the expert asks to probe: one string per target, parsed once and strictly.

A target names one host and says what to look at there. The accepted forms are few on
purpose, so that a typo fails loudly instead of widening or silently narrowing the probe:

    https://HOST[:PORT][/PATH]   TLS of the endpoint + the HTTP security of the page
    http://HOST[:PORT][/PATH]    a clear-text web entry point: it must only redirect to HTTPS
    HOST:PORT  (or tls://...)    TLS of any TLS service (no HTTP)
    ssh://HOST[:PORT]            the SSH server
    HOST                         only the port scan of the host

Ranges (CIDR) are never targets: they may appear in the scope as an authorisation, but
each probed host must be named.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import SplitResult, urlsplit

from ..errors import UsageError
from ..i18n import msg

TargetKind = Literal["https", "http", "tls", "ssh", "host"]

DEFAULT_PORTS = {"https": 443, "http": 80, "ssh": 22}

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise_host(host: str) -> str:
    """Lower-case name without trailing dot, or the compressed form of an IP address."""
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def valid_hostname(host: str) -> bool:
    """A DNS name (ASCII or already IDNA-encoded) or an IP address."""
    if is_ip(host):
        return True
    if not host or len(host) > 253:
        return False
    return all(_LABEL.match(label) for label in host.split("."))


def _idna(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@dataclass(frozen=True)
class Target:
    """One parsed target. ``host`` is normalised; ``path`` only for web targets."""

    kind: TargetKind
    host: str
    port: int | None
    path: str = "/"
    spec: str = ""

    @property
    def host_for_url(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    @property
    def url(self) -> str:
        if self.kind not in ("https", "http"):
            raise ValueError(f"{self.kind} target has no URL")
        default = DEFAULT_PORTS[self.kind]
        port = "" if self.port == default else f":{self.port}"
        return f"{self.kind}://{self.host_for_url}{port}{self.path}"

    @property
    def canonical(self) -> str:
        """Stable text used in source keys, evidence folder names and reports."""
        if self.kind in ("https", "http"):
            return self.url
        if self.kind == "ssh":
            return f"ssh://{self.host_for_url}:{self.port}"
        if self.kind == "tls":
            return f"tls://{self.host_for_url}:{self.port}"
        return self.host

    @property
    def source(self) -> str:
        """The journal's source key; a host's port scan is ``probe:host:HOST``."""
        return f"probe:host:{self.host}" if self.kind == "host" else f"probe:{self.canonical}"

    @property
    def slug(self) -> str:
        """A file-system safe name for the evidence folder of this target."""
        text = self.canonical.replace("://", "-")
        return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:120] or "target"


def _port(value: str | int | None, spec: str) -> int:
    try:
        port = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UsageError(msg("probe.target.bad_port", target=spec)) from None
    if not 1 <= port <= 65535:
        raise UsageError(msg("probe.target.port_range", target=spec))
    return port


def _host_of(parts: SplitResult, spec: str) -> str:
    try:
        raw = parts.hostname
    except ValueError:
        raw = None
    if not raw:
        raise UsageError(msg("probe.target.no_host", target=spec))
    host = normalise_host(_idna(raw))
    if not valid_hostname(host):
        raise UsageError(msg("probe.target.bad_host", host=raw, target=spec))
    return host


def parse_target(spec: str) -> Target:
    """Parse one target string; raise :class:`UsageError` naming the target on any doubt."""
    text = spec.strip()
    if not text:
        raise UsageError(msg("probe.target.empty"))
    if any(ch.isspace() for ch in text):
        raise UsageError(msg("probe.target.space", target=spec))
    if "/" in text and "://" not in text:
        if _looks_like_network(text):
            raise UsageError(msg("probe.target.range", target=spec))
        raise UsageError(msg("probe.target.unrecognised", target=spec))
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme not in ("https", "http", "ssh", "tls"):
            raise UsageError(msg("probe.target.scheme", scheme=scheme, target=spec))
        parts = urlsplit(text)
        if parts.username or parts.password:
            raise UsageError(msg("probe.target.credentials", target=spec))
        host = _host_of(parts, spec)
        try:
            explicit = parts.port
        except ValueError:
            raise UsageError(msg("probe.target.bad_port", target=spec)) from None
        if scheme in ("https", "http"):
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            port = explicit if explicit is not None else DEFAULT_PORTS[scheme]
            return Target(scheme, host, _port(port, spec), path, spec)  # type: ignore[arg-type]
        if parts.path not in ("", "/") or parts.query:
            raise UsageError(msg("probe.target.path", scheme=scheme, target=spec))
        if scheme == "ssh":
            return Target("ssh", host, _port(explicit if explicit is not None else 22, spec), "", spec)
        if explicit is None:
            raise UsageError(msg("probe.target.tls_port", target=spec))
        return Target("tls", host, _port(explicit, spec), "", spec)
    # HOST, HOST:PORT, [V6]:PORT, or a bare IPv6 address
    if text.startswith("["):
        match = re.fullmatch(r"\[([0-9A-Fa-f:.%]+)\](?::(\d+))?", text)
        if not match or not is_ip(match.group(1)):
            raise UsageError(msg("probe.target.bad_ipv6", target=spec))
        host = normalise_host(match.group(1))
        return Target("tls", host, _port(match.group(2), spec), "", spec) if match.group(2) \
            else Target("host", host, None, "", spec)
    if text.count(":") > 1:
        if not is_ip(text):
            raise UsageError(msg("probe.target.invalid", target=spec))
        return Target("host", normalise_host(text), None, "", spec)
    if ":" in text:
        raw_host, raw_port = text.rsplit(":", 1)
        host = normalise_host(_idna(raw_host))
        if not valid_hostname(host):
            raise UsageError(msg("probe.target.bad_host", host=raw_host, target=spec))
        return Target("tls", host, _port(raw_port, spec), "", spec)
    host = normalise_host(_idna(text))
    if not valid_hostname(host):
        raise UsageError(msg("probe.target.bad_host", host=text, target=spec))
    return Target("host", host, None, "", spec)


def _looks_like_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def parse_targets(specs: list[str] | tuple[str, ...]) -> list[Target]:
    """Parse and de-duplicate (same canonical form) while keeping the expert's order."""
    seen: dict[str, Target] = {}
    for spec in specs:
        target = parse_target(spec)
        seen.setdefault(target.canonical, target)
    return list(seen.values())
