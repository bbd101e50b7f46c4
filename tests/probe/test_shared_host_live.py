"""Several HTTPS endpoints on one host: a clear-text port belongs to the endpoint it redirects to.

One nginx on 127.0.0.1 serves two HTTPS endpoints, each with its own clear-text port redirecting
to it, and a third clear-text port serving a page and redirecting nowhere. Before issue 10, every
endpoint adopted every clear-text port the scan found, so the page-serving service made HTTP-007/008
fail on both endpoints, and each endpoint's redirect was judged as the other's entry point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from .conftest import STRONG_SERVERS, WebServer, _nginx, _wait_or_report, free_port

pytestmark = pytest.mark.network

PLAIN_PAGE = """
  server {{
    listen 127.0.0.1:{http};
    location / {{ return 200 '<html><body>intranet (en clair)</body></html>'; }}
  }}
"""


@pytest.fixture(scope="module")
def shared_host(tmp_path_factory: pytest.TempPathFactory, pki) -> Iterator[tuple[WebServer, WebServer, int]]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("nginx-shared")
    first, second = WebServer(free_port(), free_port(), folder), WebServer(free_port(), free_port(), folder)
    page = free_port()
    servers = "".join(STRONG_SERVERS.format(https=s.https_port, http=s.http_port, chain=pki.chain, key=pki.key)
                      for s in (first, second)) + PLAIN_PAGE.format(http=page)
    for process in _nginx(folder, servers):
        _wait_or_report(process, first, folder)
        _wait_or_report(process, second, folder)
        yield first, second, page


@pytest.mark.slow
def test_a_clear_text_port_is_only_attributed_to_the_endpoint_it_redirects_to(shared_host, pki, cli,
                                                                              tmp_path: Path) -> None:
    first, second, page = shared_host
    ports = ",".join(str(p) for p in (first.https_port, first.http_port, second.https_port, second.http_port, page))
    run = cli("probe", "--target", first.url, "--target", second.url, "--ports", ports, "--ca-file", pki.root_ca,
              "--timeout", "5", "--json", "out.json", "--no-progress", "--lang", "en", cwd=tmp_path)
    assert run.data is not None, run.stderr + run.stdout
    for own, other in ((first, second), (second, first)):
        results = run.results(own.url)
        for check in ("HTTP-007", "HTTP-008"):
            assert results[check]["status"] == "pass", (own.url, check, results[check]["message"])
        message = results["HTTP-007"]["message"]
        assert f":{own.http_port}" in message, message
        assert f":{other.http_port}" not in message and f":{page}" not in message, message
