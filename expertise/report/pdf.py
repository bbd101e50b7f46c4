"""PDF/A-3b rendering with WeasyPrint, evidence files attached inside the PDF.

PDF/A is the archival format courts and archives accept; the "3" variant allows embedded
files, so the PDF carries results.json and the journal, and one file is the whole dossier.
Rendering fetches nothing: any URL other than inline data is refused, so a hostile string
that slipped into the HTML could not make the renderer read local files or the network.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import weasyprint
from weasyprint.urls import URLFetcher

from ..errors import ExpertiseError
from ..i18n import msg

PDF_VARIANT = "pdf/a-3b"


def _inline_only() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def _one_af_entry_per_file(document: object, pdf: object) -> None:
    """WeasyPrint lists each attachment twice in the catalogue's /AF (once from the name tree,
    once from the file specifications); an associated file is listed once."""
    catalog = getattr(pdf, "catalog")
    if "AF" in catalog:
        seen: list[object] = []
        for reference in catalog["AF"]:
            if str(reference) not in {str(s) for s in seen}:
                seen.append(reference)
        catalog["AF"][:] = seen


def write_pdf(html: str, target: Path, attachments: list[tuple[Path, str]]) -> None:
    """``attachments``: (file, description) pairs embedded as PDF/A-3 associated files."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    files = [weasyprint.Attachment(string=path.read_bytes(), name=path.name, description=description,
                                   relationship="Data", url_fetcher=_inline_only())
             for path, description in attachments]
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    try:
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_inline_only())
        document.write_pdf(str(target), pdf_variant=PDF_VARIANT, pdf_tags=True, attachments=files,
                           pdf_identifier=identifier,
                           finisher=_one_af_entry_per_file)
    except OSError as exc:
        raise ExpertiseError(msg("report.build.pdf_failed", error=str(exc)), path=str(target)) from None
