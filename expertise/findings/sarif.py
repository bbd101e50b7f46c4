"""SARIF 2.1.0 import: each result of a scanner's file becomes an expert's finding.

The file is read whole and checked before anything is taken from it, so a broken or hostile
file is refused naming the file and the JSON path, and nothing of it is imported half. Only the
part of SARIF the report uses is modelled (runs, tool.driver, rules, results, locations); other
members are allowed, as the standard permits producers to add them.

The file is first checked against the SARIF 2.1.0 JSON schema (``sarif-schema-2.1.0.json``
beside this module, taken unchanged from github.com/oasis-tcs/sarif-spec,
``sarif-2.1/schema/sarif-schema-2.1.0.json`` at commit e0583813964e), with the ``jsonschema``
package and no network (the schema's references are all internal)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft4Validator
from jsonschema.exceptions import best_match
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import UsageError
from ..i18n import msg


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class _Text(_Open):
    text: str = ""
    markdown: str = ""


class _Region(_Open):
    startLine: int | None = Field(default=None, ge=1)


class _ArtifactLocation(_Open):
    uri: str = ""


class _PhysicalLocation(_Open):
    artifactLocation: _ArtifactLocation = _ArtifactLocation()
    region: _Region = _Region()


class _Location(_Open):
    physicalLocation: _PhysicalLocation = _PhysicalLocation()


class _Rule(_Open):
    id: str
    name: str = ""
    shortDescription: _Text = _Text()
    help: _Text = _Text()
    properties: dict[str, Any] = Field(default_factory=dict)


class _Driver(_Open):
    name: str = Field(min_length=1)
    rules: list[_Rule] = Field(default_factory=list)


class _Tool(_Open):
    driver: _Driver


class _Result(_Open):
    ruleId: str = Field(default="", max_length=200)
    ruleIndex: int | None = Field(default=None, ge=0)
    level: Literal["none", "note", "warning", "error"] = "warning"  # SARIF §3.27.10's default
    message: _Text
    locations: list[_Location] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict)


class _Run(_Open):
    tool: _Tool
    results: list[_Result] = Field(default_factory=list)


class SarifLog(_Open):
    version: Literal["2.1.0"]
    runs: list[_Run]


#: SARIF levels → the project's severities (issue 13)
_LEVELS = {"error": "high", "warning": "medium", "note": "low", "none": "info"}


def security_severity(value: Any) -> str | None:
    """GitHub's ``security-severity`` (a CVSS-like score as a string): ≥ 9 critical, ≥ 7 high,
    ≥ 4 medium, > 0 low, else info; None when absent or not a number."""
    try:
        score = float(value)
    except (TypeError, ValueError):
        return None
    if score != score:  # NaN
        return None
    return "critical" if score >= 9 else "high" if score >= 7 else "medium" if score >= 4 \
        else "low" if score > 0 else "info"


def json_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a JSON path: ``$.runs[0].results[2].level``."""
    path = "$"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


#: the schema file committed beside this module
SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")


@lru_cache(maxsize=1)
def _validator() -> Draft4Validator:
    return Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def _short(text: str, limit: int = 300) -> str:
    """A validator's words quote the file: a hostile file's strings are cut, never shown whole."""
    return text if len(text) <= limit else text[:limit] + "…"


def read_sarif(path: Path, shown: str) -> SarifLog:
    """The file checked whole; ``shown`` is its name as the case writes it (for the errors)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(msg("findings.sarif.unreadable", error=exc.strerror or str(exc)), path=shown) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(msg("findings.sarif.not_utf8"), path=shown) from None
    except json.JSONDecodeError as exc:
        raise UsageError(msg("findings.sarif.bad_json", line=exc.lineno, column=exc.colno, error=exc.msg),
                         path=shown) from None
    except RecursionError:
        raise UsageError(msg("findings.sarif.too_deep"), path=shown) from None
    error = best_match(_validator().iter_errors(data))
    if error is not None:
        where = json_path(tuple(error.absolute_path))
        raise UsageError(msg("findings.sarif.invalid", error=_short(error.message)), path=shown, field=where)
    try:
        return SarifLog.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UsageError(msg("findings.sarif.invalid", error=_short(first["msg"])), path=shown,
                         field=json_path(tuple(first["loc"]))) from None


def sarif_findings(log: SarifLog, shown: str) -> list[dict[str, Any]]:
    """Each result as the fields of an :class:`~expertise.findings.model.ExpertFinding`
    (``source`` "tool import"); the file's name is the evidence's first line."""
    found: list[dict[str, Any]] = []
    for run in log.runs:
        tool = run.tool.driver.name
        rules = {rule.id: rule for rule in run.tool.driver.rules}
        for index, result in enumerate(run.results):
            rule = rules.get(result.ruleId)
            if rule is None and result.ruleIndex is not None and result.ruleIndex < len(run.tool.driver.rules):
                rule = run.tool.driver.rules[result.ruleIndex]
            rule_id = result.ruleId or (rule.id if rule else f"result-{index + 1}")
            severity = (security_severity(result.properties.get("security-severity"))
                        or security_severity(rule.properties.get("security-severity") if rule else None)
                        or _LEVELS[result.level])
            lines = [f"{loc.physicalLocation.artifactLocation.uri}"
                     + (f":{loc.physicalLocation.region.startLine}" if loc.physicalLocation.region.startLine else "")
                     for loc in result.locations if loc.physicalLocation.artifactLocation.uri]
            title = (rule.shortDescription.text if rule and rule.shortDescription.text else
                     (rule.name if rule and rule.name else rule_id))
            found.append({
                "id": f"{tool}/{rule_id}", "title": title, "severity": severity,
                "description": result.message.text or result.message.markdown,
                "locations": lines,
                "recommendation": (rule.help.markdown or rule.help.text) if rule else "",
                "tool": tool,
            })
    return found
