"""HTTP collector: the voting page over HTTPS (with its redirects) and clear-text probes.

One GET per URL, with the standard library (http.client over a socket we open ourselves
to the pinned, in-scope address), every redirect checked against the scope before it is
followed, and hard limits: http.client refuses header lines over 64 KiB and more than 100
headers, the body is read up to ``MAX_BODY`` bytes, and a watchdog closes the socket at
the deadline so that a server dripping bytes cannot hold the probe.

The TLS context accepts anything (old versions, weak keys, unknown CAs): judging TLS is
the TLS collector's job; here we only want to see the page the voter would get.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import socket
import ssl
import time
import warnings
from html.parser import HTMLParser
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

from ..i18n import Message, msg
from . import guard
from .bounded import SocketWatchdog
from .observations import HttpExchange, HttpObservation, ScriptTag
from .observatory import ORIGIN_SENT
from .reasons import exception, network_error
from .scope import OutOfScope
from .targets import DEFAULT_PORTS, is_ip, normalise_host

MAX_BODY = 512 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "expertise-probe (independent expertise of an internet vote; CNIL 2019-053)"

Authorise = Callable[[str], list[str]]  # host -> in-scope addresses, or raises OutOfScope


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[ScriptTag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "script":
            values = {k.lower(): (v or "") for k, v in attrs}
            if values.get("src"):
                self.scripts.append(ScriptTag(src=values["src"], integrity=values.get("integrity", "")))


def _client_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with warnings.catch_warnings():  # deprecated on purpose: we must see the page of a TLS 1.0 server
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers("ALL:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        pass
    return context


_TOO_MANY_HEADERS = re.compile(r"got more than (\d+) headers")


def _describe(exc: BaseException, timeout: float, watchdog: SocketWatchdog) -> Message:
    """Why no response was obtained: a classified cause, the library's own words as data."""
    if watchdog.fired:
        return msg("probe.reason.too_slow", seconds=round(watchdog.seconds))
    if isinstance(exc, guard.ScopeViolation):
        return exc.message
    if isinstance(exc, ConnectionRefusedError):
        return msg("probe.reason.refused")
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return msg("probe.reason.timed_out", seconds=round(timeout))
    if isinstance(exc, ssl.SSLError):
        return msg("probe.reason.http_tls_failed", detail=str(exc.reason or exc))
    if isinstance(exc, http.client.LineTooLong):
        return msg("probe.reason.http_line_too_long")
    if isinstance(exc, http.client.BadStatusLine):
        return msg("probe.reason.http_not_http", line=repr(str(exc)[:80]))
    if isinstance(exc, http.client.HTTPException):
        if match := _TOO_MANY_HEADERS.search(str(exc)):
            return msg("probe.reason.http_too_many_headers", count=int(match.group(1)))
        return msg("probe.reason.http_malformed", detail=str(exc)[:120])
    if isinstance(exc, OSError):
        return network_error(exc)
    return exception(exc)


def fetch(url: str, address: str, *, timeout: float, origin: str | None = None) -> tuple[HttpExchange, bytes]:
    """One GET to ``address`` for ``url``; the exchange and the body read (bounded)."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    host = normalise_host(parts.hostname or "")
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = (f"[{host}]" if ":" in host else host) + ("" if port == DEFAULT_PORTS[parts.scheme] else f":{port}")
    request = [f"GET {path} HTTP/1.1", f"Host: {host_header}", f"User-Agent: {USER_AGENT}", "Accept: text/html,*/*",
               "Connection: close"]
    if origin:
        request.append(f"Origin: {origin}")
    seen: dict[str, Any] = {}  # what the server answered, gathered before the exchange is built
    started = time.monotonic()
    body = b""
    with SocketWatchdog(max(2 * timeout, 5.0)) as watchdog:
        sock: socket.socket | None = None
        try:
            sock = watchdog.watch(socket.create_connection((address, port), timeout=timeout))
            if https:
                sock = watchdog.watch(_client_context().wrap_socket(sock, server_hostname=None if is_ip(host) else host))
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
            connection.sock = sock
            connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            for line in request[1:]:
                name, _, value = line.partition(": ")
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            seen["status"] = response.status
            seen["reason"] = response.reason
            seen["http_version"] = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1"}.get(response.version, "")
            seen["headers"] = [(k, v) for k, v in response.msg.items()]
            seen["content_type"] = response.getheader("content-type", "") or ""
            body = response.read(MAX_BODY + 1)
            seen["body_truncated"] = len(body) > MAX_BODY
            body = body[:MAX_BODY]
        except Exception as exc:  # every failure becomes a reason, never a crash
            if "status" not in seen:
                seen["error"] = _describe(exc, timeout, watchdog)
            elif not body:
                seen["body_truncated"] = True
        finally:
            if sock is not None:
                try:
                    sock.close()
                except OSError:
                    pass
    seen["duration_s"] = round(time.monotonic() - started, 3)
    seen["body_bytes"] = len(body)
    seen["body_sha256"] = hashlib.sha256(body).hexdigest() if body or seen.get("status") else ""
    if body and "html" in str(seen.get("content_type", "")).lower():
        parser = _Scripts()
        try:
            parser.feed(body.decode("utf-8", "replace"))
            parser.close()
            seen["scripts"] = parser.scripts
        except Exception as exc:
            seen["html_parse_error"] = str(exc)[:200]
    return HttpExchange(url=url, address=address, request=request, **seen), body


def _next_hop(exchange: HttpExchange) -> str | None:
    location = exchange.header("location") if exchange.is_redirect else None
    if not location:
        return None
    return urljoin(exchange.url, location.strip())


def redirects_to(exchange: HttpExchange, host: str, port: int) -> bool:
    """Whether a clear-text answer sends the browser to ``https://host:port`` (its entry point)."""
    following = _next_hop(exchange)
    if following is None:
        return False
    parts = urlsplit(following)
    try:
        target_port = parts.port or 443
    except ValueError:
        return False
    return (parts.scheme == "https" and (parts.hostname or "").lower().strip("[]") == host.lower().strip("[]")
            and target_port == port)


def collect_http(*, url: str, host: str, address: str, authorise: Authorise, plain_urls: Callable[[], list[str]],
                 timeout: float, page: bool = True,
                 scanned_urls: Callable[[], list[str]] | None = None,
                 entry_port: int | None = None) -> tuple[HttpObservation, dict[str, bytes]]:
    """The page (``page=True``: an https target) and the clear-text probes of the same host.

    ``plain_urls`` (declared with the endpoint, or found by the scan when the endpoint is the
    host's only one) is called after the page is fetched, so it may wait for the port scan
    that tells which clear-text HTTP ports exist. ``scanned_urls`` are clear-text ports of a
    host that serves several HTTPS endpoints: one of them is this endpoint's entry point only
    if it redirects to ``https://host:entry_port``; the others are recorded as not attributed,
    so that a plain service of one endpoint does not make HTTP-007/008 fail on the others.
    """
    exchanges: list[HttpExchange] = []
    plain: list[HttpExchange] = []
    unreachable: list[str] = []
    refused: Message | None = None
    artifacts: dict[str, bytes] = {}
    bodies = 0
    if page:
        current, current_address = url, address
        for _ in range(MAX_REDIRECTS + 1):
            exchange, body = fetch(current, current_address, timeout=timeout, origin=ORIGIN_SENT)
            exchanges.append(exchange)
            if body:
                bodies += 1
                artifacts[f"http-body-{bodies}.bin"] = body
            following = _next_hop(exchange)
            if following is None:
                break
            parts = urlsplit(following)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                refused = msg("probe.reason.redirect_not_web", url=following)
                break
            try:
                addresses = authorise(parts.hostname)
            except OutOfScope as exc:
                refused = msg("probe.reason.redirect_refused", url=following, reason=exc.message)
                break
            current, current_address = following, addresses[0]
        else:
            refused = msg("probe.reason.too_many_redirects", count=MAX_REDIRECTS)
    elsewhere: list[str] = []
    declared = plain_urls()
    scanned = [u for u in (scanned_urls() if scanned_urls is not None else []) if u not in declared]
    for plain_url in declared + scanned:
        exchange, body = fetch(plain_url, address, timeout=timeout)
        if exchange.error is not None and exchange.error.code == "probe.reason.refused":
            if plain_url in declared:
                unreachable.append(plain_url)
            continue
        if plain_url not in declared and not redirects_to(exchange, host, entry_port or 443):
            elsewhere.append(plain_url)
            continue
        plain.append(exchange)
        if body:
            bodies += 1
            artifacts[f"http-body-{bodies}.bin"] = body
    observation = HttpObservation(url=url, host=host, exchanges=exchanges, plain=plain, plain_unreachable=unreachable,
                                  plain_not_attributed=elsewhere, refused_redirect=refused)
    record = {"exchanges": [e.model_dump(mode="json") for e in observation.exchanges],
              "plain": [e.model_dump(mode="json") for e in observation.plain],
              "plain_unreachable": observation.plain_unreachable,
              "plain_not_attributed": observation.plain_not_attributed,
              "refused_redirect": refused.to_dict() if refused else None,
              "bodies": {name: hashlib.sha256(data).hexdigest() for name, data in artifacts.items()}}
    artifacts["http-exchanges.json"] = json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8")
    return observation, artifacts
