"""Hostile or broken input: each case named, nothing skipped silently, nothing verified unread.

Unreadable paths: the tests run as root, and root reads everything (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH). `setpriv` (util-linux) runs the real command as root *without*
those two capabilities, so mode-000 files and folders really are unreadable to it while
the interpreter and the repository stay readable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from expertise.i18n import render

from expertise.seal import sshsig
from expertise.seal.create import create_seal
from expertise.seal.errors import SealBroken
from expertise.seal.keys import load_private
from expertise.seal.sources import local, parse_source
from expertise.seal.verify import verify_seal

from .stockrun import manifest

REPO = Path(__file__).resolve().parents[2]
NO_DAC = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
    "--",
]


def run_without_dac(*args: object) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), EXPERTISE_OPERATOR="test-operator", COLUMNS="500")
    return subprocess.run(
        [*NO_DAC, sys.executable, "-m", "expertise", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def locked_tree(tmp_path: Path) -> Path:
    root = tmp_path / "locked"
    (root / "private").mkdir(parents=True)
    (root / "ok.txt").write_text("readable\n")
    (root / "secret.key").write_text("unreadable\n")
    (root / "secret.key").chmod(0o000)
    (root / "private" / "inside.txt").write_text("hidden by its folder\n")
    (root / "private").chmod(0o000)
    yield root
    (root / "private").chmod(0o755)


def test_setpriv_really_drops_read_rights(locked_tree: Path) -> None:
    """Guard: without this, the next tests would prove nothing."""
    done = subprocess.run([*NO_DAC, "cat", str(locked_tree / "secret.key")], capture_output=True)
    assert done.returncode != 0 and b"Permission denied" in done.stderr


def test_unreadable_paths_are_named_and_left_out(
    expert_key, locked_tree: Path, tmp_path: Path, run_cli
) -> None:
    seal = tmp_path / "seal"
    done = run_without_dac("seal", "create", "--key", expert_key.path, "--out", seal, locked_tree)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not sealed: locked: secret.key: unreadable: cannot be opened: Permission denied" in done.stderr
    assert "not sealed: locked: private: unlistable-directory" in done.stderr
    assert "INCOMPLETE" in done.stderr
    data = manifest(seal)
    assert {(p["path"], p["kind"]) for p in data["problems"]} == {
        ("secret.key", "unreadable"),
        ("private", "unlistable-directory"),
    }
    assert [e["path"] for e in data["entries"] if e["type"] == "file"] == ["ok.txt"]
    assert b"secret.key" not in (seal / "SHA256SUMS").read_bytes()
    # later, with every right: the paths that were never sealed are reported, never "identical"
    (locked_tree / "private").chmod(0o755)
    (locked_tree / "secret.key").chmod(0o644)
    verified = run_cli("seal", "verify", seal, "--json")
    assert verified.returncode == 1
    report = json.loads(verified.stdout)
    assert {(d["path"], tuple(d["kinds"])) for d in report["differences"]} == {
        ("secret.key", ("unsealed",)),
        ("private", ("unsealed",)),
        ("private", ("mode-changed",)),
    }  # 0000 when sealed, 0755 now: a real change
    assert report["sources"][0]["verified_files"] == 1


def test_a_sealed_file_unreadable_at_verification_is_not_verified(
    expert_key, tmp_path: Path, run_cli
) -> None:
    root = tmp_path / "tree"
    (root / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "sub/c.txt"):
        (root / name).write_text(name)
    seal = tmp_path / "seal"
    assert run_cli("seal", "create", "--key", expert_key.path, "--out", seal, root).returncode == 0
    (root / "b.txt").chmod(0o000)
    (root / "sub").chmod(0o000)
    try:
        done = run_without_dac("seal", "verify", seal, "--json")
    finally:
        (root / "sub").chmod(0o755)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert {d["path"]: d["kinds"] for d in report["differences"]} == {
        "b.txt": ["not-verified"],
        "sub/c.txt": ["not-verified"],
        "sub": ["mode-changed"],
    }  # the folder itself was readable: 0755 when sealed, 0000 now
    assert report["sources"][0]["verified_files"] == 1  # a.txt only
    assert not report["identical"]


def test_file_vanishing_between_listing_and_examination(
    expert_key, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    for name in ("keep.txt", "gone.txt", "zz.txt"):
        (root / name).write_text(name)
    real_scandir = os.scandir

    class Listing:
        """The folder's real listing, after which one file is really deleted."""

        def __init__(self, path):  # type: ignore[no-untyped-def]
            with real_scandir(path) as entries:
                self.entries = list(entries)
            if os.fsencode(path) == os.fsencode(root):
                os.unlink(root / "gone.txt")

        def __enter__(self):  # type: ignore[no-untyped-def]
            return iter(self.entries)

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setattr(local.os, "scandir", Listing)
    created = create_seal(
        [parse_source(str(root))],
        load_private(expert_key.path),
        tmp_path / "seal",
        jobs=1,
        show_progress=False,
    )
    monkeypatch.undo()
    assert [(p.path, p.kind) for _, p in created.problems] == [(b"gone.txt", "vanished")]
    assert not created.complete
    assert [e["path"] for e in manifest(tmp_path / "seal")["entries"]] == ["keep.txt", "zz.txt"]


def test_file_vanishing_between_examination_and_read(
    expert_key, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "tree"
    (root / "dir").mkdir(parents=True)
    for name in ("a.txt", "dir/b.txt", "dir/c.txt"):
        (root / name).write_text(name)
    original = local.LocalSource._children

    def children_then_delete(self, rel):  # type: ignore[no-untyped-def]
        listed = original(self, rel)
        if rel == b"dir":
            os.unlink(root / "dir" / "b.txt")  # listed and examined, gone before it is read
            shutil.rmtree(root / "dir" / "c.txt", ignore_errors=True)
            (root / "dir" / "c.txt").unlink(missing_ok=True)
        return listed

    monkeypatch.setattr(local.LocalSource, "_children", children_then_delete)
    created = create_seal(
        [parse_source(str(root))],
        load_private(expert_key.path),
        tmp_path / "seal",
        jobs=1,
        show_progress=False,
    )
    assert sorted((p.path, p.kind) for _, p in created.problems) == [
        (b"dir/b.txt", "vanished"),
        (b"dir/c.txt", "vanished"),
    ]
    assert all("not sealed" in str(p.message) for _, p in created.problems)


@pytest.fixture
def good_seal(expert_key, tmp_path: Path, run_cli) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path / "tree"
    root.mkdir()
    for index in range(5):
        (root / f"file{index}.txt").write_text(f"content {index}\n")
    seal = tmp_path / "seal"
    assert run_cli("seal", "create", "--key", expert_key.path, "--out", seal, root).returncode == 0
    return seal


def _broken(run_cli, seal: Path, *args: object) -> str:  # type: ignore[no-untyped-def]
    done = run_cli("seal", "verify", seal, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "IDENTICAL" not in done.stdout
    return done.stderr


def _resign(seal: Path, key_path: Path, name: str = "SHA256SUMS") -> None:
    key = load_private(key_path)
    (seal / f"{name}.sig").write_text(sshsig.sign_file(key, seal / name, "expertise-seal"))
    if name == "SHA256SUMS":
        (seal / "SHA256SUMS.ed25519").write_bytes(key.sign((seal / name).read_bytes()))


def test_broken_seal_with_json_still_answers_on_stdout(run_cli, good_seal: Path) -> None:  # type: ignore[no-untyped-def]
    (good_seal / "SHA256SUMS").write_bytes((good_seal / "SHA256SUMS").read_bytes()[:-10])
    done = run_cli("seal", "verify", good_seal, "--json")
    assert done.returncode == 2 and "error:" in done.stderr
    answer = json.loads(done.stdout)
    assert answer["identical"] is False and "SHA256SUMS" in answer["broken"]


def test_truncated_sha256sums(run_cli, good_seal: Path, expert_key) -> None:  # type: ignore[no-untyped-def]
    data = (good_seal / "SHA256SUMS").read_bytes()
    (good_seal / "SHA256SUMS").write_bytes(data[: len(data) // 2])
    message = _broken(run_cli, good_seal)
    assert "SHA256SUMS.sig" in message and "does not match the file's content" in message
    stock = subprocess.run(
        [
            "ssh-keygen",
            "-Y",
            "verify",
            "-f",
            "allowed_signers",
            "-I",
            "expert",
            "-n",
            "expertise-seal",
            "-s",
            "SHA256SUMS.sig",
        ],
        cwd=good_seal,
        stdin=open(good_seal / "SHA256SUMS", "rb"),
        capture_output=True,
    )
    assert stock.returncode != 0
    # truncated and re-signed with the expert's own key: the manifest still tells
    _resign(good_seal, expert_key.path)
    message = _broken(run_cli, good_seal)
    assert "SHA256SUMS: SHA256SUMS differs from the one the manifest records" in message


def test_sha256sums_resigned_by_another_key(run_cli, good_seal: Path, other_key) -> None:  # type: ignore[no-untyped-def]
    lines = (good_seal / "SHA256SUMS").read_bytes().splitlines(keepends=True)
    (good_seal / "SHA256SUMS").write_bytes(b"".join(lines[1:]))
    _resign(good_seal, other_key.path)
    message = _broken(run_cli, good_seal)
    assert f"signed by key {other_key.public.fingerprint}" in message
    stock = subprocess.run(
        "openssl pkeyutl -verify -pubin -inkey expert.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.ed25519",
        shell=True,
        cwd=good_seal,
        capture_output=True,
        text=True,
    )
    assert stock.returncode != 0 and "Signature Verification Failure" in stock.stdout + stock.stderr


def test_whole_seal_remade_by_someone_else_needs_the_expected_key(
    run_cli, good_seal: Path, expert_key, other_key, tmp_path: Path
) -> None:
    root = tmp_path / "tree"
    (root / "file0.txt").write_text("backdoored\n")
    forged = tmp_path / "forged"
    assert run_cli("seal", "create", "--key", other_key.path, "--out", forged, root).returncode == 0
    # self-consistent, so without the expected key it verifies, but says whose key it is
    alone = run_cli("seal", "verify", forged)
    assert alone.returncode == 0 and other_key.public.fingerprint in alone.stderr
    message = _broken(run_cli, forged, "--expect-key", expert_key.pub)
    assert f"signed with key {other_key.public.fingerprint}" in message
    assert expert_key.public.fingerprint in message
    _broken(run_cli, forged, "--expect-key", expert_key.public.fingerprint)


def test_genuine_seal_with_the_wrong_expected_key(run_cli, good_seal: Path, other_key) -> None:  # type: ignore[no-untyped-def]
    assert "not with the expected key" in _broken(run_cli, good_seal, "--expect-key", other_key.pub)


def test_manifest_edited(run_cli, good_seal: Path) -> None:
    text = (good_seal / "manifest.json").read_text()
    (good_seal / "manifest.json").write_text(text.replace('"size":10', '"size":11', 1))
    assert "manifest.json.sig" in _broken(run_cli, good_seal)


def test_swapped_pem_key(run_cli, good_seal: Path, other_key, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from expertise.seal.keys import PublicKey

    (good_seal / "expert.pem").write_text(PublicKey(load_private(other_key.path).public_key()).pem())
    message = _broken(run_cli, good_seal)
    assert "expert.pem" in message and other_key.public.fingerprint in message


@pytest.mark.parametrize("missing", ["SHA256SUMS", "SHA256SUMS.ed25519", "manifest.json.sig", "expert.pub"])
def test_missing_file(run_cli, good_seal: Path, missing: str) -> None:
    (good_seal / missing).unlink()
    assert f"incomplete seal: {missing} missing" in _broken(run_cli, good_seal)


def _rewrite_manifest(seal: Path, key_path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """A manifest signed by the expert's own key but malformed (a defective or hostile signer)."""
    path = seal / "manifest.json"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    _resign(seal, key_path, "manifest.json")


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda t: t.replace('"path":"file1.txt"', '"path":"../../etc/passwd"'), "entries[1].path: unsafe"),
        (lambda t: t.replace('"type":"file"', '"type":"weird"', 1), "entries[0].type: unknown type"),
        (lambda t: t[: len(t) // 2], "file truncated"),
        (
            lambda t: t.replace('"format": "expertise-seal/1"', '"format": "other/9"'),
            "format: unknown seal format",
        ),
        (lambda t: t.replace('"size":10,', "", 1), "entries[0].size: a file entry needs a size"),
        (lambda t: t.replace('  "entries": [', '  "entries": [\n  "x",', 1), "entries[0]: an entry must be"),
        (lambda t: t.rstrip().rstrip("}") + ',\n  "late": 1\n}\n', '"entries" must be the last key'),
    ],
)
def test_malformed_manifest_signed_by_the_right_key(
    run_cli, good_seal: Path, expert_key, edit, expected
) -> None:  # type: ignore[no-untyped-def]
    _rewrite_manifest(good_seal, expert_key.path, edit)
    message = _broken(run_cli, good_seal)
    assert "manifest.json" in message and expected in message, message


def test_entries_out_of_order_even_when_everything_else_agrees(run_cli, good_seal: Path, expert_key) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    sums = (good_seal / "SHA256SUMS").read_bytes().splitlines(keepends=True)
    sums[1], sums[2] = sums[2], sums[1]
    (good_seal / "SHA256SUMS").write_bytes(b"".join(sums))
    _resign(good_seal, expert_key.path)
    old = manifest(good_seal)["sha256sums"]["sha256"]
    new = hashlib.sha256(b"".join(sums)).hexdigest()

    def swap(text: str) -> str:
        lines = text.splitlines(keepends=True)
        first = next(i for i, line in enumerate(lines) if '"path":"file1.txt"' in line)
        lines[first], lines[first + 1] = (
            lines[first + 1].replace("}\n", "},\n"),
            lines[first].replace("},\n", "}\n"),
        )
        return "".join(lines).replace(old, new)

    _rewrite_manifest(good_seal, expert_key.path, swap)
    message = _broken(run_cli, good_seal)
    assert "manifest.json: entries[2]: entries are not in the seal's order" in message, message


def test_manifest_entries_disagreeing_with_sha256sums(good_seal: Path, expert_key) -> None:  # type: ignore[no-untyped-def]
    digest = manifest(good_seal)["entries"][2]["sha256"]
    _rewrite_manifest(good_seal, expert_key.path, lambda t: t.replace(digest, "0" * 64))
    with pytest.raises(SealBroken, match="line 3 differs from the manifest's entry for 'file2.txt'"):
        verify_seal(good_seal, show_progress=False)


def test_not_a_seal_folder(run_cli, tmp_path: Path) -> None:
    done = run_cli("seal", "verify", tmp_path / "nothing")
    assert done.returncode == 2 and "not a seal folder" in done.stderr


def _vanish_folder_when_listed(monkeypatch: pytest.MonkeyPatch, root: Path, rel: bytes) -> None:
    """The folder is really deleted after its parent listed it, just before it is listed itself."""
    original = local.LocalSource._children

    def children(self, here):  # type: ignore[no-untyped-def]
        if here == rel:
            shutil.rmtree(root / os.fsdecode(rel))
        return original(self, here)

    monkeypatch.setattr(local.LocalSource, "_children", children)


def test_folder_vanishing_mid_walk_is_named_when_sealing_and_verifying(
    expert_key, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "tree"
    (root / "dir").mkdir(parents=True)
    for name in ("a.txt", "dir/b.txt", "dir/c.txt", "z.txt"):
        (root / name).write_text(name)
    key = load_private(expert_key.path)
    # while sealing: the folder is named, its content is not claimed
    _vanish_folder_when_listed(monkeypatch, root, b"dir")
    created = create_seal([parse_source(str(root))], key, tmp_path / "gone", jobs=1, show_progress=False)
    monkeypatch.undo()
    assert [(p.path, p.kind) for _, p in created.problems] == [(b"dir", "vanished")]
    assert not created.complete
    # while verifying: a sealed folder that vanishes is not verified, and not reported as new
    (root / "dir").mkdir()
    for name in ("dir/b.txt", "dir/c.txt"):
        (root / name).write_text(name)
    seal = tmp_path / "seal"
    assert create_seal([parse_source(str(root))], key, seal, jobs=1, show_progress=False).complete
    _vanish_folder_when_listed(monkeypatch, root, b"dir")
    report = verify_seal(seal, jobs=1, show_progress=False)
    monkeypatch.undo()
    assert {(shown_path(d.path), tuple(d.kinds)) for d in report.differences} == {
        ("dir/b.txt", ("not-verified",)),
        ("dir/c.txt", ("not-verified",)),
    }
    assert not report.identical and report.comparisons[0].verified_files == 2  # a.txt, z.txt
    assert all("dans dir" in render(d.detail, "fr") for d in report.differences)
    assert all(d.detail.code == "seal.difference.inside_unlistable" for d in report.differences)


def shown_path(path: bytes) -> str:
    return path.decode("utf-8")
