"""The catalogue: the CNIL framework, the risk grid and the check metadata, as data.

Experts read and correct these files without reading Python (``checks/``). The code only
loads and cross-checks them: every objective, guarantee or element a check cites must
exist, ids are unique, and the rule registry must match the check ids one to one
(see :func:`expertise.rules.registry.check_registry_matches`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .errors import CatalogueError
from .i18n import msg
from .paths import checks_dir
from .results import Result, Severity

FRAMEWORK_ID = "cnil-2019-053"
GRID_ID = "cnil-2019-grid"


@dataclass(frozen=True)
class Objective:
    id: str
    level: int
    text_fr: str
    summary_en: str
    automation: str
    hint_fr: str = ""
    hint_en: str = ""


@dataclass(frozen=True)
class Item:
    """An expertise element or an a-posteriori guarantee (verbatim French + English)."""

    id: str
    text_fr: str
    text_en: str
    automation: str = "partial"


@dataclass(frozen=True)
class Requirement:
    """One requirement of a framework's source text (the traceability matrix, docs/requirements.md).

    ``text_fr`` is the verbatim source sentence; coverage is ``checks`` (check ids), ``question``
    (the expert answers it in case.toml ``[answers]``), or both."""

    id: str
    text_fr: str
    summary_en: str
    levels: tuple[int, ...]
    checks: tuple[str, ...]
    question: bool

    def applies_at(self, level: int) -> bool:
        return level in self.levels


@dataclass(frozen=True)
class NotRequirement:
    """A source sentence the requirement detector flags that states no requirement, and why."""

    text_fr: str
    why: str


@dataclass(frozen=True)
class Level:
    id: int
    inherits_from: tuple[int, ...]
    title_fr: str
    description_fr: str
    description_en: str


@dataclass(frozen=True)
class Framework:
    id: str
    version: str
    title_fr: str
    title_en: str
    short_fr: str
    short_en: str
    source: str
    levels: tuple[Level, ...]
    objectives: tuple[Objective, ...]
    elements: tuple[Item, ...]
    guarantees: tuple[Item, ...]
    reuse_months: dict[int, int]
    source_text: str = ""   # path of the verbatim source text, relative to checks/frameworks/
    grid: str = GRID_ID     # the risk grid read with this framework (checks/risk/<grid>.toml)
    requirements: tuple[Requirement, ...] = ()
    not_requirements: tuple[NotRequirement, ...] = ()

    def requirement(self, requirement_id: str) -> Requirement:
        for requirement in self.requirements:
            if requirement.id == requirement_id:
                return requirement
        raise KeyError(requirement_id)

    def objective(self, objective_id: str) -> Objective:
        for objective in self.objectives:
            if objective.id == objective_id:
                return objective
        raise KeyError(objective_id)

    def levels_included(self, level: int) -> set[int]:
        """A level and every level it inherits from (cumulative objectives)."""
        by_id = {lvl.id: lvl for lvl in self.levels}
        seen: set[int] = set()
        stack = [level]
        while stack:
            current = stack.pop()
            if current in seen or current not in by_id:
                continue
            seen.add(current)
            stack.extend(by_id[current].inherits_from)
        return seen

    def applicable(self, level: int) -> list[Objective]:
        levels = self.levels_included(level)
        return [obj for obj in self.objectives if obj.level in levels]


@dataclass(frozen=True)
class GridStatement:
    id: str
    text_fr: str
    text_en: str
    risk_when: bool
    note_fr: str = ""
    note_en: str = ""
    # "true" states that fewer than this many people take part: compared with the declared electorate
    electorate_below: int | None = None


@dataclass(frozen=True)
class RiskGrid:
    id: str
    title_fr: str
    title_en: str
    source: str
    statements: tuple[GridStatement, ...]
    thresholds: tuple[tuple[int, int, int], ...]  # (level, min, max)

    def level_for(self, score: int) -> int:
        for level, low, high in self.thresholds:
            if low <= score <= high:
                return level
        raise CatalogueError(msg("core.catalogue.no_level", grid=self.id, score=score))


@dataclass(frozen=True)
class CheckMeta:
    id: str
    title_fr: str
    title_en: str
    severity: Severity
    rationale_fr: str
    rationale_en: str
    remediation_fr: str
    remediation_en: str
    references: tuple[str, ...]
    objectives: tuple[str, ...]
    guarantees: tuple[str, ...]
    elements: tuple[str, ...]
    source_file: str
    # when the check can be examined: "pre-vote" (the set-up, known before the vote) or
    # "post-vote" (needs the vote or the count); a pre-vote report lists the latter as remaining
    phase: str = "pre-vote"

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def rationale(self, lang: str) -> str:
        return self.rationale_fr if lang == "fr" else self.rationale_en

    def remediation(self, lang: str) -> str:
        return self.remediation_fr if lang == "fr" else self.remediation_en


@dataclass(frozen=True)
class Catalogue:
    framework: Framework
    grid: RiskGrid
    checks: dict[str, CheckMeta]
    frameworks: dict[str, Framework] = field(default_factory=dict)  # every framework shipped, by id

    def requirement_frameworks(self, ids: Iterable[str]) -> list[Framework]:
        """The frameworks named (a case's own and its related ones), in that order."""
        return [self.frameworks[fid] for fid in ids if fid in self.frameworks]

    def check(self, check_id: str) -> CheckMeta:
        try:
            return self.checks[check_id]
        except KeyError:
            raise CatalogueError(msg("core.catalogue.unknown_check", check=check_id)) from None

    def enrich(self, result: Result) -> Result:
        """Fill severity, objectives and guarantees from the check's metadata."""
        meta = self.check(result.check_id)
        return replace(result, severity=result.severity or meta.severity,
                       objectives=meta.objectives, guarantees=meta.guarantees)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(msg("core.catalogue.unreadable", error=str(exc)), path=str(path)) from None


def _require(data: dict[str, Any], key: str, path: Path, where: str) -> Any:
    if key not in data:
        raise CatalogueError(msg("core.catalogue.missing_field", key=repr(key)), path=str(path), field=where)
    return data[key]


def _automation(raw: dict[str, Any], path: Path, where: str) -> str:
    automation = raw.get("automation", "partial")
    if automation not in ("full", "partial", "none"):
        raise CatalogueError(msg("core.catalogue.bad_automation", value=repr(automation)), path=str(path), field=where)
    return str(automation)


def load_framework(path: Path) -> Framework:
    data = _read_toml(path)
    objectives = []
    for index, raw in enumerate(data.get("objectives", [])):
        where = f"objectives[{index}]"
        automation = _automation(raw, path, where)
        objectives.append(Objective(
            id=_require(raw, "id", path, where), level=int(_require(raw, "level", path, where)),
            text_fr=_require(raw, "text_fr", path, where), summary_en=raw.get("summary_en", ""),
            automation=automation, hint_fr=raw.get("hint_fr", ""), hint_en=raw.get("hint_en", "")))
    _unique((o.id for o in objectives), path, "objectives")
    reuse = data.get("reuse", {})
    return Framework(
        id=data["id"], version=data.get("version", ""), title_fr=data["title_fr"],
        title_en=data["title_en"], short_fr=data.get("short_fr", data["id"]),
        short_en=data.get("short_en", data["id"]), source=data.get("source", ""),
        levels=tuple(Level(id=int(l["id"]), inherits_from=tuple(l.get("inherits_from", [])),
                           title_fr=l.get("title_fr", ""), description_fr=l.get("description_fr", ""),
                           description_en=l.get("description_en", ""))
                     for l in data.get("levels", [])),
        objectives=tuple(objectives),
        elements=tuple(Item(e["id"], e["text_fr"], e["text_en"], _automation(e, path, f"elements[{i}]"))
                       for i, e in enumerate(data.get("elements", []))),
        guarantees=tuple(Item(g["id"], g["text_fr"], g["text_en"], _automation(g, path, f"guarantees[{i}]"))
                         for i, g in enumerate(data.get("guarantees", []))),
        reuse_months={int(k.split("_")[1]): int(v) for k, v in reuse.items()},
        source_text=str(data.get("source_text", "")), grid=str(data.get("grid", GRID_ID)),
        requirements=_requirements(data, path),
        not_requirements=tuple(NotRequirement(str(_require(raw, "text_fr", path, f"not_requirements[{i}]")),
                                              str(_require(raw, "why", path, f"not_requirements[{i}]")))
                               for i, raw in enumerate(data.get("not_requirements", []))),
    )


def _requirements(data: dict[str, Any], path: Path) -> tuple[Requirement, ...]:
    """A framework's [[requirements]]: each covered by checks, a question, or both."""
    requirements = []
    for index, raw in enumerate(data.get("requirements", [])):
        where = f"requirements[{index}]"
        requirement = Requirement(
            id=str(_require(raw, "id", path, where)), text_fr=str(_require(raw, "text_fr", path, where)),
            summary_en=str(_require(raw, "summary_en", path, where)),
            levels=tuple(int(level) for level in _require(raw, "levels", path, where)),
            checks=tuple(raw.get("checks", [])), question=bool(raw.get("question", False)))
        if not requirement.checks and not requirement.question:
            raise CatalogueError(msg("core.catalogue.requirement_uncovered", id=requirement.id),
                                 path=str(path), field=where)
        requirements.append(requirement)
    _unique((r.id for r in requirements), path, "requirements")
    return tuple(requirements)


def load_grid(path: Path) -> RiskGrid:
    data = _read_toml(path)
    statements = tuple(
        GridStatement(id=s["id"], text_fr=s["text_fr"], text_en=s.get("text_en", ""),
                      risk_when=bool(s["risk_when"]), note_fr=s.get("note_fr", ""), note_en=s.get("note_en", ""),
                      electorate_below=int(s["electorate_below"]) if "electorate_below" in s else None)
        for s in data["statements"])
    _unique((s.id for s in statements), path, "statements")
    thresholds = tuple((int(t["level"]), int(t["min"]), int(t["max"])) for t in data["thresholds"])
    return RiskGrid(id=data["id"], title_fr=data["title_fr"], title_en=data["title_en"],
                    source=data.get("source", ""), statements=statements, thresholds=thresholds)


def load_checks(folder: Path) -> dict[str, CheckMeta]:
    checks: dict[str, CheckMeta] = {}
    for path in sorted(folder.glob("*.toml")):
        data = _read_toml(path)
        for index, raw in enumerate(data.get("checks", [])):
            where = f"checks[{index}]"
            check_id = _require(raw, "id", path, where)
            if check_id in checks:
                raise CatalogueError(msg("core.catalogue.duplicate_check", check=check_id,
                                         other=checks[check_id].source_file), path=str(path), field=where)
            try:
                severity = Severity(_require(raw, "severity", path, where))
            except ValueError:
                raise CatalogueError(msg("core.catalogue.unknown_severity", value=repr(raw["severity"])),
                                     path=str(path), field=f"{where}.severity") from None
            checks[check_id] = CheckMeta(
                id=check_id, title_fr=_require(raw, "title_fr", path, where),
                title_en=_require(raw, "title_en", path, where), severity=severity,
                rationale_fr=raw.get("rationale_fr", ""), rationale_en=raw.get("rationale_en", ""),
                remediation_fr=raw.get("remediation_fr", ""), remediation_en=raw.get("remediation_en", ""),
                references=tuple(raw.get("references", [])), objectives=tuple(raw.get("objectives", [])),
                guarantees=tuple(raw.get("guarantees", [])), elements=tuple(raw.get("elements", [])),
                source_file=path.name, phase=_phase(raw, path, where))
    return checks


#: the values of a check's ``phase`` (default: pre-vote)
PHASES = ("pre-vote", "post-vote")


def _phase(raw: dict[str, Any], path: Path, where: str) -> str:
    phase = raw.get("phase", PHASES[0])
    if phase not in PHASES:
        raise CatalogueError(msg("core.catalogue.unknown_phase", value=repr(phase), allowed=list(PHASES)),
                             path=str(path), field=f"{where}.phase")
    return str(phase)


def _unique(ids: Iterable[str], path: Path, field: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise CatalogueError(msg("core.catalogue.duplicate_id", id=item), path=str(path), field=field)
        seen.add(item)


def validate(catalogue: Catalogue) -> None:
    # the checks catalogue may cite the objectives of any framework shipped (a new edition adds its own)
    frameworks = list(catalogue.frameworks.values()) or [catalogue.framework]
    objective_ids = {o.id for f in frameworks for o in f.objectives}
    guarantee_ids = {g.id for f in frameworks for g in f.guarantees}
    element_ids = {e.id for f in frameworks for e in f.elements}
    for meta in catalogue.checks.values():
        for kind, cited, known in ((msg("core.catalogue.kind.objectives"), meta.objectives, objective_ids),
                                   (msg("core.catalogue.kind.guarantees"), meta.guarantees, guarantee_ids),
                                   (msg("core.catalogue.kind.elements"), meta.elements, element_ids)):
            unknown = sorted(set(cited) - known)
            if unknown:
                raise CatalogueError(msg("core.catalogue.unknown_refs", check=meta.id, kind=kind,
                                         ids=", ".join(unknown)), path=meta.source_file)
    for framework in frameworks:
        for requirement in framework.requirements:
            unknown = sorted(set(requirement.checks) - set(catalogue.checks))
            if unknown:
                raise CatalogueError(msg("core.catalogue.requirement_unknown_checks", id=requirement.id,
                                         checks=", ".join(unknown)), path=f"{framework.id}.toml")


def load_frameworks(folder: Path) -> dict[str, Framework]:
    """Every framework file of ``checks/frameworks/``, by id: a new edition is a new file."""
    frameworks: dict[str, Framework] = {}
    # the default framework first, then the others by id (the order of listings and of the docs)
    for path in sorted(folder.glob("*.toml"), key=lambda p: (p.stem != FRAMEWORK_ID, p.stem)):
        framework = load_framework(path)
        if framework.id != path.stem:
            raise CatalogueError(msg("core.catalogue.framework_id_mismatch", id=framework.id, file=path.name),
                                 path=str(path), field="id")
        frameworks[framework.id] = framework
    return frameworks


@lru_cache(maxsize=8)
def load(root: Path | None = None, framework_id: str = FRAMEWORK_ID) -> Catalogue:
    """The catalogue read with one framework (a case's ``framework``) and that framework's risk grid."""
    root = root or checks_dir()
    frameworks = load_frameworks(root / "frameworks")
    if framework_id not in frameworks:
        raise CatalogueError(msg("core.catalogue.unknown_framework", id=framework_id,
                                 known=", ".join(sorted(frameworks))), path=str(root / "frameworks"))
    framework = frameworks[framework_id]
    catalogue = Catalogue(
        framework=framework,
        grid=load_grid(root / "risk" / f"{framework.grid}.toml"),
        checks=load_checks(root / "catalogue"),
        frameworks=frameworks,
    )
    validate(catalogue)
    return catalogue
