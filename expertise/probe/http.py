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
import socket
import ssl
import time
import warnings
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import urljoin, urlsplit

from . import guard
from .bounded import SocketWatchdog
from .observations import HttpExchange, HttpObservation, ScriptTag
from .observatory import ORIGIN_SENT
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


def _describe(exc: BaseException, timeout: float, watchdog: SocketWatchdog) -> str:
    if watchdog.fired:
        return f"no complete response within {watchdog.seconds:.0f} s (server too slow)"
    if isinstance(exc, guard.ScopeViolation):
        return str(exc)
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"timed out after {timeout:.0f} s"
    if isinstance(exc, ssl.SSLError):
        return f"TLS handshake failed: {exc.reason or exc}"
    if isinstance(exc, http.client.LineTooLong):
        return "response header line too long (over 64 KiB)"
    if isinstance(exc, http.client.BadStatusLine):
        return f"not an HTTP response (status line {str(exc)[:80]!r})"
    if isinstance(exc, http.client.HTTPException):
        return f"malformed HTTP response: {str(exc)[:120]}"
    if isinstance(exc, OSError):
        return f"network error: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"


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
    exchange = HttpExchange(url=url, address=address, request=request)
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
            exchange.status = response.status
            exchange.reason = response.reason
            exchange.http_version = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1"}.get(response.version, "")
            exchange.headers = [(k, v) for k, v in response.msg.items()]
            exchange.content_type = response.getheader("content-type", "") or ""
            body = response.read(MAX_BODY + 1)
            exchange.body_truncated = len(body) > MAX_BODY
            body = body[:MAX_BODY]
        except Exception as exc:  # every failure becomes a reason, never a crash
            if exchange.status is None:
                exchange.error = _describe(exc, timeout, watchdog)
            elif not body:
                exchange.body_truncated = True
        finally:
            if sock is not None:
                try:
                    sock.close()
                except OSError:
                    pass
    exchange.duration_s = round(time.monotonic() - started, 3)
    exchange.body_bytes = len(body)
    exchange.body_sha256 = hashlib.sha256(body).hexdigest() if body or exchange.status else ""
    if body and "html" in exchange.content_type.lower():
        parser = _Scripts()
        try:
            parser.feed(body.decode("utf-8", "replace"))
            parser.close()
            exchange.scripts = parser.scripts
        except Exception as exc:
            exchange.html_parse_error = str(exc)[:200]
    return exchange, body


def _next_hop(exchange: HttpExchange) -> str | None:
    location = exchange.header("location") if exchange.is_redirect else None
    if not location:
        return None
    return urljoin(exchange.url, location.strip())


def collect_http(*, url: str, host: str, address: str, authorise: Authorise, plain_urls: Callable[[], list[str]],
                 timeout: float, page: bool = True) -> tuple[HttpObservation, dict[str, bytes]]:
    """The page (``page=True``: an https target) and the clear-text probes of the same host.

    ``plain_urls`` is called after the page is fetched, so it may wait for the port scan
    that tells which clear-text HTTP ports exist.
    """
    observation = HttpObservation(url=url, host=host)
    artifacts: dict[str, bytes] = {}
    bodies = 0
    if page:
        current, current_address = url, address
        for _ in range(MAX_REDIRECTS + 1):
            exchange, body = fetch(current, current_address, timeout=timeout, origin=ORIGIN_SENT)
            observation.exchanges.append(exchange)
            if body:
                bodies += 1
                artifacts[f"http-body-{bodies}.bin"] = body
            following = _next_hop(exchange)
            if following is None:
                break
            parts = urlsplit(following)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                observation.refused_redirect = f"redirect to a non-web URL not followed: {following}"
                break
            try:
                addresses = authorise(parts.hostname)
            except OutOfScope as exc:
                observation.refused_redirect = f"redirect to {following} refused: {exc}"
                break
            current, current_address = following, addresses[0]
        else:
            observation.refused_redirect = f"more than {MAX_REDIRECTS} redirects; stopped"
    for plain in plain_urls():
        exchange, body = fetch(plain, address, timeout=timeout)
        if exchange.error == "connection refused":
            observation.plain_unreachable.append(plain)
            continue
        observation.plain.append(exchange)
        if body:
            bodies += 1
            artifacts[f"http-body-{bodies}.bin"] = body
    record = {"exchanges": [e.model_dump(mode="json") for e in observation.exchanges],
              "plain": [e.model_dump(mode="json") for e in observation.plain],
              "plain_unreachable": observation.plain_unreachable,
              "refused_redirect": observation.refused_redirect,
              "bodies": {name: hashlib.sha256(data).hexdigest() for name, data in artifacts.items()}}
    artifacts["http-exchanges.json"] = json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8")
    return observation, artifacts
