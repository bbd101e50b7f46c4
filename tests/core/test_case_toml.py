"""case.toml: the template, and precise messages (file, field) with exit 2 on every defect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from expertise.case import load_case
from expertise.errors import CaseError, NotACaseError
from tests.french import language_problems


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_init_writes_a_template_that_loads_once_answered(run_cli, tmp_path: Path) -> None:
    """The template declares nothing (tests/core/test_declarations.py): once its facts are
    answered, it loads, with the expert's declarations still unanswered."""
    from tests.core.test_declarations import election_answered

    case = load_case(election_answered(run_cli, tmp_path))
    assert case.level == 2
    assert case.data.election.opens.utcoffset() is not None
    assert case.data.expert.independence.security_specialist is None
    assert (tmp_path / "c" / "evidence").is_dir()
    from expertise import journal

    entry = journal.read_entries(tmp_path / "c")[0]
    assert entry["action"] == "init" and entry["inputs"][0]["path"].endswith("case.toml")


def test_init_never_overwrites_case_toml(run_cli, tmp_path: Path) -> None:
    assert run_cli("init", tmp_path / "c").returncode == 0
    (tmp_path / "c" / "case.toml").write_text("# being filled in\n", encoding="utf-8")
    proc = run_cli("init", tmp_path / "c")
    assert proc.returncode == 0, proc.stderr  # the template goes beside it (tests/core/test_safe_writes.py)
    assert (tmp_path / "c" / "case.toml").read_text(encoding="utf-8") == "# being filled in\n"
    assert "left as it is" in proc.stderr and (tmp_path / "c" / "case.new.toml").is_file()


def test_demo_case_loads(demo_case: Path) -> None:
    case = load_case(demo_case)
    assert case.data.election.electorate == 1850
    assert "1-08" in case.data.judgments


@pytest.mark.parametrize("old,new,field,words", [
    ('opens = 2026-12-01T09:00:00+01:00', 'opens = 2026-12-01T09:00:00', "election.opens", "time zone"),
    ('closes = 2026-12-08T17:00:00+01:00', 'closes = 2026-11-30T17:00:00+01:00', "election", "after opens"),
    ('[judgments."1-02"]', '[judgments."1-99"]', "judgments", "unknown objective id 1-99"),
    ('[judgments."1-02"]', '[judgments.sealed]', "judgments", "elements source-code, sealing, it-system"),
    ('q01 = true', 'q42 = true', "risk", "unknown risk-grid statement q42"),
    ('chosen_level = 2', 'chosen_level = 4', "risk.chosen_level", "less than or equal to 3"),
    ('electorate = 1850', 'electorat = 1850', "election.electorat", "unknown field"),
    ('status = "met"', 'status = "great"', "judgments.1-02.status",
     'must be one of "met", "partially_met", "not_met", "not_applicable", "not_assessed", not "great"'),
    ('schema = 1', 'schema = 2', "schema", "schema 2 is not one this version of expertise reads"),
    ('language = "fr"', 'language = "de"', "language", 'must be one of "fr", "en", not "de"'),
    ('provider = "VoteSûr SAS"', 'provider = ""', "election.provider", "must not be empty"),
])
def test_invalid_case_gives_exit_2_with_file_and_field(run_cli, demo_case: Path, old: str, new: str,
                                                       field: str, words: str) -> None:
    replace_in(demo_case / "case.toml", old, new)
    proc = run_cli("assess", demo_case)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    message = " ".join(proc.stderr.split())
    assert "case.toml" in message
    assert field in message
    assert words in message
    with pytest.raises(CaseError):
        load_case(demo_case)


INVALID = [
    ('opens = 2026-12-01T09:00:00+01:00', 'opens = 2026-12-01T09:00:00'),
    ('closes = 2026-12-08T17:00:00+01:00', 'closes = 2026-11-30T17:00:00+01:00'),
    ('[judgments."1-02"]', '[judgments."1-99"]'),
    ('q01 = true', 'q42 = true'),
    ('chosen_level = 2', 'chosen_level = 4'),
    ('chosen_level = 2', 'chosen_level = 0'),
    ('electorate = 1850', 'electorat = 1850'),
    ('status = "met"', 'status = "great"'),
    ('schema = 1', 'schema = 2'),
    ('provider = "VoteSûr SAS"', 'provider = ""'),
    ('electorate = 1850', 'electorate = "1850"'),
    ('mixed_paper = false', 'mixed_paper = "false"'),
    ('opens = 2026-12-01T09:00:00+01:00', 'opens = 2026-12-01'),
    ('q01 = true', 'q01 = 1'),
    ('evidence = [', 'evidence = "docs/pv.pdf"\nx = ['),
    ('key_parts = 1', 'key_parts = -1'),
    ('voters = "registers/voters.csv"\nemargement = "registers/emargement.csv"\n', ''),
    ('[scope]\n', '[scope]\nports = 1\n'),
    ('[scope]\n', '[probe]\ntargets = []\nports = "top-0"\nexpected_ports = [70000]\n\n[scope]\n'),
    ('[scope]\n', '[seal]\ntsa = "ftp://tsa"\n[[seal.components]]\nname = "a"\nsource = "ssh://h/x"\n'
                   '[[seal.components]]\nname = "a"\nsource = "ftp://h/x"\n\n[scope]\n'),
]


@pytest.mark.parametrize("old,new", INVALID)
def test_every_validation_error_is_a_message_in_both_languages(demo_case: Path, old: str, new: str) -> None:
    """A case.toml mistake is told in the console's language: a code with its arguments, a text in
    French and in English, and no English word in the French."""
    replace_in(demo_case / "case.toml", old, new)
    with pytest.raises(CaseError) as caught:
        load_case(demo_case)
    message = caught.value.message
    assert message.code.startswith("case.toml."), message.code
    assert caught.value.render("fr") != caught.value.render("en")
    problems = language_problems([(new, message)])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("old,new,field,words", [
    ('electorate = 1850', 'electorate = "1850"', "election.electorate", "must be an integer"),
    ('chosen_level = 2', 'chosen_level = "2"', "risk.chosen_level", "remove the quotes"),
    ('mixed_paper = false', 'mixed_paper = "false"', "election.mixed_paper", "must be true or false"),
    ('opens = 2026-12-01T09:00:00+01:00', 'opens = "2026-12-01T09:00:00+01:00"', "election.opens",
     "must be a date and time"),
    ('q01 = true', 'q01 = 1', "risk.answers.q01", "must be true or false, not the integer 1"),
    ('opens = 2026-12-01T09:00:00+01:00', 'opens = 2026-12-01', "election.opens",
     "with its offset, such as 2026-12-01T09:00:00+01:00, not the date alone 2026-12-01"),
])
def test_a_value_of_the_wrong_type_is_named_not_guessed(run_cli, demo_case: Path, old: str, new: str,
                                                        field: str, words: str) -> None:
    """TOML is typed: "1850" for 1850 is a mistake the expert must see, not one to paper over."""
    replace_in(demo_case / "case.toml", old, new)
    with pytest.raises(CaseError) as caught:
        load_case(demo_case)
    message = str(caught.value)
    assert "case.toml" in message and field in message and words in message, message
    proc = run_cli("risk", demo_case)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert field in " ".join(proc.stderr.split())


def test_a_list_written_as_a_string_gets_the_list_to_write(demo_case: Path) -> None:
    replace_in(demo_case / "case.toml", 'evidence = [', 'evidence = "docs/pv.pdf"\nx = [')
    with pytest.raises(CaseError) as caught:
        load_case(demo_case)
    message = str(caught.value)
    assert 'must be a list such as ["a", "b"], not the string \'docs/pv.pdf\' (write ["docs/pv.pdf"])' in message
    assert "remove the quotes" not in message


@pytest.mark.parametrize("section,start,end", [
    ("risk", "[risk]\n", "[scope]"),
    ("expert.independence", "[expert.independence]", "[risk]"),
])
def test_a_missing_section_is_named_as_a_section(run_cli, demo_case: Path, section: str, start: str,
                                                 end: str) -> None:
    path = demo_case / "case.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index(start)] + text[text.index(end):], encoding="utf-8")
    proc = run_cli("risk", demo_case)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    message = " ".join(proc.stderr.split())
    assert f"case.toml: {section}: required section [{section}] is missing" in message, message


def test_scope_errors_name_the_entry_once(demo_case: Path) -> None:
    replace_in(demo_case / "case.toml", "[scope]\n", '[scope]\nhosts = ["127.0.0.1/40"]\n')
    text = (demo_case / "case.toml").read_text(encoding="utf-8")
    first = text.index("[scope]")
    second = text.index("\nhosts", text.index("\nhosts", first) + 1)
    assert second > first  # the demo declares its own hosts: drop that second line
    end = text.index("\n", second + 1)
    (demo_case / "case.toml").write_text(text[:second] + text[end:], encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        load_case(demo_case)
    assert "scope: hosts[0]: not a host name, address or CIDR range: '127.0.0.1/40'" in str(caught.value)
    assert "scope.hosts" not in str(caught.value)


def test_an_integer_is_accepted_where_a_decimal_is_expected(demo_case: Path) -> None:
    replace_in(demo_case / "case.toml", '[scope]', '[probe]\ntargets = ["https://127.0.0.1/"]\ntimeout = 5\n\n[scope]')
    assert load_case(demo_case).data.probe.timeout == 5.0


def test_malformed_toml_names_the_line(run_cli, demo_case: Path) -> None:
    replace_in(demo_case / "case.toml", 'name = "Élections', 'name = Élections')
    proc = run_cli("risk", demo_case)
    assert proc.returncode == 2
    message = " ".join(proc.stderr.split())
    assert "case.toml" in message and "malformed TOML" in message
    assert re.search(r"line \d+", message)
    assert "Traceback" not in proc.stderr


def test_not_a_case_folder(run_cli, tmp_path: Path) -> None:
    proc = run_cli("assess", tmp_path)
    assert proc.returncode == 2
    assert "not a case folder" in proc.stderr
    with pytest.raises(NotACaseError):
        load_case(tmp_path)


def test_a_case_folder_that_does_not_exist_is_named_as_such(run_cli, tmp_path: Path) -> None:
    for command in (["risk", "--json"], ["assess", "--json"], ["report"], ["audit"], ["journal", "verify"],
                    ["registers", "check"]):
        proc = run_cli(*command, tmp_path / "my-case")
        assert proc.returncode == 2, (command, proc.stderr)
        assert "my-case: no such folder" in proc.stderr and "expertise init" in proc.stderr, proc.stderr
        assert proc.stdout == "" and "Traceback" not in proc.stderr


def test_paths_resolve_relative_to_the_case(demo_case: Path) -> None:
    case = load_case(demo_case)
    assert case.resolve("docs/architecture.md").is_file()
    assert case.resolve("/etc/hostname") == Path("/etc/hostname")


def test_the_template_names_every_judgment_id_the_code_accepts() -> None:
    """The template's comment is where the expert learns what a judgment may be about."""
    from importlib.resources import files

    from expertise import catalogue as catalogue_mod

    template = files("expertise").joinpath("templates/case.toml").read_text(encoding="utf-8")
    framework = catalogue_mod.load().framework
    for element in framework.elements:
        assert element.id in template, element.id
    assert "G1 … G7" in template and "1-01 … 3-05" in template
    assert [g.id for g in framework.guarantees] == [f"G{i}" for i in range(1, 8)]


def test_encoding_a_byte_order_mark_is_accepted_latin_1_is_named(run_cli, demo_case: Path) -> None:
    path = demo_case / "case.toml"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_case(demo_case).data.election.electorate == 1850
    path.write_bytes(text.encode("latin-1", errors="replace"))
    proc = run_cli("risk", demo_case)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    message = " ".join(proc.stderr.split())
    assert "case.toml" in message and "not UTF-8" in message and "save the file as UTF-8" in message
    first = next(i for i, line in enumerate(text.splitlines(), 1)
                 if not line.encode("latin-1", errors="replace").isascii())
    assert f"line {first}:" in message


def test_the_template_shows_framework_answers_zone_and_distribution() -> None:
    """Where the expert learns the keys later issues added; its [answers] example is valid as written."""
    import re
    import tomllib
    from importlib.resources import files

    from expertise import catalogue as catalogue_mod
    from expertise.case import Answer

    template = files("expertise").joinpath("templates/case.toml").read_text(encoding="utf-8")
    for key in ("# framework =", "# related_frameworks =", "# timezone =", "# [distribution]", "# [retention]"):
        assert key in template, key
    block = re.search(r'^# \[answers\."([^"]+)"\]\n((?:# \w+ = .*\n)+)', template, re.M)
    assert block is not None
    requirement, body = block.group(1), block.group(2)
    answer = tomllib.loads("\n".join(line[2:] for line in body.splitlines()))
    Answer.model_validate(answer)
    assert requirement in {r.id for f in catalogue_mod.load().frameworks.values() for r in f.requirements}
