"""HTML rendering: a sandboxed, autoescaping Jinja2 environment over reports/templates/.

Everything in the report that comes from outside (case.toml, server banners, board
contents, file names) is data, never template code: templates are loaded only from the
shipped folder, the environment is sandboxed and autoescaping is on, so a hostile string
is shown, not executed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, Undefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..paths import templates_dir
from ..i18n import Message, render
from ..results import message_in
from .. import typography as text
from . import charts


def _merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def load_labels(lang: str, root: Path | None = None) -> dict[str, Any]:
    """All ``i18n/*.<lang>.toml`` files merged: core labels plus those of each domain partial."""
    root = root or templates_dir()
    labels: dict[str, Any] = {}
    for path in sorted((root / "i18n").glob(f"*.{lang}.toml")):
        with open(path, "rb") as handle:
            _merge(labels, tomllib.load(handle))
    return labels


def make_environment(lang: str, catalogue: Any, labels: dict[str, Any], root: Path | None = None) -> SandboxedEnvironment:
    """Undefined values render empty rather than failing: a domain summary may legitimately
    lack an optional field (a board without lists, a probe without SSH), and a missing detail
    must not cost the expert the whole report."""
    root = root or templates_dir()
    from ..domains import chapter_domains

    # the core's templates, and each domain's chapter beside its code ("board/report.html.j2")
    loader = ChoiceLoader([FileSystemLoader(str(root)),
                           PrefixLoader({d.name: FileSystemLoader(str(d.package)) for d in chapter_domains()})])
    env = SandboxedEnvironment(loader=loader,
                               autoescape=select_autoescape(["html", "j2", "xml"], default=True),
                               undefined=Undefined, trim_blocks=True, lstrip_blocks=True,
                               extensions=["jinja2.ext.do", "jinja2.ext.i18n"])
    # ``{{ _("report.chapter.synthesis", level=2) }}``: every text of a template is a catalogue entry
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda code, **args: render(Message(code, args), lang),
        ngettext=lambda code, _plural, count, **args: render(Message(code, {"count": count, **args}), lang),
        newstyle=False)
    french = lang == "fr"
    env.filters["fr"] = (lambda value: text.french(value)) if french else (lambda value: value)
    env.globals.update(
        fmt_int=lambda value: text.fmt_int(value, lang),
        fmt_decimal=lambda value, places=2: text.fmt_decimal(value, lang, places),
        fmt_date=lambda value: text.fmt_date(value, lang),
        fmt_datetime=lambda value: text.fmt_datetime(value, lang),
        fmt_utc=lambda value: text.fmt_utc(value, lang) if value else "",
        yesno=lambda value: Markup('<span class="badge s-pass">{}</span>').format(labels["yes"]) if value
        else Markup('<span class="badge s-fail">{}</span>').format(labels["no"]),
        status_label=lambda status: labels["statuses"].get(str(status), str(status)),
        conclusion_label=lambda value: labels["conclusions"].get(str(value), str(value)),
        severity_label=lambda value: labels["severities"].get(str(value), str(value)),
        msg=lambda result: text.french(message_in(result, lang)) if french else message_in(result, lang),
        check=catalogue.check,
        charts=charts.ChartHelpers,
    )
    return env


def render_html(context: dict[str, Any], catalogue: Any, root: Path | None = None) -> str:
    root = root or templates_dir()
    env = make_environment(context["lang"], catalogue, context["t"], root)
    css = (root / "report.css").read_text(encoding="utf-8")
    template = env.get_template("report.html.j2")
    return template.render(**context, css=Markup(css))  # noqa: S704 - our own stylesheet


def render_section(producer: str, sources: list[Any], lang: str, catalogue: Any = None, **overrides: Any) -> str:
    """One domain chapter (``<producer>/report.html.j2``) alone, in the report's own environment.

    Used by the domains' tests, so that a partial is always exercised exactly as the report
    renders it (same sandbox, filters, labels and helpers); ``overrides`` replace helpers,
    e.g. ``charts`` with a recorder.
    """
    from .. import catalogue as catalogue_mod

    catalogue = catalogue or catalogue_mod.load()
    labels = load_labels(lang)
    env = make_environment(lang, catalogue, labels)
    return env.get_template(f"{producer}/report.html.j2").render(lang=lang, t=labels, sources=sources,
                                                                   **overrides)
