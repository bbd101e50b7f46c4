"""TLS-024 over the voting period: certificates made by `openssl ca` with chosen dates, on `openssl s_server`.

A certificate valid on the day of the probe but expiring before the closing (or valid only after the
opening) would break the vote halfway: with the case's [election] dates it is a finding naming both
dates; a standalone probe, which does not know the period, says only the probe time was checked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from .conftest import _stop, free_port, wait_port

pytestmark = pytest.mark.network

CA_CONFIG = """[ca]
default_ca = local
[local]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[anything]
commonName = supplied
"""


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%SZ")


def _certificate(folder: Path, name: str, not_before: datetime, not_after: datetime) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 with exactly the dates asked, made by openssl itself."""
    work = folder / name
    work.mkdir()
    (work / "ca.cnf").write_text(CA_CONFIG)
    (work / "index.txt").write_text("")
    (work / "serial").write_text("01\n")
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "key.pem", "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-out", "req.csr"], cwd=work, check=True, capture_output=True)
    subprocess.run(["openssl", "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "key.pem",
                    "-in", "req.csr", "-startdate", _stamp(not_before), "-enddate", _stamp(not_after),
                    "-out", "cert.pem"], cwd=work, check=True, capture_output=True)
    return work / "cert.pem", work / "key.pem"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """Three servers whose certificates are all valid today; the vote runs from now-1 day to now+20 days."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls024")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    dates = {"covers": (now - timedelta(days=10), now + timedelta(days=90)),
             "expires_early": (now - timedelta(days=10), now + timedelta(days=5)),
             "starts_late": (now - timedelta(hours=1), now + timedelta(days=90))}
    processes, ports = [], {}
    try:
        for name, (start, end) in dates.items():
            cert, key = _certificate(folder, name, start, end)
            port = free_port()
            processes.append(subprocess.Popen(
                ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(cert), "-key", str(key),
                 "-www", "-quiet"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_port(port)
            ports[name] = port
        yield ports
    finally:
        for process in processes:
            _stop(process)


def _case_with_period(demo_case: Path, ports: dict[str, int]) -> Path:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    text = (demo_case / "case.toml").read_text(encoding="utf-8")
    text = re.sub(r"^opens = .*$", f'opens = {(now - timedelta(days=1)).isoformat()}', text, count=1, flags=re.M)
    text = re.sub(r"^closes = .*$", f'closes = {(now + timedelta(days=20)).isoformat()}', text, count=1, flags=re.M)
    targets = ", ".join(f'"127.0.0.1:{port}"' for port in ports.values())
    text += f'\n[probe]\ntargets = [{targets}]\nports = "none"\ntimeout = 5\n'
    (demo_case / "case.toml").write_text(text, encoding="utf-8")
    return demo_case


@pytest.mark.slow
def test_certificates_are_judged_over_the_voting_period(servers, demo_case: Path, cli, tmp_path) -> None:
    case = _case_with_period(demo_case, servers)
    run = cli("probe", str(case), "--json", "out.json", "--no-progress", "--lang", "en", cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr + run.stdout
    covers = run.results(f"127.0.0.1:{servers['covers']}")["TLS-024"]
    assert covers["status"] == "pass" and covers["code"] == "probe.tls_024.pass_period", covers
    early = run.results(f"127.0.0.1:{servers['expires_early']}")["TLS-024"]
    assert early["status"] == "fail", early
    assert "before the closing of the vote" in early["message"], early["message"]
    late = run.results(f"127.0.0.1:{servers['starts_late']}")["TLS-024"]
    assert late["status"] == "fail", late
    assert "after the opening of the vote" in late["message"], late["message"]


@pytest.mark.slow
def test_a_standalone_probe_says_only_the_probe_time_was_checked(servers, cli, tmp_path) -> None:
    run = cli("probe", "--target", f"127.0.0.1:{servers['expires_early']}", "--ports", "none", "--timeout", "5",
              "--json", "out.json", "--no-progress", "--lang", "en", cwd=tmp_path)
    result = run.results(f"127.0.0.1:{servers['expires_early']}")["TLS-024"]
    assert result["code"] == "probe.tls_024.pass_now_only", result
    assert "voting period is not known" in result["message"]
