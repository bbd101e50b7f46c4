"""Verifying a seal: the seal's own integrity, then each source against it.

Without SOURCE arguments each source is read again where the seal says it was: the same
folder, the same ``git:REPO@REVISION`` (so a moved tag or a new commit shows), the same
SSH host pinned to the host key recorded at sealing. A SOURCE argument points one
source elsewhere — a copy, a checkout, another host — positionally or as NAME=SOURCE.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..console import progress
from ..errors import UsageError
from ..i18n import msg, render
from .bundle import Integrity, check_integrity
from .compare import CATEGORIES, Comparison, Difference, compare, precision_for
from .digest import Hasher
from .model import PathProblem
from .sources import NAME_PATTERN, SshOptions, open_source, parse_source


@dataclass
class VerifyReport:
    integrity: Integrity
    checked_at: str
    comparisons: list[Comparison] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    current: dict[str, dict[str, Any]] = field(default_factory=dict)  # each source as found now

    @property
    def differences(self) -> list[Difference]:
        return [d for c in self.comparisons for d in c.differences]

    @property
    def identical(self) -> bool:
        return not self.differences

    def counts(self) -> dict[str, int]:
        counts = {category: 0 for category in CATEGORIES}
        for difference in self.differences:
            for kind in difference.kinds:
                counts[kind] += 1
        return counts

    def to_json(self, limit: int | None = None, lang: str = "en") -> dict[str, Any]:
        """The verification for machines; texts (notes, differences' details) rendered in ``lang``
        beside their codes."""
        header = self.integrity.header
        differences = self.differences
        shown = differences if limit is None else differences[:limit]
        data: dict[str, Any] = {
            "seal": header["name"],
            "folder": str(self.integrity.folder),
            "checked_at": self.checked_at,
            "identical": self.identical,
            "key_fingerprint": self.integrity.fingerprint,
            "key_expected": self.integrity.key_expected,
            "merkle_root": header["merkle"]["root"],
            "created": header["created"],
            "timestamp": self.integrity.timestamp.to_json() if self.integrity.timestamp else None,
            "notes": [render(note, lang) for note in self.integrity.notes],
            "note_codes": [note.to_dict() for note in self.integrity.notes],
            "sources": [
                {
                    "name": c.source,
                    "checked": self.origins.get(c.source, ""),
                    "precision": c.precision,
                    "compared_entries": c.compared_entries,
                    "verified_files": c.verified_files,
                    "verified_bytes": c.verified_bytes,
                    "differences": len(c.differences),
                    "current": self.current.get(c.source, {}),
                }
                for c in self.comparisons
            ],
            "counts": self.counts(),
            "differences": [d.to_json(lang) for d in shown],
        }
        if limit is not None and len(differences) > limit:
            data["differences_truncated"] = len(differences) - limit
        return data


def default_origin(source: dict[str, Any]) -> str:
    kind = source["kind"]
    if kind == "git":
        return (
            f"git:{source['repository']}"
            + (f"/{source['subdir']}" if source.get("subdir") else "")
            + f"@{source['revision']}"
        )
    if kind == "ssh":
        return source["origin"]
    root = source.get("root", source["origin"])
    return os.path.join(root, source["file"]) if kind == "file" and source.get("file") else root


PACKAGE_CHANGES_LISTED = 200


def current_state(sealed: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """What a source says of itself now that the seal may not: working tree, host key, packages."""
    state: dict[str, Any] = {"kind": now.get("kind")}
    for key in ("commit", "tree", "working_tree", "host_key_fingerprint"):
        if key in now:
            state[key] = now[key]
    system = now.get("system")
    if isinstance(system, dict):
        state["uname"] = system.get("uname")
        before = (sealed.get("system") or {}).get("packages") or {}
        after = system.get("packages") or {}
        if after:
            state["packages"] = {"count": after.get("count"), "sha256": after.get("sha256")}
        if before.get("list") is not None and after.get("list") is not None:
            old, new = set(before["list"]), set(after["list"])
            state["packages_changed"] = {
                "added": sorted(new - old)[:PACKAGE_CHANGES_LISTED],
                "removed": sorted(old - new)[:PACKAGE_CHANGES_LISTED],
                "count": len(new ^ old),
            }
    return state


def _assign(sealed: list[dict[str, Any]], overrides: Sequence[str]) -> dict[str, str]:
    """Which SOURCE argument replaces which sealed source."""
    names = [s["name"] for s in sealed]
    explicit: dict[str, str] = {}
    positional: list[str] = []
    for text in overrides:
        head, _, tail = text.partition("=")
        if tail and NAME_PATTERN.match(head) and head in names:
            explicit[head] = tail
        else:
            positional.append(text)
    if positional:
        if explicit or len(positional) != len(names):
            raise UsageError(msg("seal.verify.sources_mismatch", count=len(names), names=", ".join(names)))
        explicit = dict(zip(names, positional, strict=True))
    return explicit


def _counted(items: Iterator[Any], bar: Any, step: int = 256) -> Iterator[Any]:
    """Advance the progress bar every ``step`` items (per item, it would cost more than hashing)."""
    count = 0
    for item in items:
        count += 1
        if count == step:
            bar.advance(count)
            count = 0
        yield item
    bar.advance(count)


def verify_seal(
    folder: Path,
    overrides: Sequence[str] = (),
    *,
    expect_fingerprint: str | None = None,
    tsa_ca_file: Path | None = None,
    ssh: SshOptions | None = None,
    jobs: int | None = None,
    show_progress: bool = True,
    integrity: Integrity | None = None,
) -> VerifyReport:
    """Check the seal (unless ``integrity`` is the result of that check), then every source."""
    if integrity is None:
        integrity = check_integrity(folder, expect_fingerprint=expect_fingerprint, tsa_ca_file=tsa_ca_file)
    header = integrity.header
    chosen = _assign(header["sources"], overrides)
    # the start time: everything compared was read after it (what "verified after the vote" rests on)
    report = VerifyReport(integrity, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    sealed_problems: dict[str, list[PathProblem]] = {}
    for source_name, problem in integrity.problems:
        sealed_problems.setdefault(source_name, []).append(problem)
    with Hasher(jobs) as hasher, progress("verifying", None, enabled=show_progress) as bar:
        for sealed, sealed_entries in integrity.entries_by_source():
            name = sealed["name"]
            text = chosen.get(name) or default_origin(sealed)
            options = ssh or SshOptions()
            if text.startswith("ssh://") and not (options.known_hosts or options.host_key_fingerprint):
                options = SshOptions(
                    host_key_fingerprint=sealed.get("host_key_fingerprint", ""),
                    identity=options.identity,
                    timeout=options.timeout,
                )
            spec = parse_source(text, name=name, excludes=tuple(sealed.get("excludes", ())), ssh=options)
            source = open_source(spec, hasher)
            try:
                comparison = compare(
                    name,
                    sealed_entries,
                    _counted(source.items(), bar),
                    precision_for(sealed["kind"], source.kind),
                    sealed_problems.get(name, []),
                )
                report.current[name] = current_state(sealed, source.info())
            finally:
                source.close()
            report.comparisons.append(comparison)
            report.origins[name] = text
    return report
