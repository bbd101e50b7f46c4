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
from . import french
from ..wording import plural
from .errors import SealBroken
from .model import UNSEALED_KINDS, Entry, shown

OK, FAILED, MANUAL, NOTE = "ok", "failed", "manual", "note"  # a note never decides the verdict
ELIGIBLE, NOT_ELIGIBLE, PENDING = "eligible", "not_eligible", "manual"


@dataclass
class Condition:
    id: str
    status: str
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    reason_fr: str = ""  # the same reason for the French report

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "reason": self.reason,
            "reason_fr": self.reason_fr or self.reason,
            "details": self.details,
        }


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

    def to_json(self) -> dict[str, Any]:
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
            "conditions": [c.to_json() for c in self.conditions],
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
        raise UsageError(f"not a date: {text!r} (expected YYYY-MM-DD)", field=option) from None


def _timestamp(text: Any, path: Path, where: str) -> datetime:
    if not isinstance(text, str):
        raise UsageError("must be an RFC 3339 date-time string", path=str(path), field=where)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"not an RFC 3339 date-time: {text!r}", path=str(path), field=where) from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def load_osv(path: Path) -> list[dict[str, Any]]:
    """One OSV record, a list of them, or an OSV API answer ``{"vulns": [...]}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the vulnerability file: {exc.strerror}", path=str(path)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"not a JSON file ({exc})", path=str(path)) from None
    if isinstance(data, dict) and "vulns" in data:
        records, prefix = data["vulns"], "vulns"
    elif isinstance(data, dict) and "id" in data:
        records, prefix = [data], "(record)"
    elif isinstance(data, list):
        records, prefix = data, ""
    elif isinstance(data, dict) and not data:
        records, prefix = [], ""
    else:
        raise UsageError('expected an OSV record, a list of records or {"vulns": [...]}', path=str(path))
    if not isinstance(records, list):
        raise UsageError("must be a list", path=str(path), field=prefix)
    for index, record in enumerate(records):
        where = f"{prefix}[{index}]"
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
            raise UsageError('each record needs an "id" string', path=str(path), field=where)
        if "published" not in record and "modified" not in record:
            raise UsageError(
                f'{record["id"]}: no "published" nor "modified" date', path=str(path), field=where
            )
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
    unsealed = [
        f"{s}: {shown(p.path)} ({p.kind})"
        for seal in (previous, current)
        for s, p in seal.problems
        if p.kind in UNSEALED_KINDS
    ]
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
        return Condition(
            "unchanged",
            FAILED,
            f"sources sealed on one side only: {', '.join(unmatched)}",
            details,
            f"sources scellées d’un seul côté : {', '.join(unmatched)}",
        )
    if unsealed:
        details["unsealed"] = unsealed[:200]
        return Condition(
            "unchanged",
            FAILED,
            f"{len(unsealed)} path(s) were not sealed, so the element cannot be "
            f"proven unchanged: {', '.join(unsealed[:5])}",
            details,
            f"{plural(len(unsealed), 'chemin non scellé', 'chemins non scellés')} : l’élément ne "
            f"peut pas être prouvé inchangé ({', '.join(unsealed[:5])})",
        )
    if differences:
        listed = ", ".join(f"{d.kinds[0]} {shown(d.path)}" for d in differences[:5])
        listed_fr = ", ".join(f"{shown(d.path)} {french.difference_kinds(d.kinds[:1])}" for d in differences[:5])
        more = "…" if len(differences) > 5 else ""
        return Condition(
            "unchanged",
            FAILED,
            f"the element changed: {len(differences)} difference(s) ({listed}{more})",
            details,
            f"l’élément a changé : {plural(len(differences), 'différence')} ({listed_fr}{more})",
        )
    return Condition(
        "unchanged",
        OK,
        f"identical: {compared} entries compared, Merkle roots "
        f"{previous.header['merkle']['root'][:16]}… and {current.header['merkle']['root'][:16]}…",
        details,
        f"identique : {plural(compared, 'entrée comparée', 'entrées comparées')}, racines de "
        f"Merkle {previous.header['merkle']['root'][:16]}… et {current.header['merkle']['root'][:16]}…",
    )


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
) -> ReuseAssessment:
    framework = catalogue_mod.load().framework
    if level not in framework.reuse_months:
        raise UsageError(
            f"level must be one of {', '.join(map(str, sorted(framework.reuse_months)))}", field="--level"
        )
    previous = check_integrity(previous_folder, tsa_ca_file=tsa_ca_file)
    current = check_integrity(current_folder, tsa_ca_file=tsa_ca_file)
    for seal in (previous, current):
        if trusted_keys and seal.fingerprint not in trusted_keys:
            raise SealBroken(
                f"signed with key {seal.fingerprint}, which is not among the trusted keys given",
                path=str(seal.folder),
            )
    previous_created = _timestamp(previous.header.get("created"), previous.folder, "created")
    current_created = _timestamp(current.header.get("created"), current.folder, "created")
    if previous_created > current_created:
        raise UsageError(
            f"the previous seal ({previous.header['created']}) is newer than the current one "
            f"({current.header['created']}): were --previous and --current swapped?",
            field="--previous",
        )
    months = framework.reuse_months[level]
    reference = reference_date or parse_date(current.header["created"], "created")
    if previous_date > reference:
        raise UsageError(
            f"the earlier expertise ({previous_date}) is after the reference date ({reference})",
            field="--previous-date",
        )
    conditions: list[Condition] = []
    if months == 0:
        conditions.append(
            Condition(
                "window",
                FAILED,
                f"level {level}: the expertise must be redone for each "
                "element, for each election; nothing may be re-used",
                {"months": 0},
                f"niveau {level} : l’expertise doit être refaite pour chaque élément, à chaque "
                "scrutin ; aucune reprise n’est permise",
            )
        )
    else:
        limit = add_months(previous_date, months)
        details = {
            "months": months,
            "previous_date": previous_date.isoformat(),
            "limit": limit.isoformat(),
            "reference_date": reference.isoformat(),
        }
        if reference <= limit:
            conditions.append(
                Condition(
                    "window",
                    OK,
                    f"the earlier expertise ({previous_date}) is within the "
                    f"{months}-month window of level {level} on {reference} (until {limit})",
                    details,
                    f"l’expertise antérieure ({previous_date}) est dans le délai de {months} mois du "
                    f"niveau {level} au {reference} (jusqu’au {limit})",
                )
            )
        else:
            conditions.append(
                Condition(
                    "window",
                    FAILED,
                    f"the earlier expertise ({previous_date}) is older than "
                    f"the {months}-month window of level {level} on {reference} (it ended on "
                    f"{limit})",
                    details,
                    f"l’expertise antérieure ({previous_date}) dépasse le délai de {months} mois du "
                    f"niveau {level} au {reference} (il a expiré le {limit})",
                )
            )
    sealed_on = parse_date(previous.header["created"], "created")
    if (sealed_on - previous_date).days > 31 or (previous_date - sealed_on).days > 31:
        conditions.append(
            Condition(
                "previous-seal-date",
                NOTE,
                f"the earlier seal was made on {sealed_on}, more "
                f"than a month from the earlier expertise ({previous_date}): check that it "
                "seals the element that expertise examined",
                {"sealed_on": str(sealed_on)},
                f"le scellé antérieur date du {sealed_on}, à plus d’un mois de l’expertise antérieure "
                f"({previous_date}) : vérifier qu’il scelle bien l’élément alors expertisé",
            )
        )
    conditions.append(_unchanged(previous, current))
    if osv_file is not None:
        records = load_osv(osv_file)
        found = vulnerabilities_between(records, previous_date, reference, packages, Path(osv_file))
        details = {"file": str(osv_file), "records": len(records), "packages": list(packages), "found": found}
        if found:
            ids = ", ".join(v["id"] for v in found[:10])
            conditions.append(
                Condition(
                    "vulnerabilities",
                    FAILED,
                    f"{len(found)} vulnerability record(s) published "
                    f"between {previous_date} and {reference}: {ids}",
                    details,
                    f"{plural(len(found), 'vulnérabilité publiée', 'vulnérabilités publiées')} "
                    f"entre le {previous_date} et le {reference} : {ids}",
                )
            )
        else:
            conditions.append(
                Condition(
                    "vulnerabilities",
                    OK,
                    f"none of the {len(records)} record(s) of "
                    f"{Path(osv_file).name} was published between {previous_date} and "
                    f"{reference}" + (f" for {', '.join(packages)}" if packages else ""),
                    details,
                    f"aucune des vulnérabilités recensées dans {Path(osv_file).name} ({len(records)}) "
                    f"n’a été publiée entre le {previous_date} et le {reference}"
                    + (f" pour {', '.join(packages)}" if packages else ""),
                )
            )
    else:
        conditions.append(
            Condition(
                "vulnerabilities",
                MANUAL,
                f"check by hand that no vulnerability on this element "
                f"was revealed between {previous_date} and {reference} (vendor advisories, "
                "CVE/OSV for its components), or give --osv FILE",
                {},
                "vérifier manuellement qu’aucune vulnérabilité de cet élément n’a été révélée entre "
                f"le {previous_date} et le {reference} (bulletins de l’éditeur, CVE/OSV de ses "
                "composants), ou fournir --osv FICHIER",
            )
        )
    return ReuseAssessment(level, months, previous_date, reference, previous, current, conditions)
