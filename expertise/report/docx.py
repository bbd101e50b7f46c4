"""`report --docx`: an editable copy of the report (report.docx), because clients and lawyers annotate
in a word processor.

pandoc converts the report's own HTML (the same text as the PDF), with nothing fetched (see
:func:`write_docx`); python-docx then marks the copy as an unsigned working copy in
the header and the footer of every section — so on every page, whatever page the reader prints —
and at the top of the body, and sets the document's language. The signed PDF stays the only
authoritative report: an edited DOCX must never pass for it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ..errors import UsageError
from ..i18n import msg, render

#: the Debian package that provides pandoc
PANDOC_PACKAGE = "pandoc"

#: what a conversion may take on a loaded machine before it is called stuck
PANDOC_TIMEOUT = 300

#: BCP 47 tags of the report's languages, as Word spells them
LANGUAGE_TAGS = {"fr": "fr-FR", "en": "en-GB"}


def require_pandoc() -> str:
    """pandoc's path; exit 2 naming the Debian package when it is missing. Asked before anything
    is written, so that the previous report stays whole."""
    path = shutil.which("pandoc")
    if path is None:
        raise UsageError(msg("report.docx.no_pandoc", package=PANDOC_PACKAGE))
    return path


def working_copy_notice(lang: str) -> str:
    """The words that mark every page of the DOCX."""
    return render(msg("report.docx.working_copy"), lang)


def write_docx(html: Path, target: Path, *, lang: str) -> None:
    """``html`` (the report as written) converted to ``target``, marked as an unsigned working copy.

    Two passes: pandoc reads the HTML into its document tree (no input is fetched by the reader),
    every image that is not already inside the document (a ``data:`` address) is replaced by its
    description, then pandoc writes the DOCX from that tree — so the writer has nothing to fetch,
    over the network or from the disk. (pandoc's own ``--sandbox`` cannot write DOCX in the
    Debian versions that have it: it refuses its own reference document.)"""
    pandoc = require_pandoc()
    tree = _pandoc(pandoc, ["--from=html", "--to=json", str(html)], html)
    filtered = json.dumps(_without_fetched_images(json.loads(tree)))
    tag = LANGUAGE_TAGS.get(lang, lang)
    _pandoc(pandoc, ["--from=json", "--to=docx", f"--metadata=lang:{tag}", f"--output={target}"], html,
            stdin=filtered)
    if not target.is_file():
        raise UsageError(msg("report.docx.pandoc_failed", code=0, error=""), path=str(html))
    mark_working_copy(target, lang=lang)


def _pandoc(pandoc: str, arguments: list[str], html: Path, stdin: str | None = None) -> str:
    """One run of pandoc; its failure is said with pandoc's own words (exit 2)."""
    try:
        done = subprocess.run([pandoc, *arguments], input=stdin, capture_output=True, text=True,
                              timeout=PANDOC_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise UsageError(msg("report.docx.pandoc_timeout", seconds=PANDOC_TIMEOUT), path=str(html)) from None
    if done.returncode != 0:
        raise UsageError(msg("report.docx.pandoc_failed", code=done.returncode,
                             error=(done.stderr or done.stdout).strip()[-2000:]), path=str(html))
    return done.stdout


def _without_fetched_images(node: Any) -> Any:
    """pandoc's JSON tree with each ``Image`` whose address is not a ``data:`` one turned into a
    ``Span`` of its description: nothing left for the writer to fetch."""
    if isinstance(node, list):
        return [_without_fetched_images(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("t") == "Image":
        attr, inlines, (src, _title) = node["c"]
        if not str(src).startswith("data:"):
            return {"t": "Span", "c": [attr, _without_fetched_images(inlines)]}
    return {key: _without_fetched_images(value) for key, value in node.items()}


def _notice_paragraph(paragraph: Paragraph, notice: str) -> None:
    paragraph.text = ""
    run = paragraph.add_run(notice)
    run.bold = True
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def mark_working_copy(path: Path, *, lang: str) -> None:
    """The notice in the header and the footer of every section (first and even pages included),
    at the top of the body, and the document's language in its properties and default style."""
    notice = working_copy_notice(lang)
    document = Document(str(path))
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            part.is_linked_to_previous = False
            _notice_paragraph(part.paragraphs[0] if part.paragraphs else part.add_paragraph(), notice)
    body = document.paragraphs
    top = body[0].insert_paragraph_before() if body else document.add_paragraph()
    _notice_paragraph(top, notice)
    tag = LANGUAGE_TAGS.get(lang, lang)
    document.core_properties.language = tag
    _set_default_language(document, tag)
    document.save(str(path))


def _set_default_language(document: DocxDocument, tag: str) -> None:
    """``w:lang`` of the document's default run properties: what Word's spelling checker reads."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), tag)
