"""``--help`` speaks the console's language, and its text lives only in the catalogues.

The command tree is walked: every command is one of expertise/clihelp.py's classes, its help and
each option's have an English and a French text, the code holds none of them any more, and the
help Click prints — the command's text, the options', the short help of a group's listing — is the
catalogue's, in French with ``EXPERTISE_LANG=fr`` or ``--lang fr`` and in English otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from expertise import i18n
from expertise.cli import cli
from expertise.clihelp import HelpCommand, HelpGroup, help_codes
from expertise.console import set_language
from expertise.i18n import Message, render
from tests.french import english_words


def commands(command: click.Command = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, (*path, name))


COMMANDS = list(commands())
IDS = [" ".join(path) or "expertise" for path, _ in COMMANDS]


@pytest.fixture(autouse=True)
def _console_language() -> Iterator[None]:
    """``--lang`` sets the console's language for the process: leave it as it was."""
    set_language(None)
    yield
    set_language(None)


def show_help(path: tuple[str, ...], lang: str | None = None, *options: str) -> str:
    env = {"EXPERTISE_LANG": lang} if lang else {}
    result = CliRunner().invoke(cli, [*options, *path, "--help"], prog_name="expertise", env=env)
    assert result.exit_code == 0, result.output
    return result.output


def squeezed(value: str) -> str:
    """Without any white space: Click rewraps (and may break at a hyphen), the words stay."""
    return "".join(value.replace("\b", "").split())


def test_every_command_takes_its_help_from_the_catalogues() -> None:
    """Set once on the root group, inherited by subcommands, named with ``cls=`` by the domains:
    a command made any other way would show the code's English, or nothing."""
    escaped = [name for name, (_, command) in zip(IDS, COMMANDS) if not isinstance(command, (HelpCommand, HelpGroup))]
    assert not escaped, f"commands whose help is not read from the catalogues: {escaped}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_command_and_option_has_its_help_in_each_language(lang: str) -> None:
    codes = list(help_codes(cli))
    assert len(codes) >= len(COMMANDS) + 40  # the commands, and the options of each
    missing = [code for code in codes if not i18n.has_text(code, lang)]
    assert not missing, f"--help texts missing from locale/{lang}.po: {missing}"


def test_the_french_help_holds_no_english_prose() -> None:
    french = i18n.catalogue("fr").texts
    english = {code: english_words(str(french[code])) for code in help_codes(cli)}
    assert not {code: words for code, words in english.items() if words}


def test_every_visible_option_is_documented() -> None:
    """Each option Click shows has a code (its command's, or one shared by every command)."""
    undocumented = [f"{name} {param.name}" for name, (_, command) in zip(IDS, COMMANDS)
                    for param in command.params
                    if isinstance(param, click.Option) and not param.hidden and param.name != "version"
                    and isinstance(command, (HelpCommand, HelpGroup)) and command.option_code(param) is None]
    assert not undocumented


def test_the_code_holds_no_help_text() -> None:
    """One source of each text: no docstring read as help, no ``help=`` left in the code."""
    in_code = [name for name, (_, command) in zip(IDS, COMMANDS) if command.help]
    in_code += [f"{name} {param.name}" for name, (_, command) in zip(IDS, COMMANDS) for param in command.params
                if isinstance(param, click.Option) and param.help and param.name != "version"]
    assert not in_code, f"help text still in the code: {in_code}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_shows_the_catalogue_text(path: tuple[str, ...], command: click.Command, lang: str) -> None:
    assert isinstance(command, (HelpCommand, HelpGroup))
    shown = squeezed(show_help(path, lang))
    assert squeezed(render(Message(command.help_code(), {}), lang)) in shown
    for param in command.params:
        code = command.option_code(param)
        if code is not None:
            assert squeezed(render(Message(code, {}), lang)) in shown, code


def test_root_help_in_french_and_in_english() -> None:
    french = show_help((), "fr")
    assert "Expertise indépendante des votes par internet" in french
    assert "Usage: expertise [OPTIONS] COMMAND [ARGS]..." in french  # Click's own words stay
    assert "Independent expertise" not in french
    english = show_help((), "en")
    assert "Independent expertise of internet voting" in english and "Expertise indépendante" not in english
    assert show_help((), "en", "--lang", "fr") == french


def test_the_listing_of_a_group_is_localized() -> None:
    """The one-line help of each subcommand is cut from the localized text, as Click cuts it."""
    listing = {lang: show_help((), lang).split("Commands:")[1] for lang in i18n.LANGUAGES}
    assert "board                Rejoue une urne publique" in listing["fr"]
    assert "board                Replay a public bulletin board" in listing["en"]
    set_language("fr")
    board = cli.commands["board"]
    assert board.get_short_help_str(45).startswith("Rejoue une urne publique")
    assert "Vérifie l'urne RECORD" in show_help(("board",), "fr").split("Commands:")[1]


def test_board_verify_keeps_clicks_formatting() -> None:
    french = show_help(("board", "verify"), "fr")
    assert "Usage: expertise board verify [OPTIONS] RECORD" in french
    assert "Vérifie l'urne RECORD (un <uuid>.bel de Belenios), étape par étape." in french
    # a \b paragraph keeps its lines; options keep their metavar and [default: …]
    assert "\n  Étapes\u00a0: archive et chaînage par empreintes ; " in french.replace("\u202f", " ")
    assert "--snapshot EARLIER.bel" in french and "[default: auto]" in french
    assert "Une copie antérieure de l'urne" in french and "An earlier copy" not in french
    english = show_help(("board", "verify"), "en")
    assert "Verify the board RECORD (a Belenios <uuid>.bel), step by step." in english
    assert "An earlier copy of the board" in english and "Une copie" not in english


@pytest.mark.parametrize(("path", "french", "english"), [
    (("seal", "create"), "Scelle SOURCE...", "Seal SOURCE..."),
    (("probe",), "Sonde la plateforme de vote", "Probe the voting platform"),
    (("registers", "check"), "Rapproche les registres de CASE_DIR", "Cross-check the registers of CASE_DIR"),
    (("distribution", "check"), "Vérifie la section [distribution]", "Check the [distribution] of CASE_DIR"),
    (("archive", "create"), "Copie CASE_DIR (et les fichiers --report)", "Copy CASE_DIR (and --report files)"),
    (("findings", "import"), "Vérifie un fichier SARIF 2.1.0", "Check a SARIF 2.1.0 file"),
    (("report-diff",), "Liste ce qui a changé", "List what changed"),
    (("journal", "verify"), "Vérifie le journal", "Check the journal"),
])
def test_one_command_per_domain_in_each_language(path: tuple[str, ...], french: str, english: str) -> None:
    shown_fr, shown_en = show_help(path, "fr"), show_help(path, "en")
    assert french in shown_fr and english not in shown_fr
    assert english in shown_en and french not in shown_en
    assert "Langue des messages" in shown_fr and "Language of the messages" in shown_en


def test_a_command_without_its_catalogue_text_shows_the_code_not_english() -> None:
    """A missing text is visible (and fails the catalogue tests, which read these codes), never
    replaced by English from the code."""
    group = HelpGroup(name="root")

    @group.command(name="un-listed")
    @click.option("--loud", is_flag=True, help="English in the code.")
    def unlisted(loud: bool) -> None:
        """English in the code."""

    assert isinstance(unlisted, HelpCommand)
    assert list(help_codes(group)) == ["cli.help.root", "cli.help.un_listed", "cli.option.un_listed.loud"]
    output = CliRunner().invoke(group, ["un-listed", "--help"], env={"EXPERTISE_LANG": "fr"}).output
    assert "[cli.help.un_listed]" in output and "[cli.option.un_listed.loud]" in output
    assert "English in the code" not in output


def test_the_installed_command_speaks_french(run_cli) -> None:  # type: ignore[no-untyped-def]
    """End to end, as a user runs it."""
    result = run_cli("board", "verify", "--help", env={"EXPERTISE_LANG": "fr"})
    assert result.returncode == 0 and "Vérifie l'urne RECORD" in result.stdout
    result = run_cli("--lang", "fr", "--help")
    assert "Expertise indépendante" in result.stdout and "Rejoue une urne publique" in result.stdout
