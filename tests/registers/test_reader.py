"""Reading exported registers: tolerated quirks, and hostile files named by file, line and field."""

from __future__ import annotations

from pathlib import Path

from expertise.registers.reader import read_register


def read(tmp_path: Path, content: bytes, timed: bool = True):  # type: ignore[no-untyped-def]
    path = tmp_path / "emargement.csv"
    path.write_bytes(content)
    return read_register(path, label="emargement", cited_as="registers/emargement.csv", id_column="voter_id",
                         time_column="time" if timed else None)


def test_semicolons_bom_and_blank_lines(tmp_path: Path) -> None:
    register = read(tmp_path, "\ufeffvoter_id;time\r\nA1;2026-12-01T09:00:00+01:00\r\n\r\nA2;2026-12-01T10:00:00Z\r\n"
                    .encode("utf-8"))
    assert register.complete, register.problems
    assert [e.voter_id for e in register.entries] == ["A1", "A2"]
    assert [e.line for e in register.entries] == [2, 4]
    assert register.entries[1].time is not None and register.entries[1].time.utcoffset().total_seconds() == 0


def test_each_bad_row_is_named_and_the_rest_read(tmp_path: Path) -> None:
    register = read(tmp_path, b"voter_id,time\n"
                              b"A1,2026-12-01T09:00:00+01:00\n"
                              b",2026-12-01T09:01:00+01:00\n"
                              b"A3,2026-12-01T09:02:00\n"
                              b"A4,yesterday\n"
                              b"A5,2026-12-01T09:03:00+01:00,extra\n"
                              b"A6,2026-12-01T09:04:00+01:00\n")
    assert not register.complete and register.problems_total == 4
    assert [e.voter_id for e in register.entries] == ["A1", "A6"]
    texts = [str(p) for p in register.problems]
    assert texts[0] == "registers/emargement.csv: line 3: voter_id: empty voter id"
    assert "line 4: time: time without a UTC offset" in texts[1]
    assert "line 5: time: not an ISO 8601 time" in texts[2]
    assert "line 6" in texts[3] and "3 cells where the header has 2" in texts[3]


def test_missing_column_empty_file_and_not_utf8(tmp_path: Path) -> None:
    missing = read(tmp_path, b"id,when\nA1,2026-12-01T09:00:00+01:00\n")
    assert not missing.complete and missing.entries == ()
    assert str(missing.problems[0]).startswith("registers/emargement.csv: line 1: voter_id: no column 'voter_id'")
    empty = read(tmp_path, b"")
    assert not empty.complete and "empty file" in str(empty.problems[0])
    latin1 = read(tmp_path, "voter_id,time\nDurand-Hélène,2026-12-01T09:00:00+01:00\n".encode("latin-1"))
    assert not latin1.complete and latin1.entries == ()
    assert "line 2" in str(latin1.problems[0]) and "not UTF-8" in str(latin1.problems[0])


def test_unreadable_file_and_huge_cell(tmp_path: Path) -> None:
    gone = read_register(tmp_path / "absent.csv", label="voters", cited_as="registers/absent.csv",
                         id_column="voter_id")
    assert not gone.complete and "cannot be read" in str(gone.problems[0])
    huge = read(tmp_path, b"voter_id,time\n\"" + b"A" * 200_000 + b"\",2026-12-01T09:00:00+01:00\nB1,x\n")
    assert not huge.complete and "malformed row" in str(huge.problems[0]) and "line" in str(huge.problems[0])


def test_unterminated_quote_stops_reading_with_a_name(tmp_path: Path) -> None:
    register = read(tmp_path, b'voter_id,time\nA1,2026-12-01T09:00:00+01:00\n"A2,2026-12-01T09:00:00+01:00\n')
    assert not register.complete
    assert [e.voter_id for e in register.entries] == ["A1"]
    assert "malformed row" in str(register.problems[0])


def test_problems_beyond_fifty_are_counted(tmp_path: Path) -> None:
    rows = b"".join(b",2026-12-01T09:00:00+01:00\n" for _ in range(120))
    register = read(tmp_path, b"voter_id,time\n" + rows)
    assert register.problems_total == 120 and len(register.problems) == 50
    assert str(register.unread).endswith("(and 119 more)")
    assert register.unread is not None and register.unread.args["count"] == 119
