"""One configuration for every way a probe is asked for, and a console in the run's language."""

from __future__ import annotations

import dataclasses

from pathlib import Path

import pytest

from expertise.case import load_case
from expertise.errors import UsageError
from expertise.probe.collector import CASE_FIELDS, OPTION_FIELDS, case_config, configure, validated
from expertise.probe.config import Probe


def add_probe(case_dir: Path, body: str) -> None:
    with open(case_dir / "case.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[probe]\n" + body)


def test_case_and_command_line_build_the_same_configuration(demo_case: Path, tmp_path: Path) -> None:
    (demo_case / "ca.pem").write_text("x")
    add_probe(demo_case, 'targets = ["https://127.0.0.1:8443/"]\nports = "443"\nca_file = "ca.pem"\ntimeout = 5\n')
    case = load_case(demo_case)
    from_case = case_config(case)
    ad_hoc = configure(validated(Probe, {"targets": ["https://127.0.0.1:8443/"], "ports": "443", "timeout": 5.0,
                                         "ca_file": str(demo_case / "ca.pem")}, OPTION_FIELDS),
                       case.data.scope, tmp_path, OPTION_FIELDS)
    # the same settings, except that a case knows its voting period (TLS-024 judges certificates over it)
    election = case.data.election
    assert from_case.settings.voting_period == (election.opens, election.closes)
    assert ad_hoc.settings.voting_period is None
    assert dataclasses.replace(from_case.settings, voting_period=None) == ad_hoc.settings
    assert from_case.targets == ad_hoc.targets
    assert from_case.scope == ad_hoc.scope
    # the command line's overrides go through the same validation, named as options
    overridden = case_config(case, {"ports": "22,443", "timeout": 7.0})
    assert overridden.settings.ports == "22,443" and overridden.settings.timeout == 7.0
    with pytest.raises(UsageError) as caught:
        case_config(case, {"ports": "1-0"})
    assert caught.value.field == "--ports" and caught.value.message.code == "probe.config.ports_range"


@pytest.mark.parametrize("fields,field", [(CASE_FIELDS, "probe.ca_file"), (OPTION_FIELDS, "--ca-file")])
def test_the_ca_file_is_checked_once_for_both_forms(tmp_path: Path, fields, field) -> None:
    probe = validated(Probe, {"targets": ["https://127.0.0.1/"], "ca_file": "missing.pem"}, fields)
    with pytest.raises(UsageError) as caught:
        configure(probe, None, tmp_path, fields)
    assert caught.value.field == field and caught.value.message.code == "probe.config.ca_missing"


def test_ad_hoc_missing_ca_file_names_the_option(cli, tmp_path) -> None:
    run = cli("probe", "--target", "https://127.0.0.1:1/", "--ca-file", "missing.pem", "--no-progress", cwd=tmp_path)
    assert run.returncode == 2 and "--ca-file" in run.stderr and "CA file not found" in run.stderr, run.stderr
    assert list(tmp_path.iterdir()) == []


def test_console_speaks_the_run_language(cli, tmp_path, nginx_strong) -> None:
    run = cli("probe", "--lang", "fr", "--target", nginx_strong.url, "--ports", "none", "--timeout", "5",
              "--evidence", "ev", "--no-progress", cwd=tmp_path)
    assert run.returncode == 1, run.stderr  # TLS-023: the test CA is not declared
    assert "Constat" in run.stdout and "conforme" in run.stdout and "n’accepte que" in run.stdout
    assert "sonde terminée en" in run.stderr and "pièces dans ev" in run.stderr
    as_json = cli("probe", "--lang", "fr", "--target", nginx_strong.url, "--ports", "none", "--timeout", "5",
                  "--json", "-", "--evidence", "ev2", cwd=tmp_path)
    tls_001 = next(r for rs in as_json.data["result_sets"] for r in rs["results"] if r["check_id"] == "TLS-001")
    assert tls_001["code"] == "probe.tls_001.pass" and tls_001["args"]["versions"] == ["TLSv1.2", "TLSv1.3"]
    assert tls_001["message"].startswith("n’accepte que TLSv1.2 et TLSv1.3")
