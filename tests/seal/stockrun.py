"""Run the stock verification steps of a seal exactly as VERIFY.md prints them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from expertise.seal.bundle import TSA_CA, TOKEN
from expertise.seal.manifest import ManifestReader
from expertise.seal.verifydoc import steps


def seal_steps(seal: Path):  # type: ignore[no-untyped-def]
    with ManifestReader(seal / "manifest.json") as reader:
        header = reader.header()
    return steps(header, has_timestamp=(seal / TOKEN).is_file(), has_tsa_ca=(seal / TSA_CA).is_file())


def run_step(step, seal: Path, scratch: Path) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """One step's commands as one bash script; /tmp/ paths moved into the test's scratch folder."""
    script = "set -eo pipefail\n" + re.sub(
        r"/tmp/(?=verif-|now\.txt|sealed\.txt)", f"{scratch}/", "\n".join(step.commands)
    )
    return subprocess.run(
        ["bash", "-c", script],
        cwd=seal,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PATH": f"{scratch}/bin:/usr/local/bin:/usr/bin:/bin",
            "SEAL": str(seal),
            "LC_ALL": "C.UTF-8",
            "HOME": str(scratch),
        },
    )


def run_all_steps(seal: Path, scratch: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Run every step; fail on the first that fails. Returns each step's output."""
    scratch.mkdir(parents=True, exist_ok=True)
    outputs = {}
    for step in seal_steps(seal):
        if step.id in skip or (step.id == "added" and shutil.which("jq") is None):
            continue
        done = run_step(step, seal, scratch)
        assert done.returncode == 0, f"step {step.id} failed:\n{done.stdout}\n{done.stderr}"
        outputs[step.id] = done.stdout + done.stderr
    return outputs


def manifest(seal: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((seal / "manifest.json").read_text(encoding="utf-8"))
