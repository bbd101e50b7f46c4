"""expertise.tables: the exports people really make are read, the broken ones refused with file, line, field."""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest

from expertise.errors import UsageError
from expertise.tables import Column, TableError, neutralise, parse_times, read_table, write_csv, write_xlsx
from expertise import tables

ID = Column("voter_id", ("Matricule", "Identifiant", "N° RPPS", "voter id"))
WHEN = Column("voted_at", ("Horodatage", "Date et heure", "time"))
NAME = Column("name", ("Nom",), required=False)
UTC = timezone.utc


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def workbook(path: Path, rows: list[list[object]], *, title: str | None = None, sheet: str = "Feuil1") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    if title:
        ws["A1"] = title
        ws.merge_cells("A1:C1")
        ws.append([])
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed in a cell, as a user would with a leading apostrophe
    book.save(path)
    return path


def test_csv_with_bom_semicolons_french_headers_and_leading_zeros(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "\ufeffMatricule;Nom;Service\r\n000123;Dupont;RH\r\n\r\n0042 ; Martin;DSI\r\n")
    table = read_table(path, [ID, NAME])
    assert table.column("voter_id") == ["000123", "0042"]
    assert table.column("name") == ["Dupont", "Martin"]
    assert table.lines == [2, 4]
    assert (table.encoding, table.encoding_detected, table.delimiter) == ("utf-8-sig", False, ";")
    assert table.headers["voter_id"] == "Matricule" and table.other_columns == ("Service",)


@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n"])
def test_any_line_ending_and_tabs(tmp_path: Path, newline: str) -> None:
    path = write(tmp_path / "l.tsv", newline.join(["N° RPPS\tNom", "10001\tA", "10002\tB", ""]))
    table = read_table(path, [ID, NAME])
    assert table.column("voter_id") == ["10001", "10002"] and table.lines == [2, 3]


def test_latin1_is_detected_and_stated_and_an_imposed_encoding_wins(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "Identifiant;Nom;Date et heure\n7;Hélène Œuf;01/12/2026 08:57\n", "cp1252")
    table = read_table(path, [ID, NAME, WHEN])
    assert table.column("name") == ["Hélène Œuf"]
    assert (table.encoding, table.encoding_detected) == ("cp1252", True)
    imposed = read_table(path, [ID, NAME, WHEN], encoding="latin-1")
    assert (imposed.encoding, imposed.encoding_detected) == ("latin-1", False)
    with pytest.raises(TableError) as caught:
        read_table(path, [ID], encoding="utf-8")
    assert caught.value.line == 2 and caught.value.reason.code == "tables.not_in_encoding"
    with pytest.raises(UsageError):
        read_table(path, [ID], encoding="no-such-encoding")


def test_title_rows_above_the_header_are_skipped_in_csv(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "Export du 01/12/2026\n\nMatricule,Nom\n1,A\n")
    table = read_table(path, [ID])
    assert table.header_line == 3 and table.lines == [4]


def test_xlsx_header_under_a_merged_title_ids_as_excel_numbers_and_dates(tmp_path: Path) -> None:
    path = workbook(tmp_path / "l.xlsx", [
        ["Matricule", "Nom", "Horodatage"],
        [10005099085, "A", datetime(2026, 12, 1, 8, 57, 31)],
        [1.0005099086e10, "B", "01/12/2026 09:00"],
        ["000777", "=HYPERLINK(\"x\")", datetime(2026, 12, 1, 10, 0)],
    ], title="Liste électorale — élections professionnelles 2026")
    table = read_table(path, [ID, NAME, WHEN])
    assert table.kind == "xlsx" and table.header_line == 3
    assert table.column("voter_id") == ["10005099085", "10005099086", "000777"]
    assert table.lines == [4, 5, 6]
    times = table.times("voted_at", "Europe/Paris")
    assert times[0] == datetime(2026, 12, 1, 7, 57, 31, tzinfo=UTC)
    assert times[1] == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert [(f.line, f.column) for f in table.formulas] == [(6, "Nom")]
    assert table.column("name")[2] == '=HYPERLINK("x")'


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path / "l.xlsx", [["Identifiant"], ["5"]], sheet="Electeurs")
    assert read_table(path, [ID], sheet="Electeurs").column("voter_id") == ["5"]
    with pytest.raises(TableError) as caught:
        read_table(path, [ID], sheet="Autre")
    assert caught.value.reason.code == "tables.no_sheet"


def test_a_sheet_named_for_a_csv_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "Matricule\n1\n")
    with pytest.raises(TableError) as caught:
        read_table(path, [ID], sheet="Feuil1")
    assert caught.value.reason.code == "tables.sheet_on_csv"


def test_override_maps_an_unknown_header(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "Code agent,Nom\n9,A\n")
    with pytest.raises(TableError) as caught:
        read_table(path, [ID])
    assert caught.value.reason.code == "tables.no_header" and caught.value.field_name == "voter_id"
    assert read_table(path, [ID], overrides={"voter_id": "Code agent"}).column("voter_id") == ["9"]
    with pytest.raises(UsageError):
        read_table(path, [ID], overrides={"nope": "Nom"})


@pytest.mark.parametrize(("content", "code", "line"), [
    ("", "tables.empty", None),
    ("\n\n  \n", "tables.empty", None),
    ("Nom\nA\n", "tables.no_header", None),
    ("Matricule;Identifiant\n1;2\n", "tables.header_twice", 1),
    ("Matricule;Nom;Nom\n1;2;3\n", "tables.header_twice", 1),
    ("Matricule;Nom\n1;A\n2;B;extra\n", "tables.too_many_cells", 3),
    ("Matricule;Nom\n1;A\n2\x00;B\n", "tables.nul_byte", 3),
    ("Matricule;Nom\n1;A\n2;" + "x" * 70000 + "\n", "tables.cell_too_long", 3),
])
def test_bad_csv_is_refused_with_its_line(tmp_path: Path, content: str, code: str, line: int | None) -> None:
    path = write(tmp_path / "bad.csv", content)
    with pytest.raises(TableError) as caught:
        read_table(path, [ID, NAME], cited_as="registers/bad.csv")
    assert caught.value.reason.code == code
    assert caught.value.line == line
    assert "registers/bad.csv" in caught.value.render("en")
    assert caught.value.exit_code == 2


def test_trailing_empty_cells_are_not_too_many(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "Matricule;Nom;\n1;A;;\n")
    assert read_table(path, [ID, NAME]).column("voter_id") == ["1"]


def test_bad_xlsx_names_the_excel_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "l.xlsx", [["Matricule", "Nom"], ["1", "A"], ["2", "B", "stray"]], title="T")
    with pytest.raises(TableError) as caught:
        read_table(path, [ID, NAME])
    assert (caught.value.reason.code, caught.value.line) == ("tables.too_many_cells", 5)
    missing = tmp_path / "nope.csv"
    with pytest.raises(TableError) as unreadable:
        read_table(missing, [ID])
    assert unreadable.value.reason.code == "tables.cannot_read"


def test_times_iso_with_changing_offsets_and_day_first_across_summer_time() -> None:
    values = ["2026-03-28T23:30:00+01:00", "2026-03-29T12:00:00+02:00", "2026-03-29T10:00:00Z"]
    assert parse_times(values, [2, 3, 4], file="e.csv", field="t", zone=None) == [
        datetime(2026, 3, 28, 22, 30, tzinfo=UTC), datetime(2026, 3, 29, 10, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 10, 0, tzinfo=UTC)]
    local = ["28/03/2026 23:30:00", "29/03/2026 12:00", "01/04/2026 08:05:09", "2026-03-29 03:30"]
    assert parse_times(local, [2, 3, 4, 5], file="e.csv", field="t", zone="Europe/Paris") == [
        datetime(2026, 3, 28, 22, 30, tzinfo=UTC), datetime(2026, 3, 29, 10, 0, tzinfo=UTC),
        datetime(2026, 4, 1, 6, 5, 9, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]


@pytest.mark.parametrize(("values", "zone", "code", "line"), [
    (["2026-12-01T10:00:00+01:00", "01/12/2026 10:00"], None, "tables.time.no_zone", 3),
    (["01/12/2026 10:00", "12/31/2026 10:00"], "Europe/Paris", "tables.time.unreadable", 3),  # never month first
    (["31/02/2026 10:00"], "Europe/Paris", "tables.time.unreadable", 2),
    (["demain"], "Europe/Paris", "tables.time.unreadable", 2),
    (["01/12/2026 10:00", ""], "Europe/Paris", "tables.time.empty", 3),
    (["29/03/2026 02:30"], "Europe/Paris", "tables.time.changeover", 2),  # skipped hour
    (["01/12/2026 10:00", "25/10/2026 02:30"], "Europe/Paris", "tables.time.changeover", 3),  # repeated hour
])
def test_bad_times_name_their_line(values: list[str], zone: str | None, code: str, line: int) -> None:
    with pytest.raises(TableError) as caught:
        parse_times(values, list(range(2, 2 + len(values))), file="e.csv", field="Horodatage", zone=zone)
    assert (caught.value.reason.code, caught.value.line, caught.value.field_name) == (code, line, "Horodatage")
    if code == "tables.time.no_zone":
        assert "--timezone" in caught.value.render("en")


def test_unknown_zone_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        parse_times(["01/12/2026 10:00"], [2], file="e.csv", field="t", zone="Europe/Nowhere")
    assert "Europe/Nowhere" in caught.value.render("en")


def test_formula_cells_are_data_and_neutralised_when_written(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "Matricule;Nom\n1;=cmd|' /C calc'!A0\n2;+33612345678\n3;@SUM(A1)\n4;-2\n")
    table = read_table(path, [ID, NAME])
    assert [(f.line, f.column) for f in table.formulas] == [(2, "Nom"), (4, "Nom")]
    assert table.column("name")[0] == "=cmd|' /C calc'!A0"
    assert neutralise("=1+1") == "'=1+1" and neutralise("-2") == "-2" and neutralise("Dupont") == "Dupont"
    out = tmp_path / "evidence.csv"
    write_csv(out, ["id", "name"], [["1", "=1+1"], ["2", "@x"]])
    rows = list(csv.reader(out.open(encoding="utf-8"), delimiter=";"))
    assert rows[1:] == [["1", "'=1+1"], ["2", "'@x"]]
    book = tmp_path / "evidence.xlsx"
    write_xlsx(book, ["id", "name"], [["1", "=1+1"]])
    ws = openpyxl.load_workbook(book).active
    assert ws is not None
    assert ws["B2"].value == "'=1+1" and ws["B2"].data_type == "s"


def test_the_fast_and_the_exact_csv_readers_agree(tmp_path: Path) -> None:
    """Quote-free files go through pandas' C parser, others through the csv module: same rows, lines, findings."""
    plain = "Matricule;Nom\r\n1;A\r\n\r\n  ;  \r\n2\r\n3;=X\r\n 4 ;+1\r\n"
    quoted = plain.replace("1;A", '"1";A')
    tables = [read_table(write(tmp_path / f"{n}.csv", text), [ID, NAME]) for n, text in (("p", plain), ("q", quoted))]
    for table in tables:
        assert table.column("voter_id") == ["1", "2", "3", "4"]
        assert table.column("name") == ["A", "", "=X", "+1"]
        assert table.lines == [2, 5, 6, 7]
        assert [(f.line, f.column) for f in table.formulas] == [(6, "Nom")]


def test_utf16_with_bom(tmp_path: Path) -> None:
    """Excel's "Unicode text" export (UTF-16 with a BOM, tabs) reads. (An XLSX cell cannot reach 64 KiB:
    the format stops at 32 767 characters.)"""
    path = tmp_path / "l.txt"
    path.write_bytes("Matricule\tNom\r\n0007\tÉlise\r\n".encode("utf-16"))
    table = read_table(path, [ID, NAME])
    assert table.column("voter_id") == ["0007"] and table.column("name") == ["Élise"] and table.encoding == "utf-16"


# --- JSON exports (providers' logs are often JSON: an array of objects, or one object per line) ---

JSON_COLUMNS = [tables.Column("voter_id", ("Matricule", "login")), tables.Column("at", ("Horodatage", "time"))]


def test_a_json_array_is_read_with_each_record_located(tmp_path: Path) -> None:
    path = tmp_path / "delivery.json"
    path.write_text('[\n  {"login": "00123", "time": "2026-12-01T09:00:00+01:00", "status": "delivered"},\n'
                    '  {"login": 10005099085, "time": "2026-12-01T09:05:00+01:00", "status": "failed"}\n]\n',
                    encoding="utf-8")
    table = tables.read_table(path, JSON_COLUMNS)
    assert table.kind == "json" and table.column("voter_id") == ["00123", "10005099085"]
    assert table.lines == [2, 3] and table.other_columns == ("status",)
    assert [t.isoformat() for t in table.times("at", None)] == ["2026-12-01T08:00:00+00:00",
                                                                "2026-12-01T08:05:00+00:00"]


def test_json_lines_are_read_and_bad_records_named(tmp_path: Path) -> None:
    path = tmp_path / "auth.jsonl"
    path.write_text('{"login": "A", "time": "2026-12-01T09:00:00+01:00"}\n\n'
                    '{"login": "B", "time": "2026-12-01T09:01:00+01:00"}\n', encoding="utf-8")
    assert tables.read_table(path, JSON_COLUMNS).lines == [1, 3]
    path.write_text('{"login": "A", "time": "2026-12-01T09:00:00+01:00"}\n{"login": "B", "time": \n',
                    encoding="utf-8")
    with pytest.raises(tables.TableError) as error:
        tables.read_table(path, JSON_COLUMNS)
    assert error.value.message.args["line"] == 2
    path.write_text('[{"login": {"id": "A"}, "time": "2026-12-01T09:00:00+01:00"}]', encoding="utf-8")
    with pytest.raises(tables.TableError) as error:
        tables.read_table(path, JSON_COLUMNS)
    assert "login" in error.value.render("en") and "nested" in error.value.render("en")
    path.write_text('[{"login": "A", "time": "x"}, 3]', encoding="utf-8")
    with pytest.raises(tables.TableError) as error:
        tables.read_table(path, JSON_COLUMNS)
    assert "must be an object" in error.value.render("en")
    path.write_text('[{"user": "A"}]', encoding="utf-8")
    with pytest.raises(tables.TableError):  # no column naming the voter
        tables.read_table(path, JSON_COLUMNS)
