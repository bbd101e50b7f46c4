"""The case folder and its ``case.toml``: what the expert declares about the election.

A malformed case must stop every command with a message that names the file and the
field, because the expert fixes it by hand; unknown keys are refused so that a typo never
silently drops a declaration (a misspelt scope would widen nothing, but a misspelt
judgment would vanish from the report).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from pydantic import (AwareDatetime, BaseModel, Field, ValidationError, create_model, field_validator,
                      model_validator)

from . import catalogue as catalogue_mod
from .domain import Section
from .errors import CaseError, CatalogueError
from .journal import CASE_FILE, require_case

JudgmentStatus = Literal["met", "partially_met", "not_met", "not_applicable", "not_assessed"]


class Election(Section):
    name: str = Field(min_length=1)
    organiser: str = Field(min_length=1, description="responsable de traitement")
    provider: str = Field(min_length=1)
    solution: str = ""
    type: str = Field(min_length=1)
    electorate: int = Field(gt=0)
    opens: AwareDatetime
    closes: AwareDatetime
    mixed_paper: bool = False
    description: str = ""

    @model_validator(mode="after")
    def _closing_after_opening(self) -> "Election":
        if self.closes <= self.opens:
            raise ValueError(f"closes ({self.closes.isoformat()}) must be after opens ({self.opens.isoformat()})")
        return self


class Independence(Section):
    security_specialist: bool
    no_interest_in_provider: bool
    no_interest_in_organiser: bool
    vendors_examined: list[str] = Field(default_factory=list)
    statement: str = ""


class Expert(Section):
    name: str = Field(min_length=1)
    organisation: str = ""
    email: str = ""
    independence: Independence


class Risk(Section):
    answers: dict[str, bool] = Field(default_factory=dict)
    chosen_level: int = Field(ge=1, le=3)
    justification: str = ""
    grid_notes: dict[str, str] = Field(default_factory=dict)


class Actor(Section):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    organisation: str = ""
    holds: list[str] = Field(default_factory=list)
    electoral_board: bool = Field(default=False, description="member of the bureau de vote (électronique)")
    provider_staff: bool = Field(default=False, description="works for the voting provider")
    key_parts: int = Field(default=0, ge=0, description="decryption-key parts (trustee keys) this actor holds")


class Judgment(Section):
    status: JudgmentStatus
    rationale: str = ""
    evidence: list[str] = Field(default_factory=list)


class ExpertOpinion(Section):
    """The expert's own overall opinion, reservations and recommendations (the ``[conclusion]``
    section, shown in the report's synthesis); not the conclusion reached on each objective,
    which is :class:`expertise.assess.Conclusion`."""

    opinion: str = ""
    reservations: list[str] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)


class CaseFile(Section):
    """The sections every case has; each domain adds its own (see :func:`case_model`)."""

    schema_version: int = Field(default=1, alias="schema")
    language: Literal["fr", "en"] = "fr"
    election: Election
    expert: Expert
    risk: Risk
    actors: list[Actor] = Field(default_factory=list)
    judgments: dict[str, Judgment] = Field(default_factory=dict)
    conclusion: ExpertOpinion = ExpertOpinion()

    @field_validator("judgments")
    @classmethod
    def _known_objectives(cls, value: dict[str, Judgment]) -> dict[str, Judgment]:
        framework = catalogue_mod.load().framework
        objectives = {o.id for o in framework.objectives}
        known = objectives | {g.id for g in framework.guarantees} | {e.id for e in framework.elements}
        unknown = sorted(set(value) - known)
        if unknown:
            elements = ", ".join(e.id for e in framework.elements)
            raise ValueError(f"unknown objective id(s) {', '.join(unknown)}; objectives are "
                             f"{min(objectives)} … {max(objectives)}, guarantees G1 … G7, elements {elements}")
        return value

    @field_validator("risk")
    @classmethod
    def _known_statements(cls, value: Risk) -> Risk:
        known = {s.id for s in catalogue_mod.load().grid.statements}
        unknown = sorted(set(value.answers) - known)
        if unknown:
            raise ValueError(f"unknown risk-grid statement(s) {', '.join(unknown)}; "
                             f"known are {', '.join(sorted(known))}")
        return value


    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, value: int) -> int:
        if value != 1:
            raise ValueError(f"schema {value} is not one this version of expertise reads (1)")
        return value


@lru_cache(maxsize=1)
def case_model() -> type[CaseFile]:
    """``CaseFile`` with the sections of every domain: the core knows none of their syntax."""
    from .domains import all_domains

    fields: dict[str, Any] = {}
    for domain in all_domains():
        for name, spec in domain.sections.items():
            if name in fields or name in CaseFile.model_fields:
                raise CatalogueError(f"case.toml section [{name}] is claimed twice (domain {domain.name})")
            default = Field(default_factory=spec.default_factory) if spec.default_factory else spec.default
            fields[name] = (spec.model, default)
    return create_model("CaseFile", __base__=CaseFile, **fields)


class Case:
    """A loaded, validated case folder."""

    def __init__(self, root: Path, data: CaseFile) -> None:
        self.root = root
        self.data: Any = data  # a case_model() instance: the domains' sections are its attributes

    def section(self, name: str) -> Any:
        """A domain's section of case.toml (None when the case does not declare it)."""
        return getattr(self.data, name)

    @property
    def file(self) -> Path:
        return self.root / CASE_FILE

    def resolve(self, relative: str) -> Path:
        """Paths in case.toml are relative to the case folder."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.root / path

    @property
    def level(self) -> int:
        return self.data.risk.chosen_level


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


_TOML_TYPES = {
    "int_type": "an integer such as 3", "bool_type": "true or false",
    "string_type": 'a quoted string such as "text"', "float_type": "a number such as 10.0",
    "list_type": 'a list such as ["a", "b"]',
    "datetime_type": "a date and time with its offset, such as 2026-12-01T09:00:00+01:00",
    "dict_type": "a table ([section] or {key = value})", "model_type": "a table ([section] or {key = value})",
}


def _wrong_type(kind: str, value: Any) -> str | None:
    """The TOML way to write what the field expects, when the value has another type."""
    expected = _TOML_TYPES.get(kind)
    if expected is None:
        return None
    found = {bool: "true/false", int: "the integer", float: "the number", str: "the string",
             list: "a list", dict: "a table", date: "the date alone", time: "the time alone",
             datetime: "the date and time"}.get(type(value), type(value).__name__)
    shown = f" {value!r}" if isinstance(value, (bool, int, float, str)) else ""
    if isinstance(value, (date, time)):
        shown = f" {value.isoformat()}"
    hint = ""
    if isinstance(value, str) and kind in ("int_type", "bool_type", "float_type", "datetime_type"):
        hint = " (remove the quotes)"
    elif kind == "list_type" and isinstance(value, (str, int, float, bool)):
        hint = f" (write [{_toml_value(value)}])"
    return f"must be {expected}, not {found}{shown}{hint}"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _is_section(loc: tuple[Any, ...]) -> bool:
    """Whether a missing field is a whole section ([risk], [expert.independence]) rather than a key."""
    model: Any = case_model()
    annotation: Any = None
    for item in loc:
        fields = getattr(model, "model_fields", None)
        if not fields or not isinstance(item, str):
            return False
        info = fields.get(item) or next((f for f in fields.values() if f.alias == item), None)
        if info is None:
            return False
        annotation = info.annotation
        model = annotation
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    wrong = _wrong_type(kind, error.get("input"))
    if wrong:
        return wrong
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "literal_error":
        expected = str((error.get("ctx") or {}).get("expected", "")).replace("'", "")
        return f"must be one of {expected}, not {error.get('input')!r}"
    if kind == "missing" and _is_section(tuple(error.get("loc", ()))):
        name = _field_path(tuple(error["loc"]))
        return f"required section [{name}] is missing (copy it from the template written by `expertise init`)"
    if kind == "timezone_aware":
        return ("time has no time zone; write it with an offset, "
                "e.g. 2026-12-01T09:00:00+01:00")
    if kind == "extra_forbidden":
        return "unknown field (check its spelling against the template written by `expertise init`)"
    if kind == "missing":
        return "required field is missing"
    msg = str(error.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def load_case(case_dir: Path) -> Case:
    root = require_case(Path(case_dir))
    path = root / CASE_FILE
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CaseError(f"cannot read: {exc.strerror}", path=str(path)) from None
    try:
        # a byte order mark is what some editors write at the start of UTF-8: harmless, dropped
        text = content.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        raise CaseError(f"line {line}: bytes that are not UTF-8 ({content[exc.start:exc.start + 1]!r}); "
                        "save the file as UTF-8", path=str(path)) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(f"malformed TOML: {exc}", path=str(path)) from None
    try:
        data = case_model().model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        lines = [f"{_field_path(e['loc']) or '(top level)'}: {_message(e)}" for e in errors]
        first = errors[0]
        raise CaseError("; ".join(lines) if len(lines) > 1 else _message(first), path=str(path),
                        field=None if len(lines) > 1 else (_field_path(first["loc"]) or None)) from None
    return Case(root.resolve(), data)
