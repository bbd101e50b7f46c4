"""The expert's findings as the report shows them: descriptions rendered from Markdown safely.

Markdown comes from the expert or from a scanner's file (which may be hostile): it goes through the
one safe renderer of the report (:func:`expertise.report.sections.render_markdown`: raw HTML
escaped, images never fetched, links kept for https and mailto only)."""

from __future__ import annotations

from typing import Any

from ..i18n import msg
from ..report.sections import render_markdown
from .load import ExpertFindings

#: the status and source of a finding, named in the report's language
STATUS = {"open": msg("findings.status.open"), "fixed-retested": msg("findings.status.fixed_retested"),
          "accepted-risk": msg("findings.status.accepted_risk")}
SOURCE = {"pentest": msg("findings.source.pentest"), "code-review": msg("findings.source.code_review"),
          "interview": msg("findings.source.interview"), "document": msg("findings.source.document"),
          "tool import": msg("findings.source.tool_import")}

_ORDER = {"open": 0, "accepted-risk": 1, "fixed-retested": 2}
_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}


def context(found: ExpertFindings, level: int) -> dict[str, Any]:
    """``expert_findings`` (worst first) and the pentest annex of the report."""
    rows = sorted(found.findings, key=lambda f: (_ORDER[f.status], -_RANK[f.severity], f.id))
    return {
        "expert_findings": [{**f.to_dict(), "description_html": render_markdown(f.description),
                             "recommendation_html": render_markdown(f.recommendation)} for f in rows],
        "pentests": found.pentests,
        "finding_status": STATUS,
        "finding_source": SOURCE,
        # levels 2 and 3: the operations of the penetration tests are annexed; none is a point left open
        "pentest_missing": level >= 2 and not found.pentests,
    }
