"""The message catalogues are complete and the code speaks only through them.

Every code that ``msg("…")`` (Python) or ``_("…")`` (templates) can produce is found by Babel's
extractor, with the mapping of ``babel.cfg`` (the one ``make messages`` uses), and must have its
text in every language, with the same placeholders; no catalogue entry may be left unused; no
rule or template may hold prose of its own.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from jinja2 import Environment, nodes

from expertise import i18n

REPO = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def extracted() -> dict[str, list[str]]:
    """code → where it is used (file:line), exactly as ``pybabel extract -F babel.cfg -k msg`` finds it."""
    with open(REPO / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(REPO), method_map, options_map, keywords={"msg": None, "_": None}):
        code = message[0] if isinstance(message, tuple) else message
        found.setdefault(code, []).append(f"{filename}:{line}")
    return found


def cli_help_codes() -> dict[str, list[str]]:
    """The ``--help`` texts: codes built from the command tree (expertise/clihelp.py), not in a ``msg()``."""
    from expertise.cli import cli
    from expertise.clihelp import help_codes

    return {code: ["expertise/clihelp.py (--help)"] for code in help_codes(cli)}


USED = {**extracted(), **cli_help_codes()}


def placeholders(text: str | tuple[str, ...]) -> set[str]:
    texts = text if isinstance(text, tuple) else (text,)
    return {name for t in texts for _, name, _, _ in string.Formatter().parse(t) if name}


def test_codes_are_well_formed() -> None:
    bad = [code for code in USED if not CODE.match(code)]
    assert not bad, f"message codes must be dotted lower-case words: {bad}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_code_has_its_text(lang: str) -> None:
    catalogue = i18n.catalogue(lang)
    missing = {code: where[0] for code, where in USED.items() if not i18n.has_text(code, lang)}
    assert not missing, f"codes without {lang} text (add them to a locale/{lang}.po): {missing}"
    unused = sorted(set(catalogue.texts) - set(USED))
    assert not unused, f"{lang} catalogue entries that no code uses: {unused}"


def test_languages_agree_on_placeholders() -> None:
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    differ = {code: (placeholders(english.texts[code]), placeholders(french.texts.get(code, "")))
              for code in english.texts
              if placeholders(english.texts[code]) != placeholders(french.texts.get(code, ""))}
    assert not differ, f"the two languages use different arguments: {differ}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_text_renders(lang: str) -> None:
    """Each text formats with its own placeholders (no stray brace, no positional field)."""
    for code, text in i18n.catalogue(lang).texts.items():
        args = {name: "X" for name in placeholders(text)}
        rendered = i18n.render(i18n.Message(code, {"count": 2, **args}), lang)
        assert not rendered.startswith("["), (code, rendered)
        assert "{" not in rendered.replace("{X", ""), (code, rendered)


def _python_files() -> list[Path]:
    return sorted((REPO / "expertise").rglob("*.py"))


def _msg_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls += [(f"{path.relative_to(REPO)}:{node.lineno}", node) for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "msg"]
    return calls


def test_codes_are_literal_strings() -> None:
    """A code built at run time would escape the extractor, and so the completeness test."""
    bad = [where for where, node in _msg_calls()
           if not (node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))]
    assert not bad, f"msg() needs a literal code: {bad}"


def test_the_extractor_sees_every_code() -> None:
    """Babel's extractor misses a ``msg()`` nested in some constructs (a comprehension inside the
    arguments of another call): every literal code the syntax tree holds must be in what it found."""
    missed = sorted({f"{node.args[0].value} ({where})" for where, node in _msg_calls()  # type: ignore[attr-defined]
                     if node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value not in USED})
    assert not missed, f"codes pybabel extract does not see (hoist the msg() call): {missed}"


# -- no prose outside the catalogues ------------------------------------------------------------

PROSE = re.compile(r"[A-Za-zÀ-ÿ’']{2,}(?:[ \u00a0]+[A-Za-zÀ-ÿ’']{2,}){2,}")


def _template_files() -> list[Path]:
    return sorted([*(REPO / "reports" / "templates").rglob("*.j2"), *(REPO / "expertise").rglob("*.j2")])


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_templates_hold_no_prose(path: Path) -> None:
    env = Environment(extensions=["jinja2.ext.do", "jinja2.ext.i18n"])
    tree = env.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.find_all((nodes.TemplateData, nodes.Const)):
        value = node.data if isinstance(node, nodes.TemplateData) else node.value
        if not isinstance(value, str):
            continue
        visible = re.sub(r"<style.*?</style>|<[^>]*>|&[a-z#0-9]+;", " ", value, flags=re.S)
        found += PROSE.findall(visible)
    assert not found, f"{path.name} holds text outside the catalogues: {found[:10]}"


def _rule_files() -> list[Path]:
    files = [*(REPO / "expertise").glob("*/rules.py"), *(REPO / "expertise").glob("*/rules/*.py")]
    return sorted(files)


@pytest.mark.parametrize("path", _rule_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_rules_hold_no_prose(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    found = [f"{node.lineno}: {node.value[:60]!r}" for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
             and PROSE.search(node.value)]
    assert not found, f"{path.name} holds text outside the catalogues: {found[:10]}"
