"""`expertise seal keygen`: an OpenSSH Ed25519 key pair that ssh-keygen itself reads."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from expertise.errors import UsageError
from expertise.seal.keys import expected_fingerprint, load_private


def test_keygen_writes_an_openssh_pair_mode_0600(run_cli, tmp_path: Path) -> None:
    done = run_cli("seal", "keygen", "--out", tmp_path / "k" / "expert")
    assert done.returncode == 0, done.stderr
    key = tmp_path / "k" / "expert"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    derived = subprocess.run(["ssh-keygen", "-y", "-f", str(key)], capture_output=True, text=True, check=True)
    assert derived.stdout.split()[:2] == (tmp_path / "k" / "expert.pub").read_text().split()[:2]
    listed = subprocess.run(
        ["ssh-keygen", "-lf", str(key) + ".pub"], capture_output=True, text=True, check=True
    )
    fingerprint = listed.stdout.split()[1]
    assert fingerprint in done.stdout
    assert expected_fingerprint(str(key) + ".pub") == fingerprint


def test_keygen_never_overwrites(run_cli, tmp_path: Path) -> None:
    assert run_cli("seal", "keygen", "--out", tmp_path / "expert").returncode == 0
    before = (tmp_path / "expert").read_bytes()
    again = run_cli("seal", "keygen", "--out", tmp_path / "expert")
    assert again.returncode == 2
    assert "refusing to overwrite" in again.stderr and "Traceback" not in again.stderr
    assert (tmp_path / "expert").read_bytes() == before


def test_passphrase_protected_key(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = run_cli("seal", "keygen", "--out", tmp_path / "expert", env={"EXPERTISE_KEY_PASSPHRASE": "s3cret"})
    assert done.returncode == 0, done.stderr
    monkeypatch.delenv("EXPERTISE_KEY_PASSPHRASE", raising=False)
    with pytest.raises(UsageError, match="encrypted"):
        load_private(tmp_path / "expert")
    monkeypatch.setenv("EXPERTISE_KEY_PASSPHRASE", "s3cret")
    assert load_private(tmp_path / "expert") is not None
    monkeypatch.setenv("EXPERTISE_KEY_PASSPHRASE", "wrong")
    with pytest.raises(UsageError, match="passphrase"):
        load_private(tmp_path / "expert")


def test_private_key_readable_by_others_is_refused(expert_key) -> None:  # type: ignore[no-untyped-def]
    expert_key.path.chmod(0o644)
    with pytest.raises(UsageError, match="readable by others"):
        load_private(expert_key.path)


def test_not_a_key_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus"
    bogus.write_text("hello\n")
    bogus.chmod(0o600)
    with pytest.raises(UsageError, match="not an OpenSSH private key"):
        load_private(bogus)
    with pytest.raises(UsageError, match="fingerprint"):
        expected_fingerprint("SHA256:tooshort")


def test_public_key_given_as_the_private_key_says_so(expert_key, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"this is a public key; give the private key \(.*expert\)"):
        load_private(expert_key.pub)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a").write_text("a")
    done = run_cli("seal", "create", "--key", expert_key.pub, "--out", tmp_path / "seal", tmp_path / "src")
    assert done.returncode == 2 and "this is a public key" in done.stderr and "Traceback" not in done.stderr


def test_keygen_json(run_cli, tmp_path: Path) -> None:
    import json

    done = run_cli("seal", "keygen", "--out", tmp_path / "expert", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    listed = subprocess.run(["ssh-keygen", "-lf", data["public_key"]], capture_output=True, text=True, check=True)
    assert data["fingerprint"] == listed.stdout.split()[1] and data["encrypted"] is False
    assert stat.S_IMODE(Path(data["private_key"]).stat().st_mode) == 0o600
