"""Registers as organisers really export them (made by expertise.registers.samples), read and
cross-checked end to end by `expertise registers check`, from files or from a case."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from expertise.registers import samples
from expertise.registers.reader import read_register

PARIS = ZoneInfo("Europe/Paris")
# A vote across the change to summer time (Sunday 28 March 2027, 02:00 → 03:00 in Paris).
OPENS = datetime(2027, 3, 26, 9, 0, tzinfo=PARIS)
CLOSES = datetime(2027, 3, 30, 17, 0, tzinfo=PARIS)
UTC = timezone.utc


def test_hr_list_with_bom_french_headers_and_leading_zeros(tmp_path: Path) -> None:
    path = samples.write_voters_csv(tmp_path / "liste.csv", samples.voter_ids(5))
    read = read_register(path, label="voters", cited_as="liste.csv", zone=None)
    assert read.complete, read.unread
    assert [e.voter_id for e in read.entries] == ["00000001", "00000002", "00000003", "00000004", "00000005"]
    assert read.encoding == "utf-8-sig" and not read.encoding_detected
    assert read.columns == ("Matricule", "Nom", "Prénom", "Collège")


def test_latin1_emargement_with_day_first_local_times_across_summer_time(tmp_path: Path) -> None:
    rows = [("00000001", datetime(2027, 3, 27, 23, 30, tzinfo=PARIS)),   # winter, +01:00
            ("00000002", datetime(2027, 3, 28, 1, 59, 59, tzinfo=PARIS)),
            ("00000003", datetime(2027, 3, 28, 3, 0, tzinfo=PARIS)),     # summer, +02:00
            ("00000004", datetime(2027, 3, 30, 17, 0, tzinfo=PARIS))]
    path = samples.write_emargement_csv(tmp_path / "émargement.csv", rows, encoding="cp1252",
                                        header=("Identifiant", "Date et heure", "Canal"), channel="Électronique")
    read = read_register(path, label="emargement", cited_as="émargement.csv", zone="Europe/Paris")
    assert read.complete, read.unread
    assert read.encoding == "cp1252" and read.encoding_detected
    assert [e.time for e in read.entries] == [datetime(2027, 3, 27, 22, 30, tzinfo=UTC),
                                              datetime(2027, 3, 28, 0, 59, 59, tzinfo=UTC),
                                              datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
                                              datetime(2027, 3, 30, 15, 0, tzinfo=UTC)]
    no_zone = read_register(path, label="emargement", cited_as="émargement.csv", zone=None)
    assert no_zone.unread is not None and "--timezone" in no_zone.unread.render("en")
    assert "line 2, field Date et heure" in no_zone.unread.render("en")


def test_paper_votes_dates_need_no_zone(tmp_path: Path) -> None:
    """The day an envelope arrived decides nothing: without a zone it is left unread, the votes are read."""
    path = samples.write_paper_csv(tmp_path / "papier.csv", [("0001", "29/03/2027"), ("0002", "30/03/2027")])
    read = read_register(path, label="paper_votes", cited_as="papier.csv", zone=None)
    assert read.complete and read.ids == ("0001", "0002") and read.stamps is None
    zoned = read_register(path, label="paper_votes", cited_as="papier.csv", zone="Europe/Paris")
    assert zoned.stamps is not None and zoned.entries[0].time == datetime(2027, 3, 28, 22, 0, tzinfo=UTC)  # summer time already


def test_xlsx_list_under_a_merged_title_with_ids_as_excel_numbers(tmp_path: Path) -> None:
    path = samples.write_voters_xlsx(tmp_path / "liste.xlsx", ["10005099085", "10005099086", "00042"])
    read = read_register(path, label="voters", cited_as="liste.xlsx", zone=None)
    assert read.complete, read.unread
    assert [e.voter_id for e in read.entries] == ["10005099085", "10005099086", "00042"]
    assert [e.line for e in read.entries] == [4, 5, 6] and read.kind == "xlsx"
    bad = samples.write_voters_xlsx(tmp_path / "bad.xlsx", ["1", "2"], extra_rows=[[3, "X", "Y", "stray"]])
    unread = read_register(bad, label="voters", cited_as="bad.xlsx", zone=None).unread
    assert unread is not None and "bad.xlsx, line 6" in unread.render("en")


def election(tmp_path: Path, *, faults: bool) -> dict[str, Path]:
    """A mixed election's registers as exported; with ``faults``, one of each anomaly planted."""
    ids = samples.voter_ids(40)
    extra = {"Adresse personnelle": ["1 rue de la Paix"], "Syndicat": ["CFDT"]} if faults else None
    voters = samples.write_voters_csv(tmp_path / "liste.csv", ids, extra=extra)
    times = samples.signing_times(20, OPENS, CLOSES)
    rows = list(zip(ids[:20], times))
    if faults:
        rows += [("00000001", times[3]),                                 # signed twice
                 ("99999999", times[4]),                                 # not on the list
                 ("1", times[5]),                                        # "1" is not "00000001"
                 (ids[25], CLOSES + timedelta(minutes=20))]              # after closing
    emargement = samples.write_emargement_csv(tmp_path / "emargement.csv", rows, encoding="cp1252", seconds=False,
                                              channel="Électronique")
    paper_rows = [(ids[30], "29/03/2027"), (ids[31], "30/03/2027")]
    if faults:
        paper_rows += [(ids[2], "25/03/2027"), ("88888888", "29/03/2027")]  # voted online too; not on the list
    paper = samples.write_paper_csv(tmp_path / "papier.csv", paper_rows)
    return {"voters": voters, "emargement": emargement, "paper": paper}


def command(files: dict[str, Path], *more: object) -> list[object]:
    return ["registers", "check", "--voters", files["voters"], "--emargement", files["emargement"],
            "--paper", files["paper"], "--opens", "26/03/2027 09:00", "--closes", "30/03/2027 17:00",
            "--timezone", "Europe/Paris", *more]


def test_clean_export_passes_from_the_command_line(run_cli, tmp_path: Path) -> None:
    files = election(tmp_path, faults=False)
    done = run_cli(*command(files, "--board-ballots", "20", "--json", tmp_path / "out.json"))
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    statuses = {r["check_id"]: r["status"] for r in data["results"]}
    assert all(statuses[c] == "pass" for c in ("REG-001", "REG-002", "REG-003", "REG-004", "REG-005", "REG-006",
                                               "REG-008", "REG-009", "REG-010")), statuses
    assert data["counts"]["unexplained_difference"] == 0 and data["counts"]["signed_voters"] == 20
    assert "cp1252" in done.stderr  # the encoding assumed is stated


def test_each_planted_fault_is_found_and_named_in_the_json_only(run_cli, tmp_path: Path) -> None:
    files = election(tmp_path, faults=True)
    out = tmp_path / "out.json"
    done = run_cli(*command(files, "--board-ballots", "20", "--json", out))
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    statuses = {r["check_id"]: r["status"] for r in data["results"]}
    for check in ("REG-001", "REG-002", "REG-003", "REG-004", "REG-008", "REG-009"):
        assert statuses[check] == "fail", (check, statuses)
    assert sorted(r["voter_id"] for r in data["not_on_list"]) == ["1", "99999999"]
    assert [r["voter_id"] for r in data["duplicates"]] == ["00000001"]
    assert [r["voter_id"] for r in data["out_of_hours"]] == ["00000026"]
    assert data["out_of_hours"][0]["time"] == "2027-03-30T17:20:00+02:00"
    assert [r["voter_id"] for r in data["paper_votes_to_discard"]] == ["00000003"]
    assert [r["voter_id"] for r in data["paper_votes_not_on_list"]] == ["88888888"]
    # 23 signed voters for 20 ballots: the 3 flagged (2 not on the list, 1 out of hours) explain it all
    assert data["counts"]["raw_difference"] == 3 and data["counts"]["unexplained_difference"] == 0
    assert statuses["REG-005"] == "pass"
    for voter in ("99999999", "00000026", "88888888"):
        assert voter not in done.stdout and voter not in json.dumps(data["results"])
    # grace: the late signature is 20 minutes after the closing
    graced = run_cli(*command(files, "--grace-minutes", "30", "--json"))
    assert json.loads(graced.stdout)["out_of_hours"] == []


def test_unreadable_input_exits_2_naming_file_line_and_field(run_cli, tmp_path: Path) -> None:
    files = election(tmp_path, faults=False)
    text = files["emargement"].read_bytes().replace(b"26/03/2027", b"26/13/2027", 1)
    files["emargement"].write_bytes(text)
    done = run_cli(*command(files, "--json", tmp_path / "out.json"))
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "emargement.csv, line 2, field Horodatage: unreadable date 26/13/2027" in message
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    statuses = {r["check_id"]: r["status"] for r in data["results"]}
    assert statuses["REG-001"] == statuses["REG-002"] == statuses["REG-003"] == "error"
    assert "fail" not in {statuses[c] for c in ("REG-001", "REG-002", "REG-003", "REG-005", "REG-006")}
    assert data["not_on_list"] is None  # nothing counted from a file not read


@pytest.mark.parametrize(("args", "words"), [
    (("--column", "voters.nope=X"), "unknown field nope"),
    (("--encoding", "urn=latin-1"), "unknown register urn"),
    (("--timezone", "Europe/Nowhere"), "Europe/Nowhere"),
    (("--board", "x.bel", "--board-ballots", "3"), "not both"),
])
def test_bad_options_are_usage_errors(run_cli, tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    files = election(tmp_path, faults=False)
    done = run_cli(*command(files), *args)
    assert done.returncode == 2 and words in " ".join(done.stderr.split()), done.stderr


def test_options_map_columns_encodings_and_sheets(run_cli, tmp_path: Path) -> None:
    files = election(tmp_path, faults=False)
    voters = samples.write_voters_xlsx(tmp_path / "liste.xlsx", samples.voter_ids(40), header=("Code agent", "Nom"))
    files["voters"] = voters
    done = run_cli(*command(files, "--json"))
    assert done.returncode == 2 and "Code agent" in done.stderr
    done = run_cli(*command(files, "--column", "voters.voter_id=Code agent", "--sheet", "voters=Électeurs",
                            "--encoding", "emargement=cp1252", "--json"))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["summary"]["voters"]["rows"] == 40 and data["summary"]["emargement"]["encoding"] == "cp1252"
    assert not data["summary"]["emargement"]["encoding_detected"]


def test_case_registers_section_with_zone_columns_and_grace(run_cli, demo_case: Path) -> None:
    registers = demo_case / "registers"
    ids = samples.voter_ids(30)
    samples.write_voters_xlsx(registers / "liste.xlsx", ids, header=("Code agent", "Nom", "Prénom"))
    opens = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
    rows = list(zip(ids[:10], samples.signing_times(10, opens, datetime(2026, 12, 8, 17, 0, tzinfo=PARIS))))
    rows.append((ids[11], datetime(2026, 12, 8, 17, 10, tzinfo=PARIS)))
    samples.write_emargement_csv(registers / "emarg.csv", rows, encoding="cp1252", header=("Login", "Horodatage"))
    case_file = demo_case / "case.toml"
    text = case_file.read_text(encoding="utf-8")
    start, end = text.index("[registers]"), text.index("[[actors]]")
    text = text[:start] + ('[registers]\nvoters = "registers/liste.xlsx"\nemargement = "registers/emarg.csv"\n'
                           'columns = { "voters.voter_id" = "Code agent" }\nencodings = { emargement = "cp1252" }\n'
                           'grace_minutes = 15\nboard_ballots = 11\n\n') + text[end:]
    text = text.replace("mixed_paper = false\n", 'mixed_paper = false\ntimezone = "Europe/Paris"\n')
    text = re.sub(r"(?m)^electorate = .*$", "electorate = 30", text)  # this list's electorate (REG-011)
    case_file.write_text(text, encoding="utf-8")
    done = run_cli("registers", "check", demo_case, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    statuses = {r["check_id"]: r["status"] for r in data["results"]}
    assert statuses["REG-003"] == "pass" and statuses["REG-005"] == "pass" and statuses["REG-001"] == "pass"
    strict = run_cli("registers", "check", demo_case, "--grace-minutes", "0", "--json")
    assert strict.returncode == 1 and json.loads(strict.stdout)["out_of_hours"][0]["voter_id"] == ids[11]


@pytest.mark.slow
def test_board_replayed_for_the_count(run_cli, demo_case: Path) -> None:
    """`--board BOARD` replays the board now: the demo's 64 ballots against its 64 signatures."""
    registers = demo_case / "registers"
    done = run_cli("registers", "check", "--voters", registers / "voters.csv", "--emargement",
                   registers / "emargement.csv", "--board", next((demo_case / "board").glob("*.bel")),
                   "--opens", "2026-12-01T08:00:00+01:00", "--closes", "2026-12-08T17:00:00+01:00", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["counts"]["ballots"] == 64 and data["counts"]["unexplained_difference"] == 0
    result = next(r for r in data["results"] if r["check_id"] == "REG-005")
    assert result["status"] == "pass" and result["code"] == "registers.reg_005.pass"
    stated = run_cli("registers", "check", "--emargement", registers / "emargement.csv", "--board-ballots", "65",
                     "--opens", "2026-12-01T08:00:00+01:00", "--closes", "2026-12-08T17:00:00+01:00", "--json")
    assert stated.returncode == 1
    result = next(r for r in json.loads(stated.stdout)["results"] if r["check_id"] == "REG-005")
    assert result["status"] == "fail" and "1 ballot without a voter signed" in result["message"]
