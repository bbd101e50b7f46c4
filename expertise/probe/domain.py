"""The probe domain as the core sees it: ports, TLS, HTTP and SSH of the platform, inside the declared scope."""

from __future__ import annotations

from pathlib import Path

from ..domain import Domain, SectionSpec, deferred
from ..i18n import msg
from .cli import command
from .config import Probe, Scope
from .rules import RULES


DOMAIN = Domain(
    name="probe",
    rules=RULES,
    sections={"scope": SectionSpec(Scope, default_factory=Scope), "probe": SectionSpec(Probe | None)},
    declared=lambda case: case.data.probe is not None,
    collect=deferred(f"{__package__}.collector", "collect"),
    command=command,
    report_template="report.html.j2",
    chapter=msg("probe.report.chapter"),
    producer_label=msg("probe.report.producer"),
    chapter_rank=1,
    anchor="platform",
    demo=deferred(f"{__package__}.demo", "prepare"),
    package=Path(__file__).parent,
)
