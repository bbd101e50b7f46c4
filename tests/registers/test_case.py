"""The registers in a case: the command, the journal, `audit` after a board replay, the report chapter."""

from __future__ import annotations

import json
from pathlib import Path

from expertise import journal
from expertise.case import load_case
from expertise.registers.collector import check
from expertise.report.render import render_section

CLOCK = {"EXPERTISE_BOARD_CLOCK": "2026-12-09T12:00:00+01:00"}


def test_check_command_journals_the_registers_and_names_the_anomaly(run_cli, demo_case: Path) -> None:
    done = run_cli("registers", "check", demo_case, "--json")
    assert done.returncode == 1, done.stderr  # the demo's émargement two minutes before the opening
    data = json.loads(done.stdout)
    results = {r["check_id"]: r for r in data["results"]}
    assert results["REG-003"]["status"] == "fail" and "line 2 at 2026-12-01T08:57:46+01:00" in results["REG-003"]["message"]
    # the voter is named in the JSON evidence, never in the results (the report body)
    assert "HM01848" not in json.dumps(data["results"]) and "HM01848" not in json.dumps(data["summary"])
    assert data["out_of_hours"] == [{"voter_id": "HM01848", "line": 2, "time": "2026-12-01T08:57:46+01:00"}]
    assert data["not_on_list"] == [] and data["duplicates"] == [] and data["paper_votes_to_discard"] is None
    assert results["REG-001"]["status"] == "pass" and results["REG-002"]["status"] == "pass"
    assert results["REG-005"]["status"] == "manual"  # no board replayed yet in this case
    assert results["REG-007"]["status"] == "pass"
    entry = journal.read_entries(demo_case)[-1]
    assert entry["action"] == "registers"
    inputs = {i["label"]: i for i in entry["inputs"]}
    assert inputs["register-emargement"]["sha256"] == data["summary"]["emargement"]["sha256"]
    assert Path(inputs["register-voters"]["path"]).name == "voters.csv"
    assert journal.verify(demo_case).intact
    # the registers are personal data: no copy in the evidence folder; the findings there are pseudonymised,
    # the ids as written are in the restricted annex only
    assert not list((demo_case / "evidence").rglob("*.csv"))
    evidence = next((demo_case / "evidence").rglob("registers/findings.json")).read_text(encoding="utf-8")
    assert "HM01848" not in evidence and '"pseudonymised": true' in evidence and "hmac:" in evidence
    annex = Path(data["annex"])
    assert annex.is_relative_to(demo_case / "restricted") and "HM01848" in annex.read_text(encoding="utf-8")
    assert annex.stat().st_mode & 0o077 == 0


def test_audit_compares_the_emargement_with_the_board_just_replayed(run_cli, demo_case: Path, tmp_path: Path) -> None:
    done = run_cli("audit", demo_case, "--no-pdf", "--out", tmp_path / "out", env=CLOCK)
    assert done.returncode == 0, done.stderr
    sets = {rs.producer: rs for _, rs in journal.latest_result_sets(demo_case)}
    results = {r.check_id: r for r in sets["registers"].results}
    assert results["REG-005"].status.value == "pass", results["REG-005"].text("en")
    assert sets["registers"].summary["board"]["counted"] == 64
    assert "2 decryption-key parts" in results["REG-007"].text("en") and "trustee keys" in results["REG-007"].text("en")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Émargement et détenteurs des clés" in html and "REG-005" in html
    assert "HM01848" not in html  # the voter signed before the opening: named by its row, never in the report


def test_a_ballot_more_than_voters_signed_fails(run_cli, demo_case: Path, tmp_path: Path) -> None:
    emargement = demo_case / "registers" / "emargement.csv"
    rows = emargement.read_text(encoding="utf-8").splitlines()
    emargement.write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")  # one signature lost
    done = run_cli("audit", demo_case, "--no-pdf", "--out", tmp_path / "out", env=CLOCK)
    assert done.returncode == 0, done.stderr
    sets = {rs.producer: rs for _, rs in journal.latest_result_sets(demo_case)}
    result = next(r for r in sets["registers"].results if r.check_id == "REG-005")
    assert result.status.value == "fail"
    assert "64 ballots for 63 voters" in result.text("en") and "1 ballot without a voter" in result.text("en")


def test_hostile_register_gives_a_named_error_not_a_traceback(run_cli, demo_case: Path) -> None:
    (demo_case / "registers" / "emargement.csv").write_bytes(b"voter_id;time\nHM00001;\xff\xfe\n")
    done = run_cli("registers", "check", demo_case)
    assert "Traceback" not in done.stderr + done.stdout
    assert "REG-001" in done.stdout and "could not test" in done.stdout
    assert "registers/emargement.csv, line 2, field time: unreadable date" in done.stdout


def test_nothing_declared_is_a_usage_error(run_cli, demo_case: Path) -> None:
    text = (demo_case / "case.toml").read_text(encoding="utf-8")
    start = text.index("[registers]")
    end = text.index("[[actors]]")
    text = text[:start] + text[end:]
    text = text.replace("key_parts = 1\n", "")
    (demo_case / "case.toml").write_text(text, encoding="utf-8")
    done = run_cli("registers", "check", demo_case)
    assert done.returncode == 2 and "nothing to check" in done.stderr


def test_report_chapter_escapes_what_the_registers_say(demo_case: Path) -> None:
    (demo_case / "registers" / "voters.csv").write_text(
        "voter_id;<script>alert(1)</script>\nHM01848;x\n", encoding="utf-8")  # a header is shown (REG-009)
    result_set = check(load_case(demo_case), ["test"]).result_set
    source = {"source": result_set.source, "summary": result_set.summary,
              "results": [r.to_dict() for r in result_set.results], "seq": 1, "time": "2026-12-09T12:00:00Z"}
    for lang in ("fr", "en"):
        html = render_section("registers", [source], lang)
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "REG-001" in html
    assert "Liste électorale" in render_section("registers", [source], "fr")


def test_case_toml_validation_of_the_registers(run_cli, demo_case: Path) -> None:
    case_file = demo_case / "case.toml"
    text = case_file.read_text(encoding="utf-8")
    case_file.write_text(text.replace('voters = "registers/voters.csv"\nemargement = "registers/emargement.csv"\n', ""),
                         encoding="utf-8")
    done = run_cli("registers", "check", demo_case)
    assert done.returncode == 2 and "registers" in done.stderr and "at least one register file" in done.stderr
    case_file.write_text(text.replace("key_parts = 1", "key_parts = -1", 1), encoding="utf-8")
    done = run_cli("registers", "check", demo_case)
    assert done.returncode == 2 and "key_parts" in done.stderr and "Traceback" not in done.stderr


def test_report_chapter_speaks_the_report_language(demo_case: Path) -> None:
    """A register that cannot be read completely: the chapter's reading column and the results
    say so in French in the French report, in English in the English one."""
    (demo_case / "registers" / "emargement.csv").write_text(
        "voter_id;time\nHM00001;2026-12-01T10:00:00\n", encoding="utf-8")
    result_set = check(load_case(demo_case), ["test"]).result_set
    source = {"source": result_set.source, "summary": result_set.summary,
              "results": [r.to_dict() for r in result_set.results], "seq": 1, "time": "2026-12-09T12:00:00Z"}
    french = render_section("registers", [source], "fr")
    assert "registers/emargement.csv, ligne 2, champ time\u00a0: heure locale 2026-12-01T10:00:00 sans décalage UTC" \
        in french
    assert "contrôle impossible" in french and "could not test" not in french
    assert "without a UTC offset" not in french
    english = render_section("registers", [source], "en")
    assert "registers/emargement.csv, line 2, field time: local time 2026-12-01T10:00:00 without a UTC offset" \
        in english
    assert "could not test" in english


def test_a_register_that_cannot_be_read_whole_is_a_usage_error_naming_file_line_and_field(run_cli,
                                                                                          demo_case: Path) -> None:
    """A missing column or a bad time: exit 2 with the file, the line, the column and the case.toml field;
    the results are journaled all the same ("could not test", never "pass")."""
    emargement = demo_case / "registers" / "emargement.csv"
    original = emargement.read_text(encoding="utf-8")
    header, _, rest = original.partition("\n")
    emargement.write_text(header.replace("voter_id", "code") + "\n" + rest, encoding="utf-8")
    done = run_cli("registers", "check", demo_case, "--json")
    assert done.returncode == 2, done.stderr
    data = json.loads(done.stdout)
    assert {r["status"] for r in data["results"] if r["check_id"] in ("REG-001", "REG-002")} == {"error"}
    message = " ".join(done.stderr.split())
    assert "registers/emargement.csv, field voter_id: no header row names the column voter_id" in message
    assert "registers.emargement" in message and "case.toml" in message and "Traceback" not in message

    lines = original.splitlines()
    first_id = lines[1].split(lines[0][len("voter_id")])[0]
    lines[1] = f"{first_id}{lines[0][len('voter_id')]}2026-12-02 25:03"
    emargement.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("registers", "check", demo_case)
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "registers/emargement.csv, line 2, field time: unreadable date 2026-12-02 25:03" in message
    assert journal.read_entries(demo_case)[-1]["action"] == "registers"

    audit = run_cli("audit", demo_case, "--no-pdf", "--json")
    assert audit.returncode == 2
    data = json.loads(audit.stdout)
    state = data["collectors"]["registers"]
    assert state.startswith("failed") and "line 2, field time" in state
    page = Path(data["files"]["html"]).read_text(encoding="utf-8")
    assert "registre lu en partie seulement" in page and "ligne 2, champ time" in page and "line 2" not in page


def test_an_unreadable_voter_list_is_missing_input_not_absent_signers(run_cli, demo_case: Path) -> None:
    """Missing, empty or with the wrong column: no signer is called « absent de la liste électorale »;
    REG-001 and REG-006 could not be tested, the command exits 2 naming the file, the audit too."""
    voters = demo_case / "registers" / "voters.csv"
    original = voters.read_text(encoding="utf-8")
    header, _, rest = original.partition("\n")
    for damage, where in ((lambda: voters.unlink(), "registers/voters.csv"),
                          (lambda: voters.write_text("", encoding="utf-8"), "registers/voters.csv: the file is empty"),
                          (lambda: voters.write_text(header.replace("voter_id", "code") + "\n" + rest, encoding="utf-8"),
                           "registers/voters.csv, field voter_id")):
        damage()
        done = run_cli("registers", "check", demo_case, "--json")
        assert done.returncode == 2, done.stderr
        results = {r["check_id"]: r for r in json.loads(done.stdout)["results"]}
        assert results["REG-001"]["status"] == "error" and results["REG-006"]["status"] == "error"
        assert results["REG-001"]["code"] == "registers.could_not_test"
        assert not any(r["status"] == "fail" and r["check_id"] in ("REG-001", "REG-006") for r in results.values())
        assert where in results["REG-001"]["message"], results["REG-001"]["message"]
        assert where in " ".join(done.stderr.split()) and "registers.voters" in " ".join(done.stderr.split())
        voters.write_text(original, encoding="utf-8")
    voters.unlink()
    audit = run_cli("audit", demo_case, "--no-pdf", "--json")
    assert audit.returncode == 2
    state = json.loads(audit.stdout)["collectors"]["registers"]
    assert state.startswith("failed") and "registers/voters.csv" in state
    french = run_cli("registers", "check", demo_case, "--lang", "fr")
    assert "absent" not in french.stdout and french.returncode == 2
