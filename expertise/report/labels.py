"""The names of the vocabulary's values — statuses, severities, conclusions, bases — as messages.

One literal ``msg()`` per value (so that Babel's extractor finds every code): the report, its
chart, the console's tables and the domains' chapters all name a status the same way.
"""

from __future__ import annotations

from typing import Mapping

from ..i18n import Message, msg

STATUS: Mapping[str, Message] = {
    "pass": msg("report.status.pass"),
    "fail": msg("report.status.fail"),
    "error": msg("report.status.error"),
    "not_applicable": msg("report.status.not_applicable"),
    "manual": msg("report.status.manual"),
    "informational": msg("report.status.informational"),
}

SEVERITY: Mapping[str, Message] = {
    "critical": msg("report.severity.critical"),
    "high": msg("report.severity.high"),
    "medium": msg("report.severity.medium"),
    "low": msg("report.severity.low"),
    "info": msg("report.severity.info"),
}

CONCLUSION: Mapping[str, Message] = {
    "met": msg("report.conclusion.met"),
    "partially_met": msg("report.conclusion.partially_met"),
    "not_met": msg("report.conclusion.not_met"),
    "not_assessed": msg("report.conclusion.not_assessed"),
    "not_applicable": msg("report.conclusion.not_applicable"),
}

RECIPIENT_ROLE: Mapping[str, Message] = {  # who a report is delivered to ([report] recipients)
    "organiser": msg("report.recipient.organiser"),
    "provider": msg("report.recipient.provider"),
    "other": msg("report.recipient.other"),
}

ANSWER: Mapping[str, Message] = {  # an answer to a requirement's question
    "yes": msg("report.answer.yes"),
    "no": msg("report.answer.no"),
    "not applicable": msg("report.answer.not_applicable"),
    "not assessed": msg("report.answer.not_assessed"),
}

BASIS: Mapping[str, Message] = {
    "automated": msg("report.basis.automated"),
    "judgment": msg("report.basis.judgment"),
    "override": msg("report.basis.override"),
    "none": msg("report.basis.none"),
}


def counts(by_status: Mapping[str, int]) -> list[Message]:
    """« 5 conformes, 1 non conforme »: how many results reached each weighty status, each
    agreeing with its count (French adjectives take the plural)."""
    shown = []
    for key, count in ((k, by_status.get(k, 0)) for k in ("pass", "fail", "error", "manual")):
        if not count:
            continue
        if key == "pass":
            shown.append(msg("report.count.pass", count=count))
        elif key == "fail":
            shown.append(msg("report.count.fail", count=count))
        elif key == "error":
            shown.append(msg("report.count.error", count=count))
        else:
            shown.append(msg("report.count.manual", count=count))
    return shown


def name(table: Mapping[str, Message], value: object) -> Message | str:
    """The message naming ``value``; an unknown value (a newer results.json) is shown as it is."""
    return table.get(str(value), str(value))
