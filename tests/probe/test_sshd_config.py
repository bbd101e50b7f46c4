"""SSH-011: the SSH server's own settings, from the `sshd -T` output collected on the server.

The outputs are made by Debian's openssh-server itself (`sshd -T -f CONFIG -h HOSTKEY`), so the
parser reads what an expert really gets; rules are run on the observation, as the runner does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from expertise import catalogue
from expertise.domain import evaluate
from expertise.errors import UsageError
from expertise.probe.collector import CASE_FIELDS, configure
from expertise.probe.config import Probe
from expertise.probe.observations import ProbeObservation, SshObservation
from expertise.probe.rules import RULES
from expertise.probe.sshd import read_sshd_config
from expertise.results import Result, Status
from tests.french import language_problems, results_named

SSHD = Path("/usr/sbin/sshd")
GOOD = ("PermitRootLogin no\nPasswordAuthentication no\nPermitEmptyPasswords no\nPubkeyAuthentication yes\n"
        "StrictModes yes\nX11Forwarding no\nAllowAgentForwarding no\n")


def sshd_t(tmp_path: Path, config: str) -> Path:
    """`sshd -T` output for ``config``, as the expert would collect it on the server."""
    if not SSHD.exists():
        pytest.skip("openssh-server is not installed")
    key = tmp_path / "host_key"
    if not key.exists():
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    source = tmp_path / "sshd_config"
    source.write_text(config, encoding="utf-8")
    output = subprocess.run([str(SSHD), "-T", "-f", str(source), "-h", str(key)], check=True,
                            capture_output=True, text=True).stdout
    collected = tmp_path / "sshd-T.txt"
    collected.write_text(output, encoding="utf-8")
    return collected


def ssh_011(server_config: object) -> Result:
    ssh = SshObservation(endpoint="ssh://admin.example:22", host="admin.example", address="127.0.0.1", port=22,
                         server_config=server_config)
    [result] = [r for r in evaluate(RULES, ProbeObservation(kind="ssh", target="ssh://admin.example:22", ssh=ssh),
                                    catalogue.load()) if r.check_id == "SSH-011"]
    return result


def test_a_hardened_server_passes(tmp_path: Path) -> None:
    result = ssh_011(read_sshd_config(sshd_t(tmp_path, GOOD), "sshd-T.txt"))
    assert result.status is Status.PASS, result.text("en")
    assert result.details["settings"]["permitrootlogin"] == "no"


def test_debian_defaults_with_root_and_passwords_fail_naming_each_setting(tmp_path: Path) -> None:
    result = ssh_011(read_sshd_config(sshd_t(tmp_path, "PermitRootLogin yes\nPasswordAuthentication yes\n"),
                                      "sshd-T.txt"))
    assert result.status is Status.FAIL
    text = result.text("en")
    for expected in ("permitrootlogin yes", "passwordauthentication yes", "allowagentforwarding yes"):
        assert expected in text, text
    assert "x11forwarding" not in text  # Debian's sshd -T says no: not a finding
    assert not language_problems(results_named([result]))


def test_without_the_servers_output_the_settings_are_unverified_never_passed() -> None:
    result = ssh_011(None)
    assert result.status is Status.MANUAL
    assert "permitrootlogin" in result.text("en") and "sshd -T" in result.text("fr")


def test_a_file_that_is_not_sshd_output_is_could_not_test_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("permitrootlogin no\n<html>oops</html>\n", encoding="utf-8")
    result = ssh_011(read_sshd_config(bad, "notes.txt"))
    assert result.status is Status.ERROR
    assert "notes.txt, line 2" in result.text("en")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert ssh_011(read_sshd_config(empty, "empty.txt")).status is Status.ERROR
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00")
    assert ssh_011(read_sshd_config(binary, "binary")).status is Status.ERROR


def test_an_sshd_config_file_not_stating_a_setting_leaves_it_to_the_expert(tmp_path: Path) -> None:
    partial = tmp_path / "sshd_config"
    partial.write_text("# the file itself, not sshd -T\nPermitRootLogin no\nPasswordAuthentication no\n"
                       "Match User backup\n  PermitRootLogin yes\n", encoding="utf-8")
    result = ssh_011(read_sshd_config(partial, "sshd_config"))
    assert result.status is Status.MANUAL and "strictmodes" in result.text("en")


def test_a_declared_file_that_does_not_exist_is_refused_naming_the_key(tmp_path: Path) -> None:
    probe = Probe(targets=["ssh://127.0.0.1:22"], sshd_config="collected/sshd-T.txt")
    with pytest.raises(UsageError) as refused:
        configure(probe, None, tmp_path, CASE_FIELDS)
    assert refused.value.field == "probe.sshd_config"
    (tmp_path / "collected").mkdir()
    sshd_t(tmp_path / "collected", GOOD)
    config = configure(probe, None, tmp_path, CASE_FIELDS)
    assert config.settings.sshd_config == tmp_path / "collected/sshd-T.txt"
