"""HTML rendering: a sandboxed, autoescaping Jinja2 environment over reports/templates/.

Everything in the report that comes from outside (case.toml, server banners, board
contents, file names) is data, never template code: templates are loaded only from the
shipped folder, the environment is sandboxed and autoescaping is on, so a hostile string
is shown, not executed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, Undefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..paths import templates_dir
from ..i18n import Message, format_arg, msg, render
from ..results import message_of
from .. import typography as text
from . import charts, labels


def show(value: Any, lang: str) -> str:
    """What the templates' ``msg()`` shows: a result, note or reason kept as a dict (its code and
    arguments), a :class:`Message`, or a list of them, rendered in the report's language."""
    if isinstance(value, Mapping):
        return render(message_of(value), lang)
    if isinstance(value, (Message, list, tuple)):
        return format_arg(value, lang)
    return "" if value is None else str(value)


def make_environment(lang: str, catalogue: Any, root: Path | None = None) -> SandboxedEnvironment:
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
    yes, no = render(msg("common.yes"), lang), render(msg("common.no"), lang)
    env.filters["fr"] = (lambda value: text.french(value)) if french else (lambda value: value)
    env.globals.update(
        fmt_int=lambda value: text.fmt_int(value, lang),
        fmt_decimal=lambda value, places=2: text.fmt_decimal(value, lang, places),
        fmt_date=lambda value: text.fmt_date(value, lang),
        fmt_datetime=lambda value: text.fmt_datetime(value, lang),
        fmt_utc=lambda value: text.fmt_utc(value, lang) if value else "",
        yesno=lambda value: Markup('<span class="badge s-pass">{}</span>').format(yes) if value
        else Markup('<span class="badge s-fail">{}</span>').format(no),
        status_label=lambda value: show(labels.name(labels.STATUS, value), lang),
        conclusion_label=lambda value: show(labels.name(labels.CONCLUSION, value), lang),
        severity_label=lambda value: show(labels.name(labels.SEVERITY, value), lang),
        recipient_role=lambda value: show(labels.name(labels.RECIPIENT_ROLE, value), lang),
        msg=lambda value: show(value, lang),
        check=catalogue.check,
        charts=charts.ChartHelpers(lang),
    )
    return env


def render_html(context: dict[str, Any], catalogue: Any, root: Path | None = None) -> str:
    root = root or templates_dir()
    env = make_environment(context["lang"], catalogue, root)
    css = (root / "report.css").read_text(encoding="utf-8")
    template = env.get_template("report.html.j2")
    return template.render(**context, css=Markup(css))  # noqa: S704 - our own stylesheet


def render_section(producer: str, sources: list[Any], lang: str, catalogue: Any = None, **overrides: Any) -> str:
    """One domain chapter (``<producer>/report.html.j2``) alone, in the report's own environment.

    Used by the domains' tests, so that a partial is always exercised exactly as the report
    renders it (same sandbox, filters and helpers); ``overrides`` replace helpers,
    e.g. ``charts`` with a recorder.
    """
    from .. import catalogue as catalogue_mod

    catalogue = catalogue or catalogue_mod.load()
    env = make_environment(lang, catalogue)
    return env.get_template(f"{producer}/report.html.j2").render(lang=lang, sources=sources,
                                                                   **overrides)
