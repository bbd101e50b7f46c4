"""TLS certificates on `openssl s_server`: an ECDSA P-256 deployment passes, an expired one fails.

nginx covers RSA (3072 strong, 1024 weak); these servers cover what it does not: an ECDSA
leaf (ANSSI: ECDSA ≥ 256 bits is acceptable, the RSA-3072 recommendation does not apply)
and a certificate whose validity ended, both issued by the same private CA so that only the
dates differ between them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from expertise.i18n import Message, render

from expertise.probe.localpki import make_ca, make_leaf

from .conftest import _stop, free_port, wait_port

pytestmark = pytest.mark.network


def _s_server(folder: Path, name: str, leaf, intermediate) -> tuple[subprocess.Popen, int]:  # type: ignore[no-untyped-def,type-arg]
    (folder / f"{name}.pem").write_bytes(leaf.cert_pem())
    (folder / f"{name}.key").write_bytes(leaf.key_pem())
    port = free_port()
    process = subprocess.Popen(
        ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(folder / f"{name}.pem"),
         "-key", str(folder / f"{name}.key"), "-cert_chain", str(folder / "intermediate.pem"),
         "-no_ssl3", "-no_tls1", "-no_tls1_1", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384",
         "-www", "-quiet"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return process, port


@pytest.fixture(scope="module")
def ecdsa_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int, Path]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("s_server")
    root = make_ca("s_server root CA", days=400)
    intermediate = make_ca("s_server intermediate CA", root, days=400)
    (folder / "root.pem").write_bytes(root.cert_pem())
    (folder / "intermediate.pem").write_bytes(intermediate.cert_pem())
    valid = make_leaf(intermediate, dns_names=["localhost"], ip_addresses=["127.0.0.1"], key="ec", days=90)
    lapsed = make_leaf(intermediate, dns_names=["localhost"], ip_addresses=["127.0.0.1"], key="ec", days=90,
                       expired=True)
    processes = []
    try:
        process, valid_port = _s_server(folder, "valid", valid, intermediate)
        processes.append(process)
        process, lapsed_port = _s_server(folder, "lapsed", lapsed, intermediate)
        processes.append(process)
        yield valid_port, lapsed_port, folder / "root.pem"
    finally:
        for process in processes:
            _stop(process)


@pytest.fixture(scope="module")
def run(ecdsa_servers, cli, tmp_path_factory):  # type: ignore[no-untyped-def]
    valid_port, lapsed_port, root = ecdsa_servers
    return cli("probe", "--target", f"127.0.0.1:{valid_port}", "--target", f"127.0.0.1:{lapsed_port}",
               "--ports", "none", "--ca-file", root, "--timeout", "5", "--json", "out.json", "--evidence", "ev",
               "--no-progress", cwd=tmp_path_factory.mktemp("s_server-run"))


def test_ecdsa_p256_deployment_passes_the_certificate_checks(run, ecdsa_servers) -> None:
    valid_port = ecdsa_servers[0]
    results = run.results(f"tls://127.0.0.1:{valid_port}")
    statuses = {check: results[check]["status"] for check in results}
    for check in ("TLS-001", "TLS-004", "TLS-005", "TLS-007", "TLS-020", "TLS-022", "TLS-023", "TLS-024", "TLS-025",
                  "TLS-027"):
        assert statuses[check] == "pass", (check, results[check]["message"])
    assert results["TLS-020"]["message"] == "server key EC 256 bits (secp256r1)"
    assert results["TLS-021"]["status"] == "not_applicable"  # the RSA-3072 recommendation is for RSA only


def test_expired_certificate_fails_its_dates(run, ecdsa_servers) -> None:
    assert run.returncode == 1, run.stderr
    lapsed_port = ecdsa_servers[1]
    results = run.results(f"tls://127.0.0.1:{lapsed_port}")
    assert results["TLS-024"]["status"] == "fail" and "expired on" in results["TLS-024"]["message"]
    assert "expiré le" in render(Message.from_dict(results["TLS-024"]), "fr")
    assert results["TLS-023"]["status"] == "fail"  # no store validates an expired leaf
    assert results["TLS-020"]["status"] == "pass"  # the key itself is fine: only the dates fail
    assert any(path.endswith("sslyze.json") for path in results["TLS-024"]["evidence"])
