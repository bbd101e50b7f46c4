"""The distribution domain on a case: realistic exports from the generator, faults planted in files,
unreadable files as "could not test", the CLI's exit codes and the demo declaration."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from expertise.case import load_case
from expertise.distribution.collector import collect
from expertise.distribution.samples import PARIS, ReissueRow, write_demo, write_deliveries, write_reissues
from expertise.paths import demo_case_dir
from expertise.results import Status


@pytest.fixture()
def case_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(demo_case_dir(), folder)
    return folder


def results(folder: Path) -> dict[str, list]:
    (result_set,) = collect(load_case(folder), ["test"])
    found: dict[str, list] = {}
    for r in result_set.results:
        found.setdefault(r.check_id, []).append(r)
    return found


def test_the_demo_files_are_the_generators(tmp_path: Path) -> None:
    write_demo(tmp_path)
    for name in ("envois-courriels.csv", "reeditions.csv", "authentifications.csv", "administration.csv"):
        assert (tmp_path / name).read_bytes() == (demo_case_dir() / "distribution" / name).read_bytes(), name


def test_the_demo_distribution_is_clean(case_dir: Path) -> None:
    found = results(case_dir)
    assert {r.status for rs in found.values() for r in rs} == {Status.PASS}
    assert len(found) == 11


def test_an_eleven_percent_delivery_fails_in_a_latin1_file(case_dir: Path) -> None:
    voters = [f"HM{i:05d}" for i in range(1, 1851)]
    write_deliveries(case_dir / "distribution" / "envois-courriels.csv", voters, channel="courriel", delivered_share=0.11,
                     start=datetime(2026, 11, 29, 10, 0, tzinfo=PARIS), encoding="latin-1")
    (result,) = results(case_dir)["DIST-101"]
    assert result.status is Status.FAIL and result.message.args["delivered"] == round(1850 * 0.11)
    assert len(result.details["never_received_did_not_vote"]) > 1500


def test_a_reissue_without_identity_check_fails(case_dir: Path) -> None:
    write_reissues(case_dir / "distribution" / "reeditions.csv",
                   [ReissueRow("HM00412", datetime(2026, 12, 1, 10, 12, tzinfo=PARIS), True),
                    ReissueRow("HM00999", datetime(2026, 12, 2, 11, 0, tzinfo=PARIS), False)])
    (result,) = results(case_dir)["DIST-102"]
    assert result.status is Status.FAIL and result.message.args["first_line"] == 3


def test_an_unreadable_log_is_could_not_test_naming_file_and_line(case_dir: Path) -> None:
    path = case_dir / "distribution" / "envois-courriels.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[5] = lines[5].replace("Délivré", "peut-être")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (result,) = results(case_dir)["DIST-101"]
    assert result.status is Status.ERROR
    text = result.text("en")
    assert "envois-courriels.csv" in text and "6" in text and "peut-être" in text
    (case_dir / "distribution" / "reeditions.csv").unlink()
    (result,) = results(case_dir)["DIST-102"]
    assert result.status is Status.ERROR and "reeditions.csv" in result.text("fr")


def test_a_naive_time_without_zone_is_could_not_test(case_dir: Path) -> None:
    toml = case_dir / "case.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('timezone = "Europe/Paris"\n', ""), encoding="utf-8")
    found = results(case_dir)
    assert found["DIST-101"][0].status is Status.ERROR and found["DIST-102"][0].status is Status.ERROR
    assert "distribution.logs.timezone" in found["DIST-101"][0].text("en")


def test_cli_exit_codes(run_cli, case_dir: Path) -> None:
    clean = run_cli("--lang", "en", "distribution", "check", case_dir, "--json")
    assert clean.returncode == 0, clean.stderr
    assert {r["check_id"] for r in json.loads(clean.stdout)} >= {"DIST-001", "DIST-101"}
    toml = case_dir / "case.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('second_round = "new_credentials"',
                                                              'second_round = "same_credentials"'), encoding="utf-8")
    failing = run_cli("--lang", "fr", "distribution", "check", case_dir)
    assert failing.returncode == 1 and "DIST-006 [fail]" in failing.stdout
    text = toml.read_text(encoding="utf-8")
    start, end = text.index("# How the voting material"), text.index("min_delivery_rate = 0.98\n")
    toml.write_text(text[:start] + text[end + len("min_delivery_rate = 0.98\n"):], encoding="utf-8")
    undeclared = run_cli("--lang", "en", "distribution", "check", case_dir)
    assert undeclared.returncode == 2 and "[distribution]" in undeclared.stderr


def test_a_restart_during_the_vote_fails_logins_are_listed(case_dir: Path) -> None:
    from expertise.distribution.samples import write_administration

    path = case_dir / "distribution" / "administration.csv"
    write_administration(path, [(datetime(2026, 12, 3, 11, 0, tzinfo=PARIS), "root", "Redémarrage du service urne"),
                                (datetime(2026, 12, 3, 10, 58, tzinfo=PARIS), "root", "Connexion")])
    (result,) = results(case_dir)["DIST-104"]
    assert result.status is Status.FAIL and result.message.args["line"] == 2
    write_administration(path, [(datetime(2026, 12, 3, 10, 58, tzinfo=PARIS), "root", "Connexion")])
    (result,) = results(case_dir)["DIST-104"]
    assert result.status is Status.MANUAL


def test_several_voters_from_one_address_within_minutes_are_listed(case_dir: Path) -> None:
    from expertise.distribution.samples import AuthenticationRow, write_authentications

    at = datetime(2026, 12, 2, 22, 0, tzinfo=PARIS)
    rows = [AuthenticationRow(f"HM0000{i}", at + timedelta(minutes=2 * i), "Succès", "203.0.113.7") for i in range(1, 4)]
    write_authentications(case_dir / "distribution" / "authentifications.csv", rows)
    (result,) = results(case_dir)["DIST-103"]
    assert result.status is Status.MANUAL
    assert result.details["shared_addresses"][0]["voters"] == ["HM00001", "HM00002", "HM00003"]
    spread = [AuthenticationRow(r.voter, at + timedelta(minutes=30 * i), "Succès", r.address) for i, r in enumerate(rows)]
    write_authentications(case_dir / "distribution" / "authentifications.csv", spread)
    (result,) = results(case_dir)["DIST-103"]
    assert result.status is Status.PASS


def test_a_json_export_reads_like_the_csv(case_dir: Path) -> None:
    """Providers often export their logs as JSON (an array of objects or one object per line): the
    same records give the same findings as the CSV export."""
    import csv

    source = case_dir / "distribution" / "envois-courriels.csv"
    with open(source, encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle, delimiter=";"))
    assert records, "the demo's delivery export is not ';'-separated any more: adapt the test"
    before = results(case_dir)["DIST-101"][0]
    (case_dir / "distribution" / "envois.json").write_text(json.dumps(records, ensure_ascii=False, indent=1),
                                                          encoding="utf-8")
    case_file = case_dir / "case.toml"
    case_file.write_text(case_file.read_text(encoding="utf-8").replace(
        'delivery = "distribution/envois-courriels.csv"', 'delivery = "distribution/envois.json"'), encoding="utf-8")
    after = results(case_dir)["DIST-101"][0]
    assert after.status is before.status is Status.PASS
    assert after.message.args == before.message.args


def test_a_log_column_with_an_unusual_header_is_mapped_in_case_toml(case_dir: Path) -> None:
    """Any export's own header names are mapped per log and field, as the registers' are."""
    source = case_dir / "distribution" / "envois-courriels.csv"
    source.write_bytes(source.read_bytes().replace("Identifiant;".encode(), "Code agent;".encode(), 1))
    (unmapped,) = results(case_dir)["DIST-101"]
    assert unmapped.status is Status.ERROR  # no usual name for the voter: could not test, never a verdict
    case_file = case_dir / "case.toml"
    case_file.write_text(case_file.read_text(encoding="utf-8").replace(
        "[distribution.logs]\n", '[distribution.logs]\ncolumns = { delivery = { voter_id = "Code agent" } }\n'),
        encoding="utf-8")
    (mapped,) = results(case_dir)["DIST-101"]
    assert mapped.status is Status.PASS
    case_file.write_text(case_file.read_text(encoding="utf-8").replace('delivery = { voter_id', 'delivery = { voter',
                                                                       1), encoding="utf-8")
    (unknown,) = results(case_dir)["DIST-101"]
    assert unknown.status is Status.ERROR and "voter" in unknown.text("en")
