"""French and English formatting for the report: typography, numbers, dates.

French typography is part of what makes a report read as professional: non-breaking spaces
before « : ; ! ? », inside « guillemets », as thousands separators, and dates written out.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space

_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")

_BEFORE_HIGH = re.compile(r"[ \u00a0\u202f]*([;!?])(?=\s|$)")
_BEFORE_COLON = re.compile(r"(?<=\S)[ \u00a0\u202f]+:(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")


def typo_fr(text: object) -> str:
    """Apply French spacing rules to free text; leaves URLs and times (09:00) alone."""
    value = str(text)
    value = _BEFORE_HIGH.sub(lambda m: NNBSP + m.group(1), value)
    value = _BEFORE_COLON.sub(NBSP + ":", value)
    value = _OPEN_QUOTE.sub("«" + NBSP, value)
    value = _CLOSE_QUOTE.sub(NBSP + "»", value)
    return value


def fmt_int(value: object, lang: str = "fr") -> str:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)
    grouped = f"{number:,}"
    return grouped.replace(",", NNBSP) if lang == "fr" else grouped


def fmt_decimal(value: object, lang: str = "fr", places: int = 2) -> str:
    """A measured quantity (seconds, ratios): French writes the decimal comma, « 0,73 »."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    whole, _, fraction = f"{number:,.{places}f}".partition(".")
    if lang != "fr":
        return f"{whole}.{fraction}" if fraction else whole
    whole = whole.replace(",", NNBSP)
    return f"{whole},{fraction}" if fraction else whole


def _offset(dt: datetime) -> str:
    offset = dt.utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def fmt_date(value: datetime | str, lang: str = "fr") -> str:
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if lang == "fr":
        day = "1er" if dt.day == 1 else str(dt.day)
        return f"{day} {_MONTHS_FR[dt.month - 1]} {dt.year}"
    return f"{dt.day} {_MONTHS_EN[dt.month - 1]} {dt.year}"


def fmt_datetime(value: datetime | str, lang: str = "fr") -> str:
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    zone = _offset(dt)
    if lang == "fr":
        text = f"{fmt_date(dt, lang)} à {dt.hour:02d}{NBSP}h{NBSP}{dt.minute:02d}"
    else:
        text = f"{fmt_date(dt, lang)}, {dt.hour:02d}:{dt.minute:02d}"
    return f"{text} ({zone})" if zone else text


def fmt_utc(value: str, lang: str = "fr") -> str:
    """A journal timestamp (UTC, ISO) as a short readable string."""
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return str(value)
    return dt.strftime("%Y-%m-%d %H:%M:%S UTC")
