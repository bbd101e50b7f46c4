"""May an element be taken from an earlier expertise? The recommendation's three conditions.

Level 1 allows re-using an element of a report at most 24 months old, level 2 at most
12 months, level 3 never (``checks/frameworks/cnil-2019-053.toml`` [reuse]); in every
case the element must be proven unchanged since, and no vulnerability on it may have
been revealed in between. The first two are checked here from two seals; the third from
an offline OSV file the expert supplies, or it stays a manual item — never assumed.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

from .. import catalogue as catalogue_mod
from ..errors import UsageError
from .bundle import Integrity, check_integrity
from .compare import Difference, compare, precision_for
from ..i18n import Message, msg, render
from .names import DIFFERENCE_KINDS, PROBLEM_KINDS, named
from .errors import SealBroken
from .model import UNSEALED_KINDS, Entry, shown

OK, FAILED, MANUAL, NOTE = "ok", "failed", "manual", "note"  # a note never decides the verdict
ELIGIBLE, NOT_ELIGIBLE, PENDING = "eligible", "not_eligible", "manual"


@dataclass
class Condition:
    id: str
    status: str
    reason: Message
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """``reason`` rendered in ``lang``, beside its ``code`` and ``args`` (SEAL-011 reads those)."""
        return {"id": self.id, "status": self.status, "reason": render(self.reason, lang),
                **self.reason.to_dict(), "details": self.details}


@dataclass
class ReuseAssessment:
    level: int
    window_months: int
    previous_date: date
    reference_date: date
    previous: Integrity
    current: Integrity
    conditions: list[Condition]

    @property
    def verdict(self) -> str:
        statuses = {c.status for c in self.conditions}
        if FAILED in statuses:
            return NOT_ELIGIBLE
        return PENDING if MANUAL in statuses else ELIGIBLE

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "level": self.level,
            "window_months": self.window_months,
            "previous_date": self.previous_date.isoformat(),
            "reference_date": self.reference_date.isoformat(),
            "previous": {
                "seal": self.previous.name,
                "folder": str(self.previous.folder),
                "created": self.previous.header["created"],
                "key": self.previous.fingerprint,
                "merkle_root": self.previous.header["merkle"]["root"],
            },
            "current": {
                "seal": self.current.name,
                "folder": str(self.current.folder),
                "created": self.current.header["created"],
                "key": self.current.fingerprint,
                "merkle_root": self.current.header["merkle"]["root"],
            },
            "conditions": [c.to_json(lang) for c in self.conditions],
        }


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise UsageError(msg("seal.reuse.not_a_date", value=repr(text)), field=option) from None


def _timestamp(text: Any, path: Path, where: str) -> datetime:
    if not isinstance(text, str):
        raise UsageError(msg("seal.reuse.not_a_string_date"), path=str(path), field=where)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(msg("seal.reuse.not_a_datetime", value=repr(text)), path=str(path), field=where) from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def load_osv(path: Path) -> list[dict[str, Any]]:
    """One OSV record, a list of them, or an OSV API answer ``{"vulns": [...]}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(msg("seal.reuse.osv_unreadable", reason=str(exc.strerror)), path=str(path)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(msg("seal.reuse.osv_not_json", reason=str(exc)), path=str(path)) from None
    if isinstance(data, dict) and "vulns" in data:
        records, prefix = data["vulns"], "vulns"
    elif isinstance(data, dict) and "id" in data:
        records, prefix = [data], "(record)"
    elif isinstance(data, list):
        records, prefix = data, ""
    elif isinstance(data, dict) and not data:
        records, prefix = [], ""
    else:
        raise UsageError(msg("seal.reuse.osv_shape"), path=str(path))
    if not isinstance(records, list):
        raise UsageError(msg("seal.reuse.osv_not_list"), path=str(path), field=prefix)
    for index, record in enumerate(records):
        where = f"{prefix}[{index}]"
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
            raise UsageError(msg("seal.reuse.osv_no_id"), path=str(path), field=where)
        if "published" not in record and "modified" not in record:
            raise UsageError(msg("seal.reuse.osv_no_date", id=record["id"]), path=str(path), field=where)
        _timestamp(
            record.get("published", record.get("modified")),
            path,
            f"{where}.{'published' if 'published' in record else 'modified'}",
        )
        if "withdrawn" in record:
            _timestamp(record["withdrawn"], path, f"{where}.withdrawn")
    return records


def _affects(record: dict[str, Any], packages: Sequence[str]) -> bool:
    if not packages:
        return True
    affected = record.get("affected")
    if not isinstance(affected, list) or not affected:
        return True  # cannot tell: count it, the expert reads the list
    wanted = {p.lower() for p in packages}
    for item in affected:
        package = item.get("package") if isinstance(item, dict) else None
        name = package.get("name") if isinstance(package, dict) else None
        if isinstance(name, str) and name.lower() in wanted:
            return True
    return False


def vulnerabilities_between(
    records: list[dict[str, Any]], start: date, end: date, packages: Sequence[str], path: Path
) -> list[dict[str, Any]]:
    first = datetime(start.year, start.month, start.day, tzinfo=timezone.utc)
    last = datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=timezone.utc)
    found = []
    for index, record in enumerate(records):
        key = "published" if "published" in record else "modified"
        published = _timestamp(record[key], path, f"[{index}].{key}")
        if "withdrawn" in record and _timestamp(record["withdrawn"], path, f"[{index}].withdrawn") <= last:
            continue
        if first <= published <= last and _affects(record, packages):
            found.append(
                {
                    "id": record["id"],
                    key: record[key],
                    "summary": str(record.get("summary", ""))[:200],
                    "aliases": [a for a in record.get("aliases", []) if isinstance(a, str)][:10],
                }
            )
    return found


def _paired_streams(
    previous: Integrity, current: Integrity
) -> Iterator[tuple[dict[str, Any], Iterator[Entry], dict[str, Any], Iterator[Entry]]]:
    """Each source sealed on both sides, with both entry streams (one source each: paired by position)."""
    before_streams = previous.entries_by_source()
    after_streams = current.entries_by_source()
    if len(previous.header["sources"]) == 1 and len(current.header["sources"]) == 1:
        (before, before_entries), (after, after_entries) = next(before_streams), next(after_streams)
        yield before, before_entries, after, after_entries
    else:
        after_head = next(after_streams, None)
        for before, before_entries in before_streams:
            key = before["name"].encode("utf-8") + b"/"
            while after_head is not None and after_head[0]["name"].encode("utf-8") + b"/" < key:
                after_head = next(after_streams, None)
            if after_head is not None and after_head[0]["name"] == before["name"]:
                yield before, before_entries, after_head[0], after_head[1]
                after_head = next(after_streams, None)
    for streams in (before_streams, after_streams):
        for _ in streams:
            pass


def _unchanged(previous: Integrity, current: Integrity) -> Condition:
    prev_names = {s["name"] for s in previous.header["sources"]}
    cur_names = {s["name"] for s in current.header["sources"]}
    single = len(prev_names) == 1 and len(cur_names) == 1
    unmatched = [] if single else sorted(prev_names ^ cur_names)
    unsealed = [(s, p) for seal in (previous, current) for s, p in seal.problems if p.kind in UNSEALED_KINDS]
    differences: list[Difference] = []
    pairs: list[list[str]] = []
    compared = 0
    for before, before_entries, after, after_entries in _paired_streams(previous, current):
        comparison = compare(
            after["name"], before_entries, after_entries, precision_for(before["kind"], after["kind"]), []
        )
        pairs.append([before["name"], after["name"]])
        compared += comparison.compared_entries
        differences.extend(comparison.differences)
    details: dict[str, Any] = {
        "pairs": pairs,
        "compared_entries": compared,
        "differences": [d.to_json() for d in differences[:200]],
        "differences_count": len(differences),
    }
    if unmatched:
        return Condition("unchanged", FAILED, msg("seal.reuse.one_side", names=", ".join(unmatched)), details)
    if unsealed:
        details["unsealed"] = [f"{s}: {shown(p.path)} ({p.kind})" for s, p in unsealed[:200]]
        paths = [msg("seal.reuse.unsealed_path", path=f"{s}: {shown(p.path)}", kind=named(PROBLEM_KINDS, p.kind))
                 for s, p in unsealed[:5]]
        return Condition("unchanged", FAILED, msg("seal.reuse.unsealed", count=len(unsealed), paths=paths), details)
    if differences:
        listed = [msg("seal.reuse.difference", kind=named(DIFFERENCE_KINDS, d.kinds[0]), path=shown(d.path))
                  for d in differences[:5]]
        more = "…" if len(differences) > 5 else ""
        return Condition("unchanged", FAILED,
                         msg("seal.reuse.changed", count=len(differences), differences=listed, more=more), details)
    return Condition("unchanged", OK,
                     msg("seal.reuse.identical", count=compared, before=previous.header["merkle"]["root"][:16],
                         after=current.header["merkle"]["root"][:16]),
                     details)


def assess_reuse(
    previous_folder: Path,
    current_folder: Path,
    previous_date: date,
    level: int,
    *,
    reference_date: date | None = None,
    osv_file: Path | None = None,
    packages: Sequence[str] = (),
    trusted_keys: Sequence[str] = (),
    tsa_ca_file: Path | None = None,
    framework_id: str = catalogue_mod.FRAMEWORK_ID,
) -> ReuseAssessment:
    """``framework_id``: the framework whose re-use windows apply (a case's ``framework``)."""
    framework = catalogue_mod.load(framework_id=framework_id).framework
    if level not in framework.reuse_months:
        raise UsageError(msg("seal.reuse.bad_level", levels=", ".join(map(str, sorted(framework.reuse_months)))),
                         field="--level")
    previous = check_integrity(previous_folder, tsa_ca_file=tsa_ca_file)
    current = check_integrity(current_folder, tsa_ca_file=tsa_ca_file)
    for seal in (previous, current):
        if trusted_keys and seal.fingerprint not in trusted_keys:
            raise SealBroken(msg("seal.reuse.untrusted_key", fingerprint=seal.fingerprint), path=str(seal.folder))
    previous_created = _timestamp(previous.header.get("created"), previous.folder, "created")
    current_created = _timestamp(current.header.get("created"), current.folder, "created")
    if previous_created > current_created:
        raise UsageError(msg("seal.reuse.swapped", previous=previous.header["created"],
                             current=current.header["created"]), field="--previous")
    months = framework.reuse_months[level]
    reference = reference_date or parse_date(current.header["created"], "created")
    if previous_date > reference:
        raise UsageError(msg("seal.reuse.date_after_reference", previous=previous_date.isoformat(),
                             reference=reference.isoformat()), field="--previous-date")
    conditions: list[Condition] = []
    if months == 0:
        conditions.append(Condition("window", FAILED, msg("seal.reuse.never", level=level), {"months": 0}))
    else:
        limit = add_months(previous_date, months)
        details = {
            "months": months,
            "previous_date": previous_date.isoformat(),
            "limit": limit.isoformat(),
            "reference_date": reference.isoformat(),
        }
        window = {"previous": previous_date.isoformat(), "months": months, "level": level,
                  "reference": reference.isoformat(), "limit": limit.isoformat()}
        conditions.append(Condition("window", OK, msg("seal.reuse.within", **window), details)
                          if reference <= limit else
                          Condition("window", FAILED, msg("seal.reuse.too_old", **window), details))
    sealed_on = parse_date(previous.header["created"], "created")
    if (sealed_on - previous_date).days > 31 or (previous_date - sealed_on).days > 31:
        conditions.append(Condition("previous-seal-date", NOTE,
                                    msg("seal.reuse.seal_date_far", sealed=sealed_on.isoformat(),
                                        previous=previous_date.isoformat()),
                                    {"sealed_on": str(sealed_on)}))
    conditions.append(_unchanged(previous, current))
    if osv_file is not None:
        records = load_osv(osv_file)
        found = vulnerabilities_between(records, previous_date, reference, packages, Path(osv_file))
        details = {"file": str(osv_file), "records": len(records), "packages": list(packages), "found": found}
        span = {"start": previous_date.isoformat(), "end": reference.isoformat()}
        if found:
            conditions.append(Condition("vulnerabilities", FAILED,
                                        msg("seal.reuse.vulnerable", count=len(found),
                                            ids=", ".join(v["id"] for v in found[:10]), **span), details))
        elif packages:
            conditions.append(Condition("vulnerabilities", OK,
                                        msg("seal.reuse.no_vulnerability_for", count=len(records),
                                            file=Path(osv_file).name, packages=", ".join(packages), **span),
                                        details))
        else:
            conditions.append(Condition("vulnerabilities", OK,
                                        msg("seal.reuse.no_vulnerability", count=len(records),
                                            file=Path(osv_file).name, **span), details))
    else:
        conditions.append(Condition("vulnerabilities", MANUAL,
                                    msg("seal.reuse.vulnerabilities_manual", start=previous_date.isoformat(),
                                        end=reference.isoformat()), {}))
    return ReuseAssessment(level, months, previous_date, reference, previous, current, conditions)
