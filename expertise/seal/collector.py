"""The seal collector of `expertise audit`: seal each declared component, or verify it.

The first audit of a case seals every component of ``[seal]`` (one seal per component,
journal source ``seal:<name>``); every later audit verifies the component against that
seal, which is how a verification after the vote is made and recorded. To seal a new
version on purpose, run ``expertise seal create --case DIR --name NAME SOURCE``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..case import Case
from .config import SealComponent
from ..console import say
from ..errors import ExpertiseError, UsageError
from ..journal import ResultSet
from ..i18n import Message, msg
from .casework import case_settings, create_in_case, latest_seal_folder, verify_in_case
from .errors import located
from .manifest import MANIFEST, ManifestReader
from .sources import SshOptions, parse_source


def declared(case: Case) -> bool:
    return case.data.seal is not None


def resolve_source(case: Case, text: str) -> str:
    """Paths in case.toml are relative to the case folder, also inside git:PATH[@REV]."""
    if text.startswith("ssh://"):
        return text
    if text.startswith("git:"):
        rest = text[4:]
        if "@" in rest:
            path, rev = rest.rsplit("@", 1)
            if path and rev and (case.resolve(path).exists() or not case.resolve(rest).exists()):
                return f"git:{case.resolve(path)}@{rev}"
        return f"git:{case.resolve(rest)}"
    return str(case.resolve(text))


def _ssh_options(case: Case, component: SealComponent) -> SshOptions:
    return SshOptions(
        known_hosts=str(case.resolve(component.known_hosts)) if component.known_hosts else "",
        host_key_fingerprint=component.host_key_fingerprint,
        identity=str(case.resolve(component.identity)) if component.identity else "",
    )


def _sealed_sources(folder: Path) -> int:
    with ManifestReader(folder / MANIFEST) as reader:
        sources = reader.header().get("sources")
    return len(sources) if isinstance(sources, list) else 0


def collect(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    config = case.data.seal
    assert config is not None
    if not config.components:
        raise UsageError(msg("seal.collect.no_component"), path=str(case.file), field="seal")
    settings = case_settings(case)
    if settings.key_path is None:  # the section's own validation requires a key with components
        raise UsageError(msg("seal.cli.no_key"), path=str(case.file), field="seal.key")
    produced: list[ResultSet] = []
    failures: list[Message] = []
    for index, component in enumerate(config.components):
        field = f"seal.components[{index}].source"
        text = resolve_source(case, component.source)
        local = text[4:].rsplit("@", 1)[0] if text.startswith("git:") else text
        if not text.startswith("ssh://") and not Path(local).exists():
            failures.append(msg("seal.collect.no_source", field=field, name=component.name, source=component.source,
                                resolved=local))
            continue
        spec = parse_source(
            text, name=component.name, excludes=tuple(component.exclude), ssh=_ssh_options(case, component)
        )
        folder = latest_seal_folder(case, component.name)
        try:
            if folder is None:
                say(msg("seal.collect.sealing", name=component.name, source=component.source))
                outcome = create_in_case(case, [spec], settings.key_path, argv, name=component.name,
                                         tsa_url=settings.tsa_url, tsa_ca_file=settings.tsa_ca_file,
                                         show_progress=True)
            else:
                say(msg("seal.collect.verifying", name=component.name,
                        seal=folder.relative_to(case.root).as_posix()))
                overrides = [text] if _sealed_sources(folder) == 1 else []
                outcome = verify_in_case(case, folder, overrides, argv, expect_fingerprint=settings.expected,
                                         tsa_ca_file=settings.tsa_ca_file, ssh=spec.ssh, show_progress=True)
                problem = outcome.broken or outcome.source_error
                if problem is not None:
                    failures.append(msg("seal.collect.not_verified", field=f"seal.components[{index}]",
                                        name=component.name, error=located(problem)))
            produced.append(outcome.result_set)
        except ExpertiseError as exc:
            failures.append(msg("seal.collect.failed", field=field, name=component.name, error=located(exc)))
    if failures:
        raise UsageError(msg("seal.collect.failures", failures=failures), path=str(case.file))
    return produced
