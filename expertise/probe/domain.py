"""The probe domain as the core sees it: ports, TLS, HTTP and SSH of the platform, inside the declared scope."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Sequence

from ..domain import Domain, SectionSpec
from ..i18n import msg
from .cli import command
from .config import Probe, Scope
from .rules import RULES


def _collect(case: Any, argv: Sequence[str]) -> list[Any]:
    from .collector import collect

    return collect(case, argv)


def _demo(case_dir: Path) -> AbstractContextManager[None]:
    from .demo import prepare

    return prepare(case_dir)


DOMAIN = Domain(
    name="probe",
    rules=RULES,
    sections={"scope": SectionSpec(Scope, default_factory=Scope), "probe": SectionSpec(Probe | None)},
    declared=lambda case: case.data.probe is not None,
    collect=_collect,
    command=command,
    report_template="report.html.j2",
    chapter=msg("probe.report.chapter"),
    producer_label=msg("probe.report.producer"),
    chapter_rank=1,
    anchor="platform",
    demo=_demo,
    package=Path(__file__).parent,
)
