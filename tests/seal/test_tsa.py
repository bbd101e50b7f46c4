"""RFC 3161 time-stamps from a local `openssl ts` authority, checked by OpenSSL and by rfc3161-client."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from expertise.seal import tsa as tsa_mod
from expertise.seal.errors import SealBroken
from expertise.seal.localtsa import running_tsa

from .stockrun import manifest, run_all_steps


@pytest.fixture
def stamped(run_cli, expert_key, tree: Path, tsa, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    seal = tmp_path / "seal"
    done = run_cli(
        "seal",
        "create",
        "--key",
        expert_key.path,
        "--out",
        seal,
        "--tsa",
        tsa.url,
        "--tsa-ca-file",
        tsa.ca_file,
        tree,
    )
    assert done.returncode == 0, done.stderr
    assert "token verified against the CA" in done.stdout
    return seal


def test_token_verifies_with_openssl_ts_and_rfc3161_client(stamped: Path, tsa, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert (stamped / "SHA256SUMS.tsr").is_file() and (stamped / "tsa-ca.pem").is_file()
    check = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-data",
            "SHA256SUMS",
            "-in",
            "SHA256SUMS.tsr",
            "-CAfile",
            str(tsa.ca_file),
        ],
        cwd=stamped,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0 and "Verification: OK" in check.stdout
    info = tsa_mod.verify_token(
        stamped / "SHA256SUMS.tsr", (stamped / "SHA256SUMS").read_bytes(), tsa.ca_file
    )
    recorded = manifest(stamped)["timestamp"]
    assert info.chain_verified and info.serial == recorded["serial"] and info.gen_time == recorded["gen_time"]
    assert recorded["url"] == tsa.url and recorded["hash_algorithm"] == "sha256"
    outputs = run_all_steps(stamped, tmp_path / "scratch")
    assert "Verification: OK" in outputs["timestamp"] and "Time stamp:" in outputs["timestamp"]


def test_verify_reports_the_time_stamp(run_cli, stamped: Path, tsa) -> None:  # type: ignore[no-untyped-def]
    done = run_cli("seal", "verify", stamped, "--tsa-ca-file", tsa.ca_file, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["timestamp"]["chain_verified"] is True
    assert not any("time-stamp" in note for note in report["notes"])


def test_token_for_other_data_is_rejected(run_cli, stamped: Path, expert_key, tsa) -> None:  # type: ignore[no-untyped-def]
    from .test_bad_input import _resign

    data = (stamped / "SHA256SUMS").read_bytes()
    (stamped / "SHA256SUMS").write_bytes(data.replace(data[:1], b"0" if data[:1] != b"0" else b"1", 1))
    _resign(stamped, expert_key.path)
    with pytest.raises(SealBroken, match="does not cover this SHA256SUMS"):
        tsa_mod.verify_token(stamped / "SHA256SUMS.tsr", (stamped / "SHA256SUMS").read_bytes(), tsa.ca_file)
    check = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-data",
            "SHA256SUMS",
            "-in",
            "SHA256SUMS.tsr",
            "-CAfile",
            str(tsa.ca_file),
        ],
        cwd=stamped,
        capture_output=True,
        text=True,
    )
    assert check.returncode != 0
    done = run_cli("seal", "verify", stamped)
    assert done.returncode == 2


def test_token_of_another_authority_is_rejected(run_cli, stamped: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with running_tsa(tmp_path / "other-tsa") as other:
        done = run_cli("seal", "verify", stamped, "--tsa-ca-file", other.ca_file)
    assert done.returncode == 2 and "does not verify against ca.pem" in done.stderr


def test_corrupt_token(run_cli, stamped: Path) -> None:
    token = stamped / "SHA256SUMS.tsr"
    token.write_bytes(token.read_bytes()[:-40])
    done = run_cli("seal", "verify", stamped)
    assert done.returncode == 2 and "SHA256SUMS.tsr" in done.stderr and "Traceback" not in done.stderr


def test_token_without_ca_is_covered_but_not_trusted(
    run_cli, expert_key, tree: Path, tsa, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    seal = tmp_path / "seal"
    done = run_cli("seal", "create", "--key", expert_key.path, "--out", seal, "--tsa", tsa.url, tree)
    assert done.returncode == 0 and "signature not checked" in done.stdout
    assert manifest(seal)["timestamp"]["chain_verified"] is False
    verified = run_cli("seal", "verify", seal, "--json")
    assert verified.returncode == 0
    assert any("signature was not checked" in note for note in json.loads(verified.stdout)["notes"])
    assert (
        json.loads(run_cli("seal", "verify", seal, "--tsa-ca-file", tsa.ca_file, "--json").stdout)[
            "timestamp"
        ]["chain_verified"]
        is True
    )


def test_unreachable_authority_fails_cleanly(run_cli, expert_key, tree: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from .conftest import free_port

    done = run_cli(
        "seal",
        "create",
        "--key",
        expert_key.path,
        "--out",
        tmp_path / "seal",
        "--tsa",
        f"http://127.0.0.1:{free_port()}/",
        tree,
    )
    assert done.returncode == 2 and "cannot reach the time-stamping authority" in done.stderr
    assert not (tmp_path / "seal").exists()
