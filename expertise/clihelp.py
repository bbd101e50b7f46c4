"""``--help`` in the console's language, its text only in the catalogues.

Click reads a command's help from its docstring and an option's from ``help=``: English kept in the
code. Here the help of every command comes from the catalogue entry ``cli.help.<path>`` (``path``: the
command's names from the root, dotted, ``-`` written ``_`` — ``board.verify``,
``archive.destroy_record``; the root group is ``root``) and each
option's from ``cli.option.<path>.<name>``, or, for an option every command shares with the same
text (``--lang``), ``cli.option.<name>``. They are read at help time, in the console's language, and
handed to Click's own formatting (wrapping, ``\\b`` paragraphs, the short help of a group's listing,
``[default: …]``), which is left as it is.

Every command of the CLI must be a :class:`HelpCommand` or a :class:`HelpGroup`: a group made with
``cls=HelpGroup`` gives its subcommands these classes (``command_class``/``group_class``), a domain's
top-level command or group names it with ``cls=``; ``tests/core/test_cli_help.py`` walks the tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from .console import language
from .i18n import Message, has_text, render

ROOT = "root"


class _Localized(click.Command):
    """The help of a command and of its options, from the catalogues, at the moment Click asks."""

    #: the group this command was added to (its path names it); ``None`` for the root
    parent_group: "HelpGroup | None" = None
    #: the name under which :attr:`parent_group` lists it
    listed_as: str = ""

    @property
    def help_path(self) -> str:
        """``board.verify``: the names from the root (``-`` as ``_``), the root itself being ``root``."""
        names: list[str] = []
        command: _Localized | None = self
        while command is not None and command.parent_group is not None:
            names.append(command.listed_as.replace("-", "_"))  # a code is dotted lower-case words
            command = command.parent_group
        return ".".join(reversed(names)) or ROOT

    def help_code(self) -> str:
        return f"cli.help.{self.help_path}"

    def option_code(self, param: click.Parameter) -> str | None:
        """The catalogue entry of an option's help: this command's own, else the one every command
        shares; ``None`` for arguments (Click shows no help for them) and ``--version``, which Click
        documents itself (as ``--help``, which is not in :attr:`params`)."""
        if not isinstance(param, click.Option) or param.hidden or param.name == "version":
            return None
        own = f"cli.option.{self.help_path}.{param.name}"
        shared = f"cli.option.{param.name}"
        return shared if not has_text(own, "en") and has_text(shared, "en") else own

    @contextmanager
    def _localized(self, options: bool) -> Iterator[None]:
        """Click's formatting reads ``help`` attributes: give it this language's text meanwhile (the
        options' too when the whole help is shown, not a group's one-line listing)."""
        lang = language()
        saved: list[tuple[Any, str | None]] = [(self, self.help)]
        self.help = render(Message(self.help_code(), {}), lang)
        for param in self.params if options else ():
            code = self.option_code(param)
            if code is not None:
                assert isinstance(param, click.Option)
                saved.append((param, param.help))
                param.help = render(Message(code, {}), lang)
        try:
            yield
        finally:
            for owner, value in saved:
                owner.help = value

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with self._localized(options=True):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with self._localized(options=False):
            return super().get_short_help_str(limit)


class HelpCommand(_Localized):
    """A command whose help is in the catalogues."""


class HelpGroup(_Localized, click.Group):
    """A group whose help, and its subcommands', are in the catalogues."""

    command_class = HelpCommand
    group_class = type  # a subgroup made with ``@group.group()`` is a HelpGroup too

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        if isinstance(cmd, _Localized):
            cmd.parent_group = self
            cmd.listed_as = name or cmd.name or ""


def help_codes(command: click.Command, ctx: click.Context | None = None) -> Iterator[str]:
    """Every catalogue entry the help of ``command`` and its subcommands reads (for the catalogue
    tests: these codes are built from the command tree, not written in a ``msg()``)."""
    if isinstance(command, _Localized):
        yield command.help_code()
        for param in command.params:
            code = command.option_code(param)
            if code is not None:
                yield code
    for sub in getattr(command, "commands", {}).values():
        yield from help_codes(sub)
