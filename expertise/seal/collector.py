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
from ..console import err
from ..errors import ExpertiseError, UsageError
from ..journal import ResultSet
from .casework import create_in_case, expected_key, latest_seal_folder, verify_in_case
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
        raise UsageError("no component declared ([[seal.components]])", path=str(case.file), field="seal")
    key_path = case.resolve(config.key)
    if not key_path.is_file():
        raise UsageError(f"{config.key}: no such key file in the case folder ({key_path}); make one with "
                         f"`expertise seal keygen --out {key_path}`", path=str(case.file), field="seal.key",
                         fr=f"{config.key} : clé introuvable dans le dossier de l’expertise ({key_path}) ; la créer "
                            f"avec `expertise seal keygen --out {key_path}`")
    expected = expected_key(key_path)
    tsa_ca = case.resolve(config.tsa_ca_file) if config.tsa_ca_file else None
    produced: list[ResultSet] = []
    failures: list[str] = []
    failures_fr: list[str] = []
    for index, component in enumerate(config.components):
        field = f"seal.components[{index}].source"
        text = resolve_source(case, component.source)
        local = text[4:].rsplit("@", 1)[0] if text.startswith("git:") else text
        if not text.startswith("ssh://") and not Path(local).exists():
            failures.append(f"{field} ({component.name}): {component.source}: no such file or folder (paths are relative to "
                            f"the case folder: {local})")
            failures_fr.append(f"{field} ({component.name}) : {component.source} : fichier ou dossier introuvable (les chemins sont "
                               f"relatifs au dossier de l’expertise : {local})")
            continue
        spec = parse_source(
            text, name=component.name, excludes=tuple(component.exclude), ssh=_ssh_options(case, component)
        )
        folder = latest_seal_folder(case, component.name)
        try:
            if folder is None:
                err.print(
                    f"seal: sealing {component.name} ({component.source})",
                    markup=False,
                    emoji=False,
                    soft_wrap=True,
                )
                outcome = create_in_case(
                    case,
                    [spec],
                    key_path,
                    argv,
                    name=component.name,
                    tsa_url=config.tsa or None,
                    tsa_ca_file=tsa_ca,
                    show_progress=True,
                )
            else:
                err.print(
                    f"seal: verifying {component.name} against {folder.relative_to(case.root)}",
                    markup=False,
                    emoji=False,
                    soft_wrap=True,
                )
                overrides = [text] if _sealed_sources(folder) == 1 else []
                outcome = verify_in_case(
                    case,
                    folder,
                    overrides,
                    argv,
                    expect_fingerprint=expected,
                    tsa_ca_file=tsa_ca,
                    ssh=spec.ssh,
                    show_progress=True,
                )
                problem = outcome.broken or outcome.source_error
                if problem is not None:
                    failures.append(f"seal.components[{index}] ({component.name}): {problem}")
                    failures_fr.append(f"seal.components[{index}] ({component.name}) : vérification impossible "
                                       f"ou scellé rompu : {problem}")
            produced.append(outcome.result_set)
        except ExpertiseError as exc:
            failures.append(f"{field} ({component.name}): {exc}")
            failures_fr.append(f"{field} ({component.name}) : {exc.render_fr()}")
    if failures:
        raise UsageError("; ".join(failures), path=str(case.file), fr=" ; ".join(failures_fr))
    return produced

