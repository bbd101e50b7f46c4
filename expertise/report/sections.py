"""The free sections the expert writes (``[report.sections]``): Markdown files of the case folder.

The context of the mission, the meetings and interviews, the limits of the expertise are the
expert's own words: only they can write them, so a section declared but left empty is shown as
« not provided by the expert », never filled in. The files come from the case folder, which may
hold what others sent: they are rendered SAFELY (raw HTML escaped, no image fetched, links kept
only for https and mailto) and hashed into the journal as inputs of the report, so that one
changed after the report is named by ``journal verify``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup
from pydantic import Field

from ..domain import Section
from ..errors import CaseError
from ..i18n import Message, msg, render

if TYPE_CHECKING:
    from ..case import Case


class FreeSections(Section):
    """``[report.sections]``: each key names a Markdown file of the case. Absent: the report has no
    such section; ``""``: declared, left to write — shown as not provided by the expert."""

    context: str | None = Field(default=None, description="context of the mission")
    meetings: str | None = Field(default=None, description="meetings and interviews")
    limits: str | None = Field(default=None, description="limits of the expertise")


#: the sections in the order the report shows them, with their titles
SECTION_TITLES: dict[str, Message] = {
    "context": msg("report.sections.context"),
    "meetings": msg("report.sections.meetings"),
    "limits": msg("report.sections.limits"),
}

#: the schemes a link of a free section may keep; any other link is shown as its text only
SAFE_SCHEMES = ("https:", "mailto:")

#: a free section sits under an <h2>: its own headings start at <h3>
HEADING_SHIFT = 2


@dataclass(frozen=True)
class FreeSection:
    """One declared section as the report shows it: ``html`` is None when not provided."""

    name: str
    title: Message
    path: str
    html: Markup | None


def _link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Keep a link only to https or mailto; any other (javascript:, file:, http:) becomes plain text."""
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if not href.strip().lower().startswith(SAFE_SCHEMES):
        token.meta["dropped"] = True
        return ""
    token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _link_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    opening = next((t for t in reversed(tokens[:idx]) if t.type == "link_open"), None)
    if opening is not None and opening.meta.get("dropped"):
        return ""
    return self.renderToken(tokens, idx, options, env)


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """An image is never fetched nor embedded: its description and its address are shown as text."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return str(Markup('<span class="md-image">[{}: {}]</span>').format(alt, str(token.attrGet("src") or "")))


def _heading(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Headings demoted under the section's own: ``#`` → ``<h3>``, never beyond ``<h6>``."""
    token = tokens[idx]
    level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
    token.tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


def _parser() -> MarkdownIt:
    # CommonMark with tables; html=False escapes raw HTML (<script> is shown, not run)
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("image", _image)
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    return md


def render_markdown(text: str) -> Markup:
    """The expert's Markdown as HTML safe to put in the report (see the module's docstring)."""
    return Markup(_parser().render(text))  # noqa: S704 - raw HTML escaped, links and images filtered above


def declared_sections(case: "Case") -> list[tuple[str, str]]:
    """The sections ``[report.sections]`` declares, in the report's order: (name, path as written)."""
    sections: FreeSections = case.data.report.sections
    return [(name, value) for name in SECTION_TITLES if (value := getattr(sections, name)) is not None]


def section_files(case: "Case") -> list[tuple[str, Path]]:
    """The files of the declared, non-empty sections: each must exist (exit 2 naming the file and
    the field otherwise), each is an input of the report."""
    files = []
    for name, value in declared_sections(case):
        if not value.strip():
            continue
        path = case.resolve(value)
        if not path.is_file():
            raise CaseError(msg("case.report.no_section_file", file=value, section=SECTION_TITLES[name]),
                            path=str(case.file), field=f"report.sections.{name}")
        files.append((name, path))
    return files


def free_sections(case: "Case") -> list[FreeSection]:
    """The declared sections as the report shows them; an empty one (no path, or a file holding
    only blanks) is not provided: the report says so rather than writing anything for the expert."""
    files = dict(section_files(case))
    shown = []
    for name, value in declared_sections(case):
        html: Markup | None = None
        if name in files:
            try:
                text = files[name].read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CaseError(msg("case.report.section_not_utf8", file=value, byte=exc.start),
                                path=str(files[name]), field=f"report.sections.{name}") from None
            except OSError as exc:
                raise CaseError(msg("case.report.section_unreadable", file=value, error=exc.strerror or str(exc)),
                                path=str(files[name]), field=f"report.sections.{name}") from None
            html = render_markdown(text) if text.strip() else None
        shown.append(FreeSection(name, SECTION_TITLES[name], value, html))
    return shown



#: the anchor of the mission's chapter, and the chapter it follows
MISSION_ANCHOR = "mission"
MISSION_AFTER = "scope"


def with_mission_chapter(chapters: list[dict[str, Any]], case: "Case", lang: str) -> list[dict[str, Any]]:
    """The table of contents with the chapter « the mission » (the declared free sections, then the
    timeline) after the scope and method, the numbered chapters after it renumbered."""
    subs = [{"id": f"mission-{name}", "title": render(SECTION_TITLES[name], lang)}
            for name, _ in declared_sections(case)]
    subs.append({"id": "mission-timeline", "title": render(msg("report.sections.timeline"), lang)})
    chapter = {"id": MISSION_ANCHOR, "title": render(msg("report.chapter.mission"), lang), "number": None,
               "subs": subs}
    at = next((i + 1 for i, c in enumerate(chapters) if c["id"] == MISSION_AFTER), len(chapters))
    result = [*chapters[:at], chapter, *chapters[at:]]
    number = 0
    for item in result:
        if item["number"] is not None or item is chapter:
            number += 1
            item["number"] = number
    return result
