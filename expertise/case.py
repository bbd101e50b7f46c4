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
from typing import Any, Literal, Mapping

from pydantic import (AwareDatetime, BaseModel, Field, ValidationError, ValidationInfo, create_model,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError

from . import catalogue as catalogue_mod
from .domain import Section
from .errors import CaseError, CatalogueError
from .findings.model import ExpertFinding, FindingsSection, Pentest
from .i18n import Arg, Message, has_text, msg, render
from .journal import CASE_FILE, require_case
from .report.sections import FreeSections
from .report.timeline import MissionEvent

def invalid(message: Message) -> PydanticCustomError:
    """A validator's refusal of a ``case.toml`` value, as a message: ``raise invalid(msg("case.…", …))``.

    Pydantic keeps the message code as the error's type and its arguments as the error's context,
    so that :func:`load_case` turns this error, like pydantic's own, into a message in the
    console's language; pydantic's own rendering (``str(exc)``) gets the English text."""
    return PydanticCustomError(message.code, render(message, "en").replace("{", "{{").replace("}", "}}"),
                               dict(message.args))


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
    mixed_paper: bool | None = None  # None: unanswered (REG-004 cannot tell whether paper votes count)
    description: str = ""
    timezone: str = Field(default="", description="IANA zone of the election's local times (e.g. Europe/Paris): "
                          "how registers without a UTC offset are read; never the machine's")

    @model_validator(mode="after")
    def _closing_after_opening(self) -> "Election":
        if self.closes <= self.opens:
            raise invalid(msg("case.toml.closes_before_opens", closes=self.closes.isoformat(),
                              opens=self.opens.isoformat()))
        return self


class Independence(Section):
    """The expert's declaration of the recommendation's criteria. ``None`` is unanswered: the
    template leaves every criterion for the expert to write, so that nothing is declared for them
    (see :func:`unanswered_declarations`)."""

    security_specialist: bool | None = None
    no_interest_in_provider: bool | None = None
    no_interest_in_organiser: bool | None = None
    vendors_examined: list[str] | None = None
    statement: str = ""


class Expert(Section):
    name: str | None = Field(default=None, min_length=1)  # None: unanswered
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


# --- answers to the frameworks' questions (docs/requirements.md) ---
AnswerValue = Literal["yes", "no", "not applicable", "not assessed"]


class Answer(Section):
    """The expert's answer to one requirement's question (``[answers."<requirement id>"]``)."""

    answer: AnswerValue
    rationale: str = ""
    evidence: list[str] = Field(default_factory=list)


RecipientRole = Literal["organiser", "provider", "other"]


class Recipient(Section):
    """Someone the report is delivered to: the recommendation requires the organiser and the
    providers (« remis au responsable de traitement … ainsi qu'aux prestataires »)."""

    name: str = Field(min_length=1)
    role: RecipientRole


class ReportDelivery(Section):
    """To whom the report goes, and the closing block the expert signs (``[report]``). Nothing is
    filled in for the expert: an unanswered place or quality is a blank line to complete by hand."""

    recipients: list[Recipient] = Field(default_factory=list)
    place: str | None = Field(default=None, min_length=1)  # « Fait à … »
    quality: str | None = Field(default=None, min_length=1)  # the signer's quality
    documents: str = ""  # a folder of the case holding the documents received, listed with their SHA-256
    # the expert's free sections (Markdown files) and dated events of the mission (expertise/report/sections.py, timeline.py)
    sections: FreeSections = FreeSections()
    events: list[MissionEvent] = Field(default_factory=list)
    signature: "ReportSignature | None" = None  # [report.signature]: PAdES signature of report.pdf


class ReportSignature(Section):
    """The expert's X.509 certificate to sign report.pdf with (PAdES, expertise/report/signature.py).
    The passphrase is never here: ``passphrase_env`` names an environment variable, or
    ``passphrase_file`` a file outside the case, or the expert is asked."""

    pkcs12: str = Field(min_length=1)  # relative to the case folder
    passphrase_env: str | None = Field(default=None, min_length=1)
    passphrase_file: str | None = Field(default=None, min_length=1)
    tsa_url: str | None = Field(default=None, min_length=1)  # RFC 3161: B-LT instead of B-B
    reason: str | None = Field(default=None, min_length=1)
    location: str | None = Field(default=None, min_length=1)  # default: [report] place
    trust: str | None = Field(default=None, min_length=1)  # CA certificates (PEM) to gather B-LT validation data


def documents_received(case: "Case") -> list[Path]:
    """The files of ``[report] documents`` (hidden files aside), in a stable order: the documents the
    organiser and the providers handed over, each bound by its hash to the report that lists it."""
    folder = case.data.report.documents
    if not folder:
        return []
    root = case.resolve(folder)
    if not root.is_dir():
        raise CaseError(msg("case.report.no_documents", folder=folder), path=str(case.file), field="report.documents")
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))


def recipient_problems(case: "Case") -> list[Message]:
    """What the distribution list lacks: the organiser, a provider (both required)."""
    roles = {r.role for r in case.data.report.recipients}
    return [problem for role, problem in (("organiser", msg("report.recipients.no_organiser")),
                                          ("provider", msg("report.recipients.no_provider")))
            if role not in roles]


class ExpertOpinion(Section):
    """The expert's own overall opinion, reservations and recommendations (the ``[conclusion]``
    section, shown in the report's synthesis); not the conclusion reached on each objective,
    which is :class:`expertise.assess.Conclusion`."""

    opinion: str = ""
    reservations: list[str] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)


def _catalogue_for(info: ValidationInfo) -> catalogue_mod.Catalogue:
    """The catalogue read with the case's framework: its objectives and risk grid."""
    return catalogue_mod.load(framework_id=info.data.get("framework", catalogue_mod.FRAMEWORK_ID))


class CaseFile(Section):
    """The sections every case has; each domain adds its own (see :func:`case_model`)."""

    schema_version: int = Field(default=1, alias="schema")
    language: Literal["fr", "en"] = "fr"
    # the framework is validated first: the judgments, risk and answers below are read against it
    framework: str = catalogue_mod.FRAMEWORK_ID
    related_frameworks: list[str] = Field(default_factory=list)
    answers: dict[str, Answer] = Field(default_factory=dict)
    election: Election
    expert: Expert
    risk: Risk
    actors: list[Actor] = Field(default_factory=list)
    judgments: dict[str, Judgment] = Field(default_factory=dict)
    conclusion: ExpertOpinion = ExpertOpinion()
    report: ReportDelivery = ReportDelivery()
    # --- the expert's own findings (issue 13; expertise/findings) ---
    finding: list[ExpertFinding] = Field(default_factory=list)
    findings: FindingsSection = FindingsSection()
    pentest: list[Pentest] = Field(default_factory=list)

    @field_validator("judgments")
    @classmethod
    def _known_objectives(cls, value: dict[str, Judgment], info: ValidationInfo) -> dict[str, Judgment]:
        framework = _catalogue_for(info).framework
        objectives = {o.id for o in framework.objectives}
        known = objectives | {g.id for g in framework.guarantees} | {e.id for e in framework.elements}
        unknown = sorted(set(value) - known)
        if unknown:
            raise invalid(msg("case.toml.unknown_objectives", count=len(unknown), ids=list(unknown),
                              first=min(objectives), last=max(objectives),
                              elements=", ".join(e.id for e in framework.elements)))
        return value

    @field_validator("risk")
    @classmethod
    def _known_statements(cls, value: Risk, info: ValidationInfo) -> Risk:
        known = {s.id for s in _catalogue_for(info).grid.statements}
        unknown = sorted(set(value.answers) - known)
        if unknown:
            raise invalid(msg("case.toml.unknown_statements", count=len(unknown), ids=list(unknown),
                              known=", ".join(sorted(known))))
        return value


    @field_validator("framework")
    @classmethod
    def _known_framework(cls, value: str) -> str:
        known = catalogue_mod.load().frameworks
        if value not in known:
            raise invalid(msg("case.toml.unknown_framework", framework=value, known=", ".join(sorted(known))))
        return value

    @field_validator("related_frameworks")
    @classmethod
    def _known_related(cls, value: list[str]) -> list[str]:
        known = catalogue_mod.load().frameworks
        unknown = [fid for fid in value if fid not in known]
        if unknown:
            raise invalid(msg("case.toml.unknown_framework", framework=", ".join(unknown),
                              known=", ".join(sorted(known))))
        return value

    @field_validator("answers")
    @classmethod
    def _known_requirements(cls, value: dict[str, Answer], info: ValidationInfo) -> dict[str, Answer]:
        named = [info.data.get("framework", catalogue_mod.FRAMEWORK_ID), *info.data.get("related_frameworks", [])]
        catalogue = catalogue_mod.load()
        known = {r.id for f in catalogue.requirement_frameworks(named) for r in f.requirements}
        unknown = sorted(set(value) - known)
        if unknown:
            raise invalid(msg("case.toml.unknown_requirements", count=len(unknown), ids=list(unknown),
                              frameworks=", ".join(named)))
        return value

    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, value: int) -> int:
        if value != 1:
            raise invalid(msg("case.toml.unknown_schema", schema=str(value), supported="1"))
        return value


# --- several ballot boxes per case (issue 13) ---
class BoxBase(Section):
    """One ballot box of a case with several (``[[box]]``): a college × titulaires/suppléants of a CSE
    election has its own board and registers. The per-box sections of the domains (``board``,
    ``registers``) are added by :func:`case_model`; what is not given here is the ``[election]``'s."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$", description="short, unique, part of file names")
    name: str = Field(min_length=1, description="shown in the report")
    electorate: int | None = Field(default=None, gt=0)
    opens: AwareDatetime | None = None
    closes: AwareDatetime | None = None


def _boxes_valid(value: list[Any], info: ValidationInfo) -> list[Any]:
    """Refuse two boxes with one id, and a case that mixes ``[board]``/``[registers]`` with ``[[box]]``
    (which of the two would the report show?)."""
    seen: set[str] = set()
    for box in value:
        if box.id in seen:
            raise invalid(msg("case.toml.box.duplicate_id", id=box.id))
        seen.add(box.id)
        election = info.data.get("election")
        opens = box.opens or getattr(election, "opens", None)
        closes = box.closes or getattr(election, "closes", None)
        if opens is not None and closes is not None and closes <= opens:
            raise invalid(msg("case.toml.closes_before_opens", closes=closes.isoformat(), opens=opens.isoformat()))
    if value:
        mixed = sorted(name for name, spec in _per_box_sections().items() if info.data.get(name) is not None)
        if mixed:
            raise invalid(msg("case.toml.box.mixed", sections=", ".join(f"[{name}]" for name in mixed)))
    return value


def _per_box_sections() -> dict[str, Any]:
    from .domains import all_domains

    return {name: spec for domain in all_domains() for name, spec in domain.sections.items() if spec.per_box}


@lru_cache(maxsize=1)
def box_model() -> type[BoxBase]:
    """``BoxBase`` with the domains' per-box sections (each optional in a box)."""
    fields: dict[str, Any] = {name: (spec.model, None) for name, spec in _per_box_sections().items()}
    return create_model("Box", __base__=BoxBase, **fields)


@lru_cache(maxsize=1)
def case_model() -> type[CaseFile]:
    """``CaseFile`` with the sections of every domain: the core knows none of their syntax."""
    from .domains import all_domains

    fields: dict[str, Any] = {}
    for domain in all_domains():
        for name, spec in domain.sections.items():
            if name in fields or name in CaseFile.model_fields:
                raise CatalogueError(msg("case.model.section_claimed_twice", section=name, domain=domain.name))
            default = Field(default_factory=spec.default_factory) if spec.default_factory else spec.default
            fields[name] = (spec.model, default)
    fields["box"] = (list[box_model()], Field(default_factory=list))  # type: ignore[misc]  # after the sections it excludes
    return create_model("CaseFile", __base__=CaseFile, **fields,
                        __validators__={"_boxes": field_validator("box")(_boxes_valid)})


class Case:
    """A loaded, validated case folder."""

    def __init__(self, root: Path, data: CaseFile, box: BoxBase | None = None) -> None:
        self.root = root
        self.data: Any = data  # a case_model() instance: the domains' sections are its attributes
        self.box = box  # the ballot box this view reads (None: a case without [[box]])

    @property
    def box_id(self) -> str:
        """The id of the ballot box this view reads ("" for a case of one implicit box)."""
        return self.box.id if self.box is not None else ""

    def boxes(self) -> list["Case"]:
        """The case as each of its ballot boxes sees it: its board and registers in place of the
        case's, its electorate and opening/closing over the ``[election]``'s, so that every per-box
        collector reads a box as it reads a case of one box. A case without ``[[box]]`` is its own
        one box."""
        declared = getattr(self.data, "box", [])
        if not declared:
            return [self]
        views = []
        for box in declared:
            election = self.data.election.model_copy(update={
                key: value for key, value in (("electorate", box.electorate), ("opens", box.opens),
                                              ("closes", box.closes)) if value is not None})
            update = {name: getattr(box, name) for name in _per_box_sections()}
            views.append(Case(self.root, self.data.model_copy(update={**update, "election": election, "box": []}), box))
        return views

    def for_box(self, box_id: str) -> "Case":
        """The view of one ballot box (``--box ID``); an unknown id is refused, naming the known ones."""
        for view in self.boxes():
            if view.box_id == box_id:
                return view
        known = [view.box_id for view in self.boxes() if view.box_id]
        raise CaseError(msg("case.box.unknown", id=box_id, known=", ".join(known) or "-"),
                        path=str(self.file), field="box")

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

    def file_inside(self, ref: str, field: str) -> Path:
        """The file ``ref`` names, which must lie in the case folder (a relative path without "..")
        so that the journal and the archive bind it; exit 2 naming case.toml and ``field`` otherwise."""
        path = self.root / ref
        inside = not Path(ref).is_absolute() and ".." not in Path(ref).parts
        if not inside or not path.is_file():
            raise CaseError(msg("case.file_not_in_case", ref=ref), path=str(self.file), field=field)
        return path

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


# What a field expects, the TOML way to write it, by pydantic's error type.
_EXPECTED = {
    "int_type": msg("case.toml.expected.integer"),
    "bool_type": msg("case.toml.expected.boolean"),
    "string_type": msg("case.toml.expected.string"),
    "float_type": msg("case.toml.expected.number"),
    "list_type": msg("case.toml.expected.list"),
    "datetime_type": msg("case.toml.expected.datetime"),
    "dict_type": msg("case.toml.expected.table"),
    "model_type": msg("case.toml.expected.table"),
}


def _found(value: Any) -> Message:
    """What the file holds instead, and its value as TOML shows it."""
    if isinstance(value, bool):
        return msg("case.toml.found.boolean", value=_toml_value(value))
    if isinstance(value, int):
        return msg("case.toml.found.integer", value=str(value))
    if isinstance(value, float):
        return msg("case.toml.found.number", value=str(value))
    if isinstance(value, str):
        return msg("case.toml.found.string", value=repr(value))
    if isinstance(value, list):
        return msg("case.toml.found.list")
    if isinstance(value, dict):
        return msg("case.toml.found.table")
    if isinstance(value, datetime):
        return msg("case.toml.found.datetime", value=value.isoformat())
    if isinstance(value, date):
        return msg("case.toml.found.date", value=value.isoformat())
    if isinstance(value, time):
        return msg("case.toml.found.time", value=value.isoformat())
    return msg("case.toml.found.other", type=type(value).__name__)


def _wrong_type(kind: str, value: Any) -> Message | None:
    """The TOML way to write what the field expects, when the value has another type."""
    expected = _EXPECTED.get(kind)
    if expected is None:
        return None
    if isinstance(value, str) and kind in ("int_type", "bool_type", "float_type", "datetime_type"):
        return msg("case.toml.wrong_type_hint", expected=expected, found=_found(value),
                   hint=msg("case.toml.hint.remove_quotes"))
    if kind == "list_type" and isinstance(value, (str, int, float, bool)):
        return msg("case.toml.wrong_type_hint", expected=expected, found=_found(value),
                   hint=msg("case.toml.hint.write_list", value=_toml_value(value)))
    return msg("case.toml.wrong_type", expected=expected, found=_found(value))


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


def _data(value: Any) -> Arg:
    """A pydantic context value as a message argument."""
    if isinstance(value, (str, int, float, bool, Message, list, tuple)) or value is None:
        return value  # type: ignore[no-any-return]
    return str(value)


def validation_message(error: Mapping[str, Any]) -> Message:
    """One validation error as a message: a validator's own (its type is the code, see
    :func:`invalid`), or pydantic's, worded for someone who writes TOML."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if has_text(kind, "en"):  # raised by invalid(): the error type is the message code
        return Message(kind, {name: _data(value) for name, value in ctx.items()})
    wrong = _wrong_type(kind, error.get("input"))
    if wrong is not None:
        return wrong
    if kind == "string_too_short":
        return msg("case.toml.empty")
    if kind == "too_short":
        return msg("case.toml.too_few", count=int(ctx.get("min_length", 1)))
    if kind == "literal_error":
        choices = ", ".join(f'"{c}"' for c in _literal_choices(str(ctx.get("expected", ""))))
        return msg("case.toml.one_of", choices=choices, value=_toml_value(error.get("input")))
    if kind == "missing" and _is_section(tuple(error.get("loc", ()))):
        return msg("case.toml.missing_section", section=_field_path(tuple(error["loc"])))
    if kind == "missing":
        return msg("case.toml.missing_field")
    if kind == "timezone_aware":
        return msg("case.toml.no_time_zone")
    if kind == "extra_forbidden":
        return msg("case.toml.unknown_field")
    if kind == "less_than_equal":
        return msg("case.toml.at_most", limit=str(ctx.get("le", "")))
    if kind == "greater_than_equal":
        return msg("case.toml.at_least", limit=str(ctx.get("ge", "")))
    if kind == "less_than":
        return msg("case.toml.below", limit=str(ctx.get("lt", "")))
    if kind == "greater_than":
        return msg("case.toml.above", limit=str(ctx.get("gt", "")))
    if kind == "string_pattern_mismatch":
        return msg("case.toml.pattern", pattern=str(ctx.get("pattern", "")))
    # any other refusal: pydantic's own (English) words, quoted as a tool's diagnostic
    return msg("case.toml.invalid", detail=str(error.get("msg", "")).removeprefix("Value error, "))


def _literal_choices(expected: str) -> list[str]:
    """``'met', 'partially_met' or 'not_met'`` (pydantic's ``expected``) as the values."""
    return [part.strip().strip("'") for part in expected.replace(" or ", ", ").split(", ") if part.strip()]


def load_case(case_dir: Path) -> Case:
    root = require_case(Path(case_dir))
    path = root / CASE_FILE
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CaseError(msg("case.toml.unreadable", error=str(exc.strerror)), path=str(path)) from None
    try:
        # a byte order mark is what some editors write at the start of UTF-8: harmless, dropped
        text = content.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        raise CaseError(msg("case.toml.not_utf8", line=line, byte=repr(content[exc.start:exc.start + 1])),
                        path=str(path)) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(msg("case.toml.malformed", error=str(exc)), path=str(path)) from None
    try:
        data = case_model().model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        if len(errors) == 1:
            raise CaseError(validation_message(errors[0]), path=str(path), field=_field_path(errors[0]["loc"]) or None) from None
        each = [msg("case.toml.at_field", field=_field_path(e["loc"]), problem=validation_message(e)) if e["loc"]
                else msg("case.toml.at_top", problem=validation_message(e)) for e in errors]
        listed = each[-1]
        for problem in reversed(each[:-1]):  # one after the other, as the language separates sentences
            listed = msg("case.toml.then", first=problem, rest=listed)
        raise CaseError(msg("case.toml.several", count=len(each), problems=listed), path=str(path)) from None
    return Case(root.resolve(), data)


def one_box(case: Case, box_id: str | None) -> Case:
    """The ballot box a command that reads one (``--box ID``) works on: the case itself when it has
    no ``[[box]]``; with several, ``--box`` is required (which box would the results be about?)."""
    if box_id is not None:
        return case.for_box(box_id)
    views = case.boxes()
    if len(views) == 1:
        return views[0]
    raise CaseError(msg("case.box.required", known=", ".join(view.box_id for view in views)),
                    path=str(case.file), field="--box")


# --- the declarations the expert has not answered yet ---

# What each declaration states, by its case.toml path: the expert's identity and the
# recommendation's independence criteria, which a signed report states in the expert's name.
_DECLARATIONS = {
    "expert.name": msg("case.declaration.name"),
    "expert.independence.security_specialist": msg("case.criterion.security_specialist"),
    "expert.independence.no_interest_in_provider": msg("case.criterion.no_interest_in_provider"),
    "expert.independence.no_interest_in_organiser": msg("case.criterion.no_interest_in_organiser"),
    "expert.independence.vendors_examined": msg("case.declaration.vendors_examined"),
}

# Names earlier templates wrote for the expert (and the ellipsis a placeholder may keep): a case
# that still holds one has not been signed by anyone.
_TEMPLATE_NAMES = frozenset({"prénom nom", "prenom nom", "first name last name", "firstname lastname", "…", "..."})


def is_template_name(name: str) -> bool:
    """A placeholder a template wrote for the expert's name, not anyone's name."""
    return " ".join(name.split()).casefold() in _TEMPLATE_NAMES


def unanswered_declarations(case: Case) -> list[Message]:
    """Each declaration of the expert still unanswered or at a template's value, named by its field.

    Nothing is declared on the expert's behalf: ``expertise init`` leaves these out, ``assess``
    says which remain, ``audit`` and ``report`` refuse to write a report stating them."""
    expert = case.data.expert
    values: dict[str, Any] = {"expert.name": expert.name}
    values.update({f"expert.independence.{name}": getattr(expert.independence, name)
                   for name in ("security_specialist", "no_interest_in_provider", "no_interest_in_organiser",
                                "vendors_examined")})
    found: list[Message] = []
    for field, what in _DECLARATIONS.items():
        value = values[field]
        if value is None:
            found.append(msg("case.declaration.unanswered", field=field, what=what))
        elif field == "expert.name" and is_template_name(str(value)):
            found.append(msg("case.declaration.template_value", field=field, what=what, value=str(value)))
    return found


def require_declarations(case: Case) -> None:
    """Refuse (exit 2) a report whose expert's identity or independence is not declared yet."""
    missing = unanswered_declarations(case)
    if missing:
        raise CaseError(msg("case.declaration.refused", count=len(missing), fields=list(missing)),
                        path=str(case.file))
