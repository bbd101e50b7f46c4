"""ssh:// sources against a real OpenSSH server (Debian's sshd) on 127.0.0.1."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .stockrun import manifest, run_all_steps


@pytest.fixture
def remote_tree(tmp_path: Path) -> Path:
    root = tmp_path / "srv" / "votesur"
    (root / "www" / "js").mkdir(parents=True)
    (root / "www" / "js" / "vote.js").write_text("// client\n")
    (root / "server.bin").write_bytes(os.urandom(300_000))
    (root / "server.bin").chmod(0o750)
    os.symlink("www/js/vote.js", root / "current.js")
    os.mkfifo(root / "control.fifo")  # must be recorded, never opened (it would block)
    return root


def _create(run_cli, key, server, url: str, out: Path, *extra: object):  # type: ignore[no-untyped-def]
    return run_cli(
        "seal",
        "create",
        "--key",
        key.path,
        "--out",
        out,
        "--identity",
        server.identity,
        *extra,
        url,
        timeout=120,
    )


def test_seal_over_sftp_with_known_hosts(
    run_cli, expert_key, sshd, remote_tree: Path, tmp_path: Path
) -> None:
    seal = tmp_path / "seal"
    done = _create(run_cli, expert_key, sshd, sshd.url(remote_tree), seal, "--known-hosts", sshd.known_hosts)
    assert done.returncode == 0, done.stderr
    data = manifest(seal)
    source = data["sources"][0]
    assert source["kind"] == "ssh" and source["host_key_fingerprint"] == sshd.host_key_fingerprint
    assert source["host_key_type"] == "ssh-ed25519"
    assert source["system"]["uname"].startswith("Linux")
    assert source["system"]["packages"]["manager"] == "dpkg" and source["system"]["packages"]["count"] > 50
    assert any(line.startswith("openssh-server\t") for line in source["system"]["packages"]["list"])
    entries = {e["path"]: e for e in data["entries"]}
    assert entries["server.bin"]["mode"] == "0750" and entries["server.bin"]["size"] == 300_000
    assert entries["control.fifo"]["type"] == "fifo"
    assert entries["current.js"] == {
        "path": "current.js",
        "source": "votesur",
        "type": "symlink",
        "mode": "0777",
        "target": "www/js/vote.js",
    }
    import hashlib

    assert (
        entries["server.bin"]["sha256"]
        == hashlib.sha256((remote_tree / "server.bin").read_bytes()).hexdigest()
    )
    # every step of VERIFY.md, the remote copy included; the adviser's own SSH set-up (their key and
    # known_hosts, normally in ~/.ssh) is given by a wrapper first in PATH, the commands are unchanged
    scratch = tmp_path / "scratch"
    (scratch / "bin").mkdir(parents=True)
    config = scratch / "ssh_config"
    config.write_text(
        f"IdentityFile {sshd.identity}\nUserKnownHostsFile {sshd.known_hosts}\n"
        "StrictHostKeyChecking yes\nBatchMode yes\n"
    )
    wrapper = scratch / "bin" / "ssh"
    wrapper.write_text(f'#!/bin/sh\nexec /usr/bin/ssh -F {config} "$@"\n')
    wrapper.chmod(0o755)
    outputs = run_all_steps(seal, scratch)
    assert sshd.host_key_fingerprint in outputs["ssh-votesur"]


def test_verify_over_sftp_pins_the_sealed_host_key(
    run_cli, expert_key, sshd, remote_tree: Path, tmp_path: Path
) -> None:
    seal = tmp_path / "seal"
    assert (
        _create(
            run_cli,
            expert_key,
            sshd,
            sshd.url(remote_tree),
            seal,
            "--host-key-fingerprint",
            sshd.host_key_fingerprint,
        ).returncode
        == 0
    )
    same = run_cli("seal", "verify", seal, "--identity", sshd.identity, timeout=120)
    assert same.returncode == 0, same.stdout + same.stderr
    (remote_tree / "www" / "js" / "vote.js").write_text("// injected\n")
    (remote_tree / "www" / "extra.js").write_text("\n")
    changed = run_cli("seal", "verify", seal, "--identity", sshd.identity, "--json", timeout=120)
    assert changed.returncode == 1
    assert {d["path"]: d["kinds"] for d in json.loads(changed.stdout)["differences"]} == {
        "www/js/vote.js": ["modified"],
        "www/extra.js": ["added"],
    }


def test_unknown_host_key_is_refused(run_cli, expert_key, sshd, remote_tree: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    done = _create(
        run_cli, expert_key, sshd, sshd.url(remote_tree), tmp_path / "seal", "--known-hosts", empty
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "host key refused" in done.stderr and "not found in known_hosts" in done.stderr
    assert not (tmp_path / "seal").exists()


def test_wrong_pinned_fingerprint_and_changed_host_key_are_refused(
    run_cli, expert_key, sshd, start_sshd, remote_tree: Path, tmp_path: Path
) -> None:
    wrong = "SHA256:" + "A" * 43
    done = _create(
        run_cli, expert_key, sshd, sshd.url(remote_tree), tmp_path / "s1", "--host-key-fingerprint", wrong
    )
    assert done.returncode == 2 and f"does not match the pinned fingerprint {wrong}" in done.stderr
    impostor = start_sshd()  # another server (another host key) where the first one was expected
    known = tmp_path / "known_hosts"
    known.write_text(sshd.known_hosts.read_text().replace(f"]:{sshd.port} ", f"]:{impostor.port} "))
    done = _create(
        run_cli, expert_key, impostor, impostor.url(remote_tree), tmp_path / "s2", "--known-hosts", known
    )
    assert done.returncode == 2 and "possible man in the middle" in done.stderr
    assert sshd.host_key_fingerprint in done.stderr and impostor.host_key_fingerprint in done.stderr


def test_sftp_only_account_records_why_system_facts_are_missing(
    run_cli, expert_key, start_sshd, remote_tree: Path, tmp_path: Path
) -> None:
    server = start_sshd(sftp_only=True)
    seal = tmp_path / "seal"
    done = _create(
        run_cli, expert_key, server, server.url(remote_tree), seal, "--known-hosts", server.known_hosts
    )
    assert done.returncode == 0, done.stderr
    system = manifest(seal)["sources"][0]["system"]
    assert "uname" not in system and "packages" not in system
    assert any(note["command"] == "uname -a" for note in system["not_recorded"])
    assert any(e["path"] == "server.bin" for e in manifest(seal)["entries"])  # the files were still sealed
    # the rule says so, in English and in French, from this real observation
    from expertise import catalogue
    from expertise.seal.rules import RULES as SEAL_RULES
    from expertise.domain import evaluate
    from expertise.seal.observation import CREATE, SealObservation

    header = {k: v for k, v in manifest(seal).items() if k != "entries"}
    results = {r.check_id: r for r in evaluate(SEAL_RULES, SealObservation(name="remote", operation=CREATE, header=header), catalogue.load())}
    remote = results["SEAL-007"]
    assert remote.status.value == "manual" and "uname and packages not recorded" in remote.text("en")
    assert "uname et liste des paquets non enregistré(s)" in remote.text("fr"), remote.text("fr")
    assert "'uname -a'\u00a0: " in remote.text("fr") and "exit status" not in remote.text("fr")


def test_missing_remote_path(run_cli, expert_key, sshd, tmp_path: Path) -> None:
    done = _create(
        run_cli,
        expert_key,
        sshd,
        sshd.url(tmp_path / "nowhere"),
        tmp_path / "seal",
        "--known-hosts",
        sshd.known_hosts,
    )
    assert done.returncode == 2 and "remote path cannot be read" in done.stderr
