"""Several ballot boxes per case (issue 13): the [[box]] declarations, the per-box collectors, results
keyed by box, the evidence binding per box and the report's table across boxes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expertise import journal
from expertise.audit import CollectorState, Outcome, merged_state
from expertise.board import demo as board_demo
from expertise.board.collector import collect as collect_board
from expertise.case import load_case
from expertise.demo import with_two_boxes
from expertise.errors import CaseError
from expertise.i18n import msg
from expertise.registers.collector import collect as collect_registers
from expertise.report.boxes import box_rows
from expertise.report.build import build_report
from expertise.results import Status

from ..board.boardkit import read_raw, write_raw

BOX2_BOARD = "board-suppleants/zwkLQMJ22xfP8F.bel"


@pytest.fixture
def two_boxes(demo_case: Path) -> Path:
    with_two_boxes(demo_case)
    return demo_case


def _collect(case_dir: Path) -> None:
    """The per-box collectors of `audit` (board, then registers), box by box."""
    case = load_case(case_dir)
    with board_demo.prepare(case_dir):
        for view in case.boxes():
            collect_board(view, ["test"])
    for view in case.boxes():
        collect_registers(view, ["test"])


def _tamper(board: Path) -> None:
    """Change one digit of the first ballot: the record no longer has the hash the board chains."""
    records = read_raw(board)
    index = next(i for i, (name, body) in enumerate(records) if body.startswith(b'{"election_uuid"'))
    name, body = records[index]
    at = body.index(b'"signature"') + 40
    digit = body[at:at + 1]
    records[index] = (name, body[:at] + (b"1" if digit != b"1" else b"2") + body[at + 1:])
    board.write_bytes(write_raw(records, 1796400549))


# --- the declarations ---

def _refusal(case_dir: Path) -> CaseError:
    with pytest.raises(CaseError) as caught:
        load_case(case_dir)
    return caught.value


def test_a_case_without_box_is_its_own_single_box(demo_case: Path) -> None:
    case = load_case(demo_case)
    assert case.boxes() == [case] and case.box_id == ""


def test_two_boxes_each_read_their_own_board_and_registers(two_boxes: Path) -> None:
    case = load_case(two_boxes)
    assert case.data.board is None and case.data.registers is None
    views = case.boxes()
    assert [v.box_id for v in views] == ["college1-titulaires", "college1-suppleants"]
    assert views[1].data.board.path == BOX2_BOARD
    assert views[1].data.registers.emargement == "registers/emargement-suppleants.csv"
    assert case.for_box("college1-suppleants").box_id == "college1-suppleants"
    with pytest.raises(CaseError) as caught:
        case.for_box("college2")
    assert caught.value.field == "box" and caught.value.message.args["known"] == "college1-titulaires, college1-suppleants"


def test_a_box_overrides_electorate_and_period(two_boxes: Path) -> None:
    path = two_boxes / "case.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'name = "Collège 1 — suppléants"\n',
        'name = "Collège 1 — suppléants"\nelectorate = 900\nopens = 2026-12-02T09:00:00+01:00\n'), encoding="utf-8")
    first, second = load_case(two_boxes).boxes()
    assert first.data.election.electorate == 1850 and second.data.election.electorate == 900
    assert second.data.election.opens.day == 2 and second.data.election.closes == first.data.election.closes


@pytest.mark.parametrize(("edit", "field", "code"), [
    (lambda t: t.replace('id = "college1-suppleants"', 'id = "college1-titulaires"'), "box",
     "case.toml.box.duplicate_id"),
    (lambda t: t + '\n[board]\npath = "board/dCRjH5o39RcAaH.bel"\n', "box", "case.toml.box.mixed"),
    (lambda t: t.replace('name = "Collège 1 — suppléants"', 'name = "Collège 1 — suppléants"\ncolour = "blue"'),
     "box[1].colour", "case.toml.unknown_field"),
    (lambda t: t.replace('name = "Collège 1 — suppléants"\n', 'name = "Collège 1 — suppléants"\n'
                         'opens = 2026-12-09T09:00:00+01:00\n'), "box", "case.toml.closes_before_opens"),
    (lambda t: t.replace('id = "college1-suppleants"', 'id = "Collège 1/suppléants"'), "box[1].id",
     "case.toml.pattern"),
    (lambda t: t.replace('emargement = "registers/emargement-suppleants.csv"',
                         'emargement = "registers/emargement-suppleants.csv"\ngrace = 5'),
     "box[1].registers.grace", "case.toml.unknown_field"),
])
def test_bad_box_declarations_are_refused_with_file_and_field(two_boxes: Path, edit, field: str,  # type: ignore[no-untyped-def]
                                                              code: str) -> None:
    path = two_boxes / "case.toml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    error = _refusal(two_boxes)
    assert error.path == str(path) and error.field == field and error.message.code == code
    assert "[" + code + "]" not in error.render("fr") and "[" + code + "]" not in error.render("en")


def test_merged_state_names_the_box_that_did_not_complete(two_boxes: Path) -> None:
    views = load_case(two_boxes).boxes()
    state = merged_state([CollectorState(Outcome.DONE, failing=["REG-003"]),
                          CollectorState(Outcome.FAILED, msg("audit.state.done"), failing=["REG-001"])], views)
    assert state.outcome is Outcome.FAILED and state.failing == ("REG-001", "REG-003")
    assert state.reason.code == "audit.box.reason" and state.reason.args["box"] == "college1-suppleants"


# --- collectors per box, results keyed by box, the report ---

@pytest.mark.slow
def test_a_tampered_board_in_box_2_fails_only_box_2_and_the_report_says_so(two_boxes: Path, tmp_path: Path) -> None:
    _tamper(two_boxes / BOX2_BOARD)
    _collect(two_boxes)
    sets = {rs.source: rs for _, rs in journal.latest_result_sets(two_boxes)}
    assert set(sets) == {"board@college1-titulaires:board/dCRjH5o39RcAaH.bel",
                         f"board@college1-suppleants:{BOX2_BOARD}",
                         "registers@college1-titulaires", "registers@college1-suppleants"}

    def failing(source: str) -> set[str]:
        return {r.check_id for r in sets[source].results if r.status is Status.FAIL and r.check_id.startswith("BOARD")}

    assert failing(f"board@college1-suppleants:{BOX2_BOARD}")
    assert not failing("board@college1-titulaires:board/dCRjH5o39RcAaH.bel")
    assert all(r.box == rs.box for rs in sets.values() for r in rs.results)
    # the journal names the box each operation read, and results.json each result's box
    entries = [e for e in journal.read_entries(two_boxes) if e["action"] in ("board-verify", "registers")]
    assert [e["notes"]["box"] for e in entries] == ["college1-titulaires", "college1-suppleants"] * 2
    data = json.loads((two_boxes / entries[1]["results"][0]["file"]).read_text(encoding="utf-8"))
    assert data["box"] == "college1-suppleants" and {r["box"] for r in data["results"]} == {"college1-suppleants"}

    written = build_report(two_boxes, lang="en", out_dir=tmp_path / "out", pdf=False)
    html = written["html"].read_text(encoding="utf-8")
    rows = {b: html.split(f'data-box="{b}"')[1].split("</tr>")[0] for b in ("college1-titulaires", "college1-suppleants")}
    assert "s-fail" in rows["college1-suppleants"] and "Collège 1 — suppléants" in rows["college1-suppleants"]
    summary = {row["id"]: row for row in box_rows(load_case(two_boxes), sets.values())}
    assert summary["college1-titulaires"]["verified"] is True and summary["college1-titulaires"]["ballots"] == 64
    assert summary["college1-suppleants"]["verified"] is False and summary["college1-suppleants"]["worst"] == "fail"
    assert summary["college1-suppleants"]["emargements"] == 58 and summary["college1-suppleants"]["voters"] == 1850
    assert "Ballot box: Collège 1 — titulaires" in html and "Ballot box: Collège 1 — suppléants" in html
    assert "Ballot box Collège 1 — suppléants:" in html  # the findings of box 2 name it
    results = json.loads(written["results"].read_text(encoding="utf-8"))
    assert "college1-suppleants" in json.dumps(results)

    # box 1's émargement edited after the audit: the journal names box 1's file, nothing of box 2
    (two_boxes / "registers/emargement.csv").write_text(
        (two_boxes / "registers/emargement.csv").read_text(encoding="utf-8") + "HM00007;2026-12-02T10:00:00+01:00\n",
        encoding="utf-8")
    entries = journal.read_entries(two_boxes)
    changes, _ = journal.input_states(two_boxes, entries)
    [change] = changes
    assert change.path == "registers/emargement.csv" and change.action == "registers"
    assert next(e for e in entries if e["seq"] == change.seq)["notes"]["box"] == "college1-titulaires"


def test_registers_check_reads_the_box_named_and_requires_one_among_several(run_cli, two_boxes: Path) -> None:
    refused = run_cli("registers", "check", str(two_boxes), "--json", "--lang", "en")
    assert refused.returncode == 2 and "--box" in refused.stderr and "college1-suppleants" in refused.stderr
    unknown = run_cli("registers", "check", str(two_boxes), "--box", "college9", "--lang", "en")
    assert unknown.returncode == 2 and "college9" in unknown.stderr
    done = run_cli("registers", "check", str(two_boxes), "--box", "college1-suppleants", "--json", "--lang", "en")
    data = json.loads(done.stdout)
    assert data["box"] == "college1-suppleants" and data["source"] == "registers@college1-suppleants"
    assert all(r["box"] == "college1-suppleants" for r in data["results"])
    [entry] = [e for e in journal.read_entries(two_boxes) if e["action"] == "registers"]
    assert entry["notes"]["box"] == "college1-suppleants"
    assert "registers/emargement-suppleants.csv" in {i["path"] for i in entry["inputs"]}
    assert "registers/emargement.csv" not in {i["path"] for i in entry["inputs"]}


def test_the_template_shows_a_valid_box() -> None:
    """The commented [[box]] of `expertise init`'s template is valid as written, once uncommented."""
    import re
    import tomllib
    from importlib.resources import files

    from expertise.case import box_model

    template = files("expertise").joinpath("templates/case.toml").read_text(encoding="utf-8")
    block = re.search(r"^# \[\[box\]\]\n((?:# [\w.\[\]]+.*\n)+)", template, re.M)
    assert block is not None
    data = tomllib.loads("[[box]]\n" + "\n".join(line[2:] for line in block.group(1).splitlines()))["box"][0]
    box = box_model().model_validate(data)
    assert box.id == "college1-titulaires" and box.board.path and box.registers.emargement
