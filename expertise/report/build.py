"""`expertise report`: assessment → report.html, report.pdf (PDF/A-3b), results.json.

The report is itself an operation of the expertise: it is journaled, and copies of what
it wrote are kept as evidence so the sealed archive holds exactly what was handed over.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from .. import __version__
from .. import catalogue as catalogue_mod
from .. import journal
from ..assess import assess
from ..case import load_case
from ..audit import CollectorState, collectors_json
from ..console import say
from ..errors import UsageError
from ..fsutil import write_atomic
from ..hashing import sha256_file
from ..i18n import msg, render
from ..requirements import matrix
from .model import build_context
from .pdf import write_pdf
from .render import render_html


def build_report(case_dir: Path, *, lang: str | None = None, out_dir: Path | None = None, pdf: bool = True,
                 collectors_state: dict[str, CollectorState] | None = None,
                 argv: Sequence[str] | None = None) -> dict[str, Path]:
    case = load_case(case_dir)
    lang = lang or case.data.language
    catalogue = catalogue_mod.load(framework_id=case.data.framework)
    out_dir = Path(out_dir) if out_dir else case.root / "report"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(msg("report.build.no_output_folder", error=exc.strerror or str(exc)), path=str(out_dir)) from None

    generated = datetime.now(timezone.utc)
    assessment = assess(case, catalogue)
    results = {
        "generated": generated.isoformat(),
        "tool": f"expertise {__version__}",
        "language": lang,
        **assessment.to_dict(lang),
        "requirements": [row.to_dict(lang) for row in matrix(assessment)],  # req-matrix
    }
    if collectors_state:  # written by an audit: which evidence was collected, and what could not be
        results.update(collectors_json(collectors_state, lang))
    results_path = out_dir / "results.json"
    write_atomic(results_path, (json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n").encode())

    journal_path = case.root / journal.JOURNAL_NAME
    attachments_files: list[tuple[Path, str]] = [(results_path, "results.json")]
    if journal_path.exists():
        attachments_files.append((journal_path, "journal.jsonl"))
    descriptions = {"results.json": render(msg("report.attachment.results"), lang),
                    "journal.jsonl": render(msg("report.attachment.journal"), lang)}
    attachments = [{"name": path.name, "description": descriptions[path.name], "sha256": sha256_file(path)}
                   for path, _ in attachments_files]

    context = build_context(assessment, lang=lang, collectors_state=collectors_state or {},
                            attachments=attachments, journal_entries=journal.read_entries(case.root),
                            generated=generated)
    html = render_html(context, catalogue)
    html_path = out_dir / "report.html"
    write_atomic(html_path, html.encode("utf-8"))
    written = {"html": html_path, "results": results_path}
    if pdf:
        pdf_path = out_dir / "report.pdf"
        say(msg("report.build.rendering_pdf"))
        write_pdf(html, pdf_path, [(path, descriptions[path.name]) for path, _ in attachments_files])
        written["pdf"] = pdf_path

    with journal.operation(case.root, "report", argv if argv is not None else sys.argv) as op:
        op.add_input(case.file, label="case")
        for label, path in written.items():
            op.store_file(f"report/{path.name}", path, label=f"report-{label}")
        op.notes["language"] = lang
        op.notes["out_dir"] = str(out_dir.resolve())
    return written
