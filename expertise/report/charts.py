"""Charts drawn with ReportLab's graphics and embedded in the report as inline SVG.

SVG keeps the charts sharp in print and needs no image files; text in them comes from
inputs (candidate names, hosts), so every label goes through ReportLab's XML writer, which
escapes it, and the result is stripped to the bare ``<svg>`` element.

Each chart carries its alternative text in its SVG ``<title>``, built from the catalogues with
the chart's numbers: a screen reader reads it in the HTML (``role="img"``), and WeasyPrint
copies it into the ``/Alt`` of the tagged PDF's ``Figure`` (see docs/report.md).
"""

from __future__ import annotations

import functools
import itertools
import re
from datetime import datetime
from typing import Sequence

from markupsafe import Markup
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from ..i18n import Arg, Message, msg, render

FONT = "Helvetica"
CONCLUSION_COLOURS = {
    "met": colors.HexColor("#2e7d32"),
    "partially_met": colors.HexColor("#f2a900"),
    "not_met": colors.HexColor("#c62828"),
    "not_assessed": colors.HexColor("#9e9e9e"),
    "not_applicable": colors.HexColor("#cfd8dc"),
}
INK = colors.HexColor("#1f2a44")
ACCENT = colors.HexColor("#1f4e79")

_SVG = re.compile(r"<svg\b.*</svg>", re.S)
_IDS = itertools.count(1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _number(value: float) -> int | float:
    """A count is shown as an integer, a measure with its decimals (formatted per language)."""
    return int(value) if float(value).is_integer() else float(value)


def _values(pairs: Sequence[tuple[str, float]]) -> list[Arg]:
    """(label, value) pairs as « label : value » items of an alternative text."""
    items: list[Arg] = [msg("report.chart.value", label=str(label), value=_number(value)) for label, value in pairs]
    return items or [msg("report.chart.nothing")]


def _to_svg(drawing: Drawing, alt: str) -> Markup:
    """``alt``: the chart's alternative text (what it shows, with its numbers), rendered."""
    text = renderSVG.drawToString(drawing)
    match = _SVG.search(text)
    svg = match.group(0) if match else ""
    # Several charts share one HTML page: their ids must not collide.
    unique = f"c{next(_IDS)}"
    svg = svg.replace('id="clip"', f'id="{unique}-clip"').replace("url(#clip)", f"url(#{unique}-clip)")
    svg = svg.replace('id="group"', f'id="{unique}-group"')
    svg = svg.replace("<title>...</title>", "").replace("<desc>...</desc>", "")
    # the <title> first child names the image for browsers and becomes the PDF Figure's /Alt
    svg = svg.replace(">", f' role="img"><title>{_escape(alt)}</title>', 1) if svg else svg
    return Markup(svg)  # noqa: S704 - produced by ReportLab's XML writer, labels escaped


def _clip(label: str, width: int = 28) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= width else label[: width - 1] + "…"


def objective_status(rows: Sequence[tuple[str, dict[str, int]]], legend: dict[str, str], title: str = "",
                     width: int = 460, lang: str = "en") -> Markup:
    """Stacked horizontal bars, one per level: how many objectives reached each conclusion."""
    # one sentence per level: a list of levels each holding a list would read ambiguously
    alt = [msg("report.chart.objective_status.alt", title=title), *(
        msg("report.chart.level_counts", level=label, counts=_values(
            [(legend.get(key, key), counts[key]) for key in CONCLUSION_COLOURS if counts.get(key, 0)]))
        for label, counts in rows)]
    bar_h, gap, left, top_pad = 18, 12, 70, 8
    legend_h = 34
    height = top_pad + len(rows) * (bar_h + gap) + legend_h
    drawing = Drawing(width, height)
    maximum = max((sum(counts.values()) for _, counts in rows), default=1) or 1
    scale = (width - left - 40) / maximum
    y: float = height - top_pad - bar_h
    for label, counts in rows:
        drawing.add(String(left - 8, y + 5, _clip(label, 14), fontName=FONT, fontSize=9, fillColor=INK,
                           textAnchor="end"))
        x = float(left)
        for key in CONCLUSION_COLOURS:
            value = counts.get(key, 0)
            if not value:
                continue
            w = value * scale
            drawing.add(Rect(x, y, w, bar_h, fillColor=CONCLUSION_COLOURS[key], strokeColor=colors.white,
                             strokeWidth=1))
            if w >= 14:
                ink = colors.white if key in ("met", "not_met", "not_assessed") else INK
                drawing.add(String(x + w / 2, y + 5, str(value), fontName=FONT, fontSize=9, fillColor=ink,
                                   textAnchor="middle"))
            x += w
        drawing.add(String(x + 6, y + 5, str(sum(counts.values())), fontName=FONT, fontSize=8,
                           fillColor=colors.HexColor("#555555")))
        y -= bar_h + gap
    # legend
    x, y = float(left), 6.0
    for key, colour in CONCLUSION_COLOURS.items():
        text = legend.get(key, key)
        drawing.add(Rect(x, y, 9, 9, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 12, y + 1, text, fontName=FONT, fontSize=7.5, fillColor=INK))
        x += 18 + 4.6 * len(text)
        if x > width - 60:
            x, y = float(left), y + 13
    return _to_svg(drawing, " ".join(render(sentence, lang) for sentence in alt))


def bars(labels: Sequence[str], values: Sequence[float], title: str = "", width: int = 460,
         lang: str = "en") -> Markup:
    """Horizontal bars with their values: counts per candidate, per step, per port…"""
    if not labels:
        return Markup("")
    alt = msg("report.chart.bars.alt", title=title, values=_values(list(zip(labels, values))))
    bar_h, gap, left = 14, 6, 150
    height = len(labels) * (bar_h + gap) + 10
    drawing = Drawing(width, height)
    maximum = max((abs(float(v)) for v in values), default=1) or 1
    scale = (width - left - 60) / maximum
    y = height - 5 - bar_h
    for label, value in zip(labels, values):
        drawing.add(String(left - 6, y + 3, _clip(label), fontName=FONT, fontSize=8, fillColor=INK,
                           textAnchor="end"))
        w = max(abs(float(value)) * scale, 0.5)
        drawing.add(Rect(left, y, w, bar_h, fillColor=ACCENT, strokeColor=None))
        shown = f"{value:,.0f}".replace(",", "\u202f") if float(value).is_integer() else f"{value:.2f}"
        drawing.add(String(left + w + 4, y + 3, shown, fontName=FONT, fontSize=8, fillColor=INK))
        y -= bar_h + gap
    return _to_svg(drawing, render(alt, lang))


def _parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def timeline(points: Sequence[Sequence[object]], title: str = "", width: int = 460, height: int = 170,
             lang: str = "en") -> Markup:
    """A line over time (e.g. ballots on the board at each snapshot); points = [[ISO time, value]]."""
    parsed = [(t, float(v)) for t, v in ((_parse_time(str(p[0])), p[1]) for p in points if len(p) >= 2)
              if t is not None and isinstance(v, (int, float))]
    if len(parsed) < 2:
        return Markup("")
    parsed.sort(key=lambda item: item[0])
    alt: Message = msg("report.chart.timeline.alt", title=title, count=len(parsed), start=parsed[0][0],
                       end=parsed[-1][0], first=_number(parsed[0][1]), last=_number(parsed[-1][1]),
                       maximum=_number(max(v for _, v in parsed)))
    origin = parsed[0][0]
    data = [((t - origin).total_seconds(), v) for t, v in parsed]
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 50, 30, width - 70, height - 45
    plot.data = [data]
    plot.lines[0].strokeColor = ACCENT
    plot.lines[0].strokeWidth = 1.5
    plot.xValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = 7
    plot.yValueAxis.labels.fontName = FONT
    plot.yValueAxis.labels.fontSize = 7
    span = data[-1][0] or 1
    unit, divisor = ("h", 3600.0) if span >= 7200 else (("min", 60.0) if span >= 120 else ("s", 1.0))
    plot.xValueAxis.labelTextFormat = lambda value: f"{value / divisor:.0f} {unit}"
    plot.yValueAxis.valueMin = 0
    drawing.add(plot)
    drawing.add(Line(50, 30, width - 20, 30, strokeColor=colors.HexColor("#999999"), strokeWidth=0.5))
    drawing.add(String(50, height - 10, f"t0 = {origin.strftime('%Y-%m-%d %H:%M:%S %Z').strip()}",
                       fontName=FONT, fontSize=7, fillColor=INK))
    return _to_svg(drawing, render(alt, lang))


class ChartHelpers:
    """What templates see as ``charts``: the chart functions in the report's language (for their
    alternative text)."""

    def __init__(self, lang: str = "en") -> None:
        self.bars = functools.partial(bars, lang=lang)
        self.timeline = functools.partial(timeline, lang=lang)
        self.objective_status = functools.partial(objective_status, lang=lang)
