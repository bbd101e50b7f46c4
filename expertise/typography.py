"""French and English presentation: typography, numbers, dates — the one place for it.

French typography is part of what makes a report read as professional: non-breaking spaces
before « : ; ! ? », inside « guillemets », as thousands separators, and dates written out.
:mod:`expertise.i18n` applies it to every catalogue text it renders, and the report's templates
use the same functions for the values they lay out.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from babel.dates import format_date
from babel.numbers import format_decimal

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space

_BEFORE_HIGH = re.compile(r"[ \u00a0\u202f]*([;!?])(?=\s|$)")
_BEFORE_COLON = re.compile(r"(?<=\S)[ \u00a0\u202f]+:(?=\s|$)")
_BEFORE_PERCENT = re.compile(r"(?<=[\d}])[ \u00a0\u202f]?%")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_NUMERO = re.compile(r"\bn°[ \u00a0\u202f]+(?=\S)")  # « n° 2019-053 »: the sign never ends a line


def french(text: object) -> str:
    """Apply French spacing rules to free text; leaves URLs and times (09:00) alone."""
    value = str(text)
    value = _BEFORE_HIGH.sub(lambda m: NNBSP + m.group(1), value)
    value = _BEFORE_COLON.sub(NBSP + ":", value)
    value = _BEFORE_PERCENT.sub(NNBSP + "%", value)
    value = _OPEN_QUOTE.sub("«" + NBSP, value)
    value = _CLOSE_QUOTE.sub(NBSP + "»", value)
    value = _NUMERO.sub("n°" + NBSP, value)
    return value


def fmt_int(value: object, lang: str = "fr") -> str:
    """A count: 1 850 in French, 1,850 in English; a value that is not a number is shown as is."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)
    return format_decimal(number, locale=lang)


def fmt_decimal(value: object, lang: str = "fr", places: int = 2) -> str:
    """A measured quantity (seconds, ratios): French writes the decimal comma, « 0,73 »."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return format_decimal(number, format="#,##0." + "0" * places if places else "#,##0", locale=lang)


def _offset(dt: datetime) -> str:
    offset = dt.utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def fmt_date(value: date | str, lang: str = "fr") -> str:
    """« 1er décembre 2026 », "1 December 2026": French writes the first day as an ordinal."""
    dt = value if isinstance(value, date) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if lang == "fr":
        return f"{'1er' if dt.day == 1 else dt.day} {format_date(dt, 'MMMM y', locale='fr')}"
    return format_date(dt, "d MMMM y", locale=lang)


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

