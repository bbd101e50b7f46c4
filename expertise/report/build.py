"""`expertise report`: assessment → report.html, report.pdf (PDF/A-3b), results.json (and report.docx).

The report is itself an operation of the expertise: it is journaled, and copies of what
it wrote are kept as evidence so the sealed archive holds exactly what was handed over.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from .. import __version__
from .. import catalogue as catalogue_mod
from .. import journal
from ..assess import assess, warn_set_aside
from ..case import Case, documents_received, load_case
from ..audit import CollectorState, collectors_json
from ..console import say
from ..errors import UsageError
from ..findings import load as findings_load
from ..findings import report as findings_report
from ..fsutil import interrupts_deferred, publish, staging_folder, write_atomic
from ..hashing import sha256_file
from ..i18n import Message, msg, render
from ..requirements import matrix
from .docx import require_pandoc, write_docx
from .model import build_context
from .sections import section_files
from .timeline import event_evidence_files
from .pdf import write_pdf
from .render import render_html
from . import versions
from .signature import Signer, SignatureRecord, sign_pdf, signer_for_case


#: the files of one report: written together, published together, never mixed with another run's
REPORT_FILES = ("results.json", "report.html", "report.pdf", "report.docx")


def build_report(case_dir: Path, *, lang: str | None = None, out_dir: Path | None = None, pdf: bool = True,
                 collectors_state: dict[str, CollectorState] | None = None,
                 argv: Sequence[str] | None = None, review: Message | None = None,
                 docx: bool = False, kind: str | None = None, signer: Signer | None = None) -> dict[str, Path]:
    """Write the report's files into a temporary folder inside ``out_dir``, then publish them
    all at once, so an interrupted run leaves the previous report whole, never a mix.

    ``review`` (why: asked, or the case cannot be written) makes a review copy: nothing is
    journaled, and every page and results.json say so.
    ``kind`` (pre-vote, final, supplementary) makes a numbered version (expertise.report.versions);
    without it the report is an unnumbered draft.
    ``signer`` (default: ``[report.signature]``, checked before anything is rendered) signs report.pdf
    (PAdES); a review copy is never signed. A failed signature refuses the whole report.
    """
    case = load_case(case_dir)
    if kind is not None and review is not None:
        raise UsageError(msg("report.version.review_not_versioned"), path=str(case.root), field="--kind")
    version = versions.plan(case, kind, datetime.now(timezone.utc))  # refused before anything is written
    if docx:  # before anything is written: a missing pandoc leaves the previous report whole
        require_pandoc()
    for note in version.notes:
        say(note, style="yellow", label=msg("cli.warning"))
    lang = lang or case.data.language
    if review is None and pdf and signer is None:
        signer = signer_for_case(case, lang=lang)
    catalogue = catalogue_mod.load(framework_id=case.data.framework)
    out_dir = Path(out_dir) if out_dir else case.root / "report"
    try:
        staging = staging_folder(out_dir)
    except OSError as exc:
        raise UsageError(msg("report.build.no_output_folder", error=exc.strerror or str(exc)),
                         path=str(out_dir)) from None
    try:
        staged, expert_inputs = _write_files(case, catalogue, staging, lang=lang, pdf=pdf,
                                             collectors_state=collectors_state, review=review, docx=docx,
                                             version=version)
        signed = _sign(staging / staged["pdf"], signer, lang, case) if signer and review is None and pdf else None
        with interrupts_deferred():  # published and journaled together, or neither
            if review is not None:
                published = publish(staging, out_dir, REPORT_FILES)
            else:
                with journal.operation(case.root, "report", argv if argv is not None else sys.argv) as op:
                    op.add_input(case.file, label="case")
                    for document in documents_received(case):  # listed in the report: bound by their hash
                        op.add_input(document, label="document received")
                    for name, section in section_files(case):  # the expert's free sections, bound likewise
                        op.add_input(section, label=f"report section {name}")
                    for path, label in expert_inputs:  # the expert's findings' files (issue 13)
                        op.add_input(path, label=label)
                    for _, path in event_evidence_files(case):  # the evidence of the timeline's events
                        op.add_input(path, label="report event evidence")
                    for label, name in staged.items():
                        op.store_file(f"report/{name}", staging / name, label=f"report-{label}")
                    op.notes["language"] = lang
                    op.notes["out_dir"] = str(out_dir.resolve())
                    op.notes["report_kind"] = version.kind
                    if version.folder is not None:  # a numbered version: its own copy beside the latest
                        op.notes.update(version=version.number, date=version.date.isoformat())
                        _publish_copy(staging, out_dir / versions.VERSIONS_DIR / version.folder)
                    if signed is not None:  # the certificate that signed the journaled report.pdf
                        op.notes["signature"] = signed.to_dict()
                    published = publish(staging, out_dir, REPORT_FILES)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {label: published[name] for label, name in staged.items()}


def require_report_inputs(case: Case) -> None:
    """Refuse (exit 2, naming the file and field) a case whose report could not be written for want of
    one of its own inputs — the documents received, the free sections, the expert's findings and the
    files they name — so that `audit` says so before collecting, not after."""
    documents_received(case)
    section_files(case)
    event_evidence_files(case)
    findings_load.collect(case, catalogue_mod.load(framework_id=case.data.framework))


def _publish_copy(staging: Path, folder: Path) -> None:
    """Copy the staged files of a version into its own folder (published whole, as the report)."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = staging_folder(folder)
    for name in REPORT_FILES:
        if (staging / name).is_file():
            shutil.copy2(staging / name, copy / name)
    publish(copy, folder, REPORT_FILES)


def _sign(pdf_path: Path, signer: Signer, lang: str, case: Case) -> SignatureRecord:
    """Sign the rendered PDF in the staging folder, after write_pdf, whatever it wrote."""
    say(msg("report.signature.signing", subject=signer.subject))
    record = sign_pdf(pdf_path, signer, lang=lang, quality=case.data.report.quality)
    say(msg("report.signature.signed", level=record.level, subject=record.subject, fingerprint=record.fingerprint))
    return record


def _list_inner_sections(context: dict[str, Any], lang: str) -> None:
    """The table of contents also lists the sections that appear inside the synthesis and the detailed
    findings only for some reports (a version's changes, what remains after the vote, the ballot
    boxes, the expert's own findings), where the templates place them."""
    subs = {chapter["id"]: chapter["subs"] for chapter in context["chapters"]}
    version = context.get("version") or {}

    def sub(anchor: str, title: Message) -> dict[str, str]:
        return {"id": anchor, "title": render(title, lang)}

    front = [sub("versions", msg("report.version.changes.title"))]
    if version.get("kind") == "pre-vote":
        front.append(sub("remaining", msg("report.version.pending.title")))
    subs["synthesis"][:0] = front
    if context.get("boxes"):
        at = next(i for i, s in enumerate(subs["synthesis"]) if s["id"] == "key-findings")
        subs["synthesis"].insert(at, sub("boxes", msg("report.boxes.title")))
    if context.get("expert_findings"):
        subs["findings"].append(sub("expert-findings", msg("findings.report.title")))


def _write_files(case: Case, catalogue: catalogue_mod.Catalogue, folder: Path, *, lang: str, pdf: bool,
                 collectors_state: dict[str, CollectorState] | None, review: Message | None,
                 version: versions.Plan, docx: bool = False) -> tuple[dict[str, str], list[tuple[Path, str]]]:
    """The report's files in ``folder``; returns their names by kind (html, results, pdf, docx), and
    the files of the expert's findings read (journaled as inputs)."""
    generated = version.date
    assessment = assess(case, catalogue, pending=version.pending(catalogue))
    warn_set_aside(assessment)  # judgments set aside are said on the console too
    results: dict[str, Any] = {
        "generated": generated.isoformat(),
        "tool": f"expertise {__version__}",
        "language": lang,
        **assessment.to_dict(lang),
        "requirements": [row.to_dict(lang) for row in matrix(assessment)],
    }
    if collectors_state:  # written by an audit: which evidence was collected, and what could not be
        results.update(collectors_json(collectors_state, lang))
    # inputs changed since their results were collected, gone on with --accept-changed: stated
    results["changed_inputs"] = [change.to_dict(lang) for change in assessment.journal.stale_results]
    results["review"] = review is not None
    if review is not None:
        notice = msg("report.review.notice", reason=review)
        results["review_notice"] = {**notice.to_dict(), "message": render(notice, lang)}
    versions.annotate(results, version, assessment.pending, case.root, lang)
    results_path = folder / "results.json"
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
    context["review"] = msg("report.review.notice", reason=review) if review is not None else None
    context["version"] = versions.context(results, assessment.pending, catalogue, lang)
    context.update(findings_report.context(assessment.expert, case.level))  # issue 13
    if case.level >= 2:
        context["chapters"].append({"id": "annex-pentests", "number": None, "subs": [],
                                    "title": render(msg("findings.chapter.annex_pentests"), lang)})
    _list_inner_sections(context, lang)
    html = render_html(context, catalogue)
    write_atomic(folder / "report.html", html.encode("utf-8"))
    written = {"html": "report.html", "results": "results.json"}
    if pdf:
        say(msg("report.build.rendering_pdf"))
        write_pdf(html, folder / "report.pdf", [(path, descriptions[path.name]) for path, _ in attachments_files])
        written["pdf"] = "report.pdf"
    if docx:  # the editable copy, from the same HTML, marked as an unsigned working copy
        write_docx(folder / "report.html", folder / "report.docx", lang=lang)
        written["docx"] = "report.docx"
    return written, assessment.expert.inputs
