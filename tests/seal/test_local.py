"""Sealing local folders and files, verifying them, and the stock commands of VERIFY.md."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
from pathlib import Path


from expertise.seal.create import create_seal
from expertise.seal.keys import load_private
from expertise.seal.sources import parse_source

from .conftest import make_tree
from .stockrun import manifest, run_all_steps


def create(run_cli, key, out: Path, *sources: object, extra: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return run_cli("seal", "create", "--key", key.path, "--out", out, *extra, *sources)


def test_seal_folder_holds_everything_and_stock_tools_accept_it(
    run_cli, expert_key, tree: Path, tmp_path: Path
) -> None:
    seal = tmp_path / "seal"
    done = create(run_cli, expert_key, seal, tree, extra=("--json",))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["complete"] is True
    for name in (
        "SHA256SUMS",
        "SHA256SUMS.sig",
        "SHA256SUMS.ed25519",
        "manifest.json",
        "manifest.json.sig",
        "expert.pub",
        "expert.pem",
        "allowed_signers",
        "VERIFY.md",
    ):
        assert (seal / name).is_file(), name
    data = manifest(seal)
    assert data["expert"]["fingerprint"] == expert_key.public.fingerprint == summary["key_fingerprint"]
    entries = {e["path"]: e for e in data["entries"]}
    assert entries["app/run.sh"]["mode"] == "0755" and entries["app/main.py"]["mode"] == "0644"
    assert entries["link-to-main"] == {
        "path": "link-to-main",
        "source": "src",
        "type": "symlink",
        "mode": "0777",
        "target": "app/main.py",
    }
    assert entries["empty-dir"]["type"] == "directory"
    assert entries["big.bin"]["size"] == 3 * 1024 * 1024 + 17
    # sorted by bytes, a folder as if it ended with "/": app-extra.txt comes before app/...
    keys = [e["path"].encode() + (b"/" if e["type"] == "directory" else b"") for e in data["entries"]]
    assert keys == sorted(keys) and keys.index(b"app-extra.txt") < keys.index(b"app/")
    sums = (seal / "SHA256SUMS").read_bytes()
    assert b"\\" + entries["new\nline.txt"]["sha256"].encode() + b"  new\\nline.txt\n" in sums
    assert b"\\" + entries["carriage\rreturn.txt"]["sha256"].encode() + b"  carriage\\rreturn.txt\n" in sums
    names = [line.split(b"  ", 1)[1] for line in sums.splitlines()]
    assert names == sorted(
        names, key=lambda n: n.replace(b"\\n", b"\n").replace(b"\\r", b"\r").replace(b"\\\\", b"\\")
    )
    outputs = run_all_steps(seal, tmp_path / "scratch")
    assert expert_key.public.fingerprint in outputs["key"]
    assert data["expert"]["spki_sha256"] in outputs["key"]
    assert outputs["signatures"].count('Good "expertise-seal" signature for expert') == 2
    assert "Signature Verified Successfully" in outputs["signatures"]
    assert data["merkle"]["root"] in outputs["merkle"]
    # and the plain, documented form: sha256sum -c inside the source
    check = subprocess.run(
        ["sha256sum", "--strict", "-c", str(seal / "SHA256SUMS")], cwd=tree, capture_output=True, text=True
    )
    assert check.returncode == 0 and check.stdout.count(": OK") == data["sha256sums"]["lines"]
    verify_md = (seal / "VERIFY.md").read_text(encoding="utf-8")
    assert "## Français" in verify_md and "## English" in verify_md
    assert "ssh-keygen -Y verify -f allowed_signers -I expert -n expertise-seal" in verify_md
    assert "openssl pkeyutl -verify -pubin -inkey expert.pem -rawin" in verify_md


def test_verify_identical_exits_0(run_cli, expert_key, tree: Path, tmp_path: Path) -> None:
    assert create(run_cli, expert_key, tmp_path / "seal", tree).returncode == 0
    done = run_cli("seal", "verify", tmp_path / "seal", "--expect-key", expert_key.pub)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "IDENTICAL" in done.stdout
    report = json.loads(run_cli("seal", "verify", tmp_path / "seal", "--json").stdout)
    files = sum(1 for e in manifest(tmp_path / "seal")["entries"] if e["type"] == "file")
    assert report["identical"] and report["sources"][0]["verified_files"] == files


def test_verify_lists_every_kind_of_difference(run_cli, expert_key, tree: Path, tmp_path: Path) -> None:
    seal = tmp_path / "seal"
    assert create(run_cli, expert_key, seal, tree).returncode == 0
    (tree / "app" / "main.py").write_text("print('tampered')\n")  # modified
    (tree / "app" / "lib" / "crypto.py").chmod(0o664)  # mode-changed
    (tree / "space name.txt").unlink()  # removed
    (tree / "app" / "backdoor.py").write_text("import os\n")  # added
    (tree / "empty.txt").unlink()
    (tree / "empty.txt").mkdir()  # file -> folder
    (tree / "empty-dir").rmdir()
    (tree / "empty-dir").write_text("now a file\n")  # folder -> file
    os.unlink(tree / "link-to-main")
    os.symlink("app/run.sh", tree / "link-to-main")  # link retargeted
    (tree / "new\nline.txt").write_text("changed too\n")  # modified, awkward name
    done = run_cli("seal", "verify", seal, "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    found = {d["path"]: d["kinds"] for d in report["differences"]}
    assert found == {
        "app/main.py": ["modified"],
        "app/lib/crypto.py": ["mode-changed"],
        "space name.txt": ["removed"],
        "app/backdoor.py": ["added"],
        "empty.txt": ["type-changed"],
        "empty-dir": ["type-changed"],
        "link-to-main": ["modified"],
        "new\\nline.txt": ["modified"],
    }
    text = run_cli("seal", "verify", seal)
    assert text.returncode == 1
    assert (
        "DIFFERENT" in text.stdout and "app/backdoor.py" in text.stdout and "mode 0644 → 0664" in text.stdout
    )
    # the stock tool sees the content changes too
    stock = subprocess.run(
        ["sha256sum", "-c", str(seal / "SHA256SUMS")], cwd=tree, capture_output=True, text=True
    )
    assert stock.returncode != 0 and "app/main.py: FAILED" in stock.stdout


def test_verify_a_copy_elsewhere(run_cli, expert_key, tree: Path, tmp_path: Path) -> None:
    seal = tmp_path / "seal"
    assert create(run_cli, expert_key, seal, tree).returncode == 0
    copy = tmp_path / "copy"
    shutil.copytree(tree, copy, symlinks=True)
    assert run_cli("seal", "verify", seal, copy).returncode == 0
    (copy / "app" / "run.sh").chmod(0o644)
    done = run_cli("seal", "verify", seal, copy, "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["differences"] == [
        {
            "source": "src",
            "path": "app/run.sh",
            "kinds": ["mode-changed"],
            "detail": "mode 0755 → 0644",
            "code": "seal.difference.mode",
            "args": {"before": "0755", "after": "0644"},
        }
    ]


def test_several_sources_prefix_their_names(run_cli, expert_key, tmp_path: Path) -> None:
    first = make_tree(tmp_path / "one")
    second = tmp_path / "two"
    second.mkdir()
    (second / "server.bin").write_bytes(os.urandom(5000))
    seal = tmp_path / "seal"
    done = create(run_cli, expert_key, seal, f"web={first}", f"bin={second}", extra=("--name", "platform"))
    assert done.returncode == 0, done.stderr
    sums = (seal / "SHA256SUMS").read_bytes()
    assert b"  bin/server.bin\n" in sums and b"  web/app/main.py\n" in sums
    assert sums.index(b"bin/server.bin") < sums.index(b"web/app/main.py")
    run_all_steps(seal, tmp_path / "scratch")
    assert run_cli("seal", "verify", seal).returncode == 0
    moved = tmp_path / "moved"
    shutil.copytree(second, moved)
    (moved / "server.bin").write_bytes(b"other")
    done = run_cli("seal", "verify", seal, f"bin={moved}", "--json")
    assert done.returncode == 1
    assert [(d["source"], d["path"]) for d in json.loads(done.stdout)["differences"]] == [
        ("bin", "server.bin")
    ]
    wrong = run_cli("seal", "verify", seal, str(moved))
    assert wrong.returncode == 2 and "one SOURCE per source" in wrong.stderr


def test_special_files_are_sealed_by_type_and_never_opened(run_cli, expert_key, tmp_path: Path) -> None:
    root = tmp_path / "special"
    root.mkdir()
    (root / "data.txt").write_text("x\n")
    os.mkfifo(root / "pipe")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(root / "control.sock"))
    os.mknod(root / "null-device", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    seal = tmp_path / "seal"
    try:
        done = run_cli("seal", "create", "--key", expert_key.path, "--out", seal, root, timeout=60)
    finally:
        listener.close()
    assert done.returncode == 0, done.stderr  # complete: special files have no content to seal
    for name in ("pipe", "control.sock", "null-device"):
        assert f"note: special: {name}: special-file" in done.stderr
    entries = {e["path"]: e for e in manifest(seal)["entries"]}
    assert entries["pipe"]["type"] == "fifo" and entries["control.sock"]["type"] == "socket"
    assert entries["null-device"] == {
        "path": "null-device",
        "source": "special",
        "type": "char-device",
        "mode": "0600",
        "rdev": "1:3",
    }
    os.unlink(root / "null-device")
    os.mknod(root / "null-device", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    changed = run_cli("seal", "verify", seal, "--json", timeout=60)
    assert changed.returncode == 1
    assert json.loads(changed.stdout)["differences"][0]["detail"] == "device 1:3 → 1:5"


def test_link_loops_and_links_leaving_the_tree_are_named(run_cli, expert_key, tmp_path: Path) -> None:
    root = tmp_path / "links"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "data.txt").write_text("a regular file\n")
    os.symlink("b", root / "a")
    os.symlink("a", root / "b")
    os.symlink("self", root / "self")
    os.symlink("../../outside.txt", root / "sub" / "escape")
    os.symlink("/etc/passwd", root / "absolute")
    os.symlink(str(root / "sub"), root / "absolute-inside")
    os.symlink("sub", root / "dirlink")
    done = run_cli("seal", "create", "--key", expert_key.path, "--out", tmp_path / "seal", root, "--json")
    assert done.returncode == 0, done.stderr
    problems = {(p["path"], p["kind"]) for p in json.loads(done.stdout)["problems"]}
    assert problems == {
        ("a", "symlink-loop"),
        ("b", "symlink-loop"),
        ("self", "symlink-loop"),
        ("sub/escape", "symlink-outside"),
        ("absolute", "symlink-outside"),
    }
    text = run_cli("seal", "create", "--key", expert_key.path, "--out", tmp_path / "seal2", root)
    assert "note: links: a: symlink-loop" in text.stderr and "sub/escape: symlink-outside" in text.stderr


def test_single_file_source(run_cli, expert_key, tmp_path: Path) -> None:
    binary = tmp_path / "dist" / "votesur-server"
    binary.parent.mkdir()
    binary.write_bytes(os.urandom(70_000))
    binary.chmod(0o755)
    seal = tmp_path / "seal"
    assert create(run_cli, expert_key, seal, binary).returncode == 0
    assert (seal / "SHA256SUMS").read_bytes().endswith(b"  votesur-server\n")
    run_all_steps(seal, tmp_path / "scratch")
    assert run_cli("seal", "verify", seal).returncode == 0
    binary.write_bytes(b"patched")
    assert run_cli("seal", "verify", seal).returncode == 1


def test_excluded_paths_are_recorded_and_ignored_on_verify(
    run_cli, expert_key, tree: Path, tmp_path: Path
) -> None:
    (tree / "app" / "cache.pyc").write_bytes(b"\0")
    seal = tmp_path / "seal"
    done = create(run_cli, expert_key, seal, tree, extra=("--exclude", "*.pyc", "--json"))
    assert done.returncode == 0
    source = manifest(seal)["sources"][0]
    assert source["excludes"] == ["*.pyc"] and source["excluded"] == 1
    assert all(not e["path"].endswith(".pyc") for e in manifest(seal)["entries"])
    (tree / "app" / "other.pyc").write_bytes(b"\1")
    assert run_cli("seal", "verify", seal).returncode == 0


def test_existing_out_folder_is_never_overwritten(run_cli, expert_key, tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "seal"
    out.mkdir()
    (out / "keep.txt").write_text("mine\n")
    done = create(run_cli, expert_key, out, tree)
    assert done.returncode == 2 and "never overwritten" in done.stderr
    assert (out / "keep.txt").read_text() == "mine\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".seal.partial")]


def test_missing_source_is_a_usage_error(run_cli, expert_key, tmp_path: Path) -> None:
    done = create(run_cli, expert_key, tmp_path / "seal", tmp_path / "nope")
    assert done.returncode == 2 and "nope" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "seal").exists()


def test_two_processes_give_the_same_seal_as_one(expert_key, tmp_path: Path) -> None:
    root = tmp_path / "many"
    for index in range(700):
        folder = root / f"d{index % 13:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{index:04d}.txt").write_bytes(os.urandom(index % 97))
    (root / "large-1.bin").write_bytes(os.urandom(9 << 20))
    (root / "large-2.bin").write_bytes(os.urandom(1 << 20))
    key = load_private(expert_key.path)
    serial = create_seal([parse_source(str(root))], key, tmp_path / "serial", jobs=1, show_progress=False)
    parallel = create_seal([parse_source(str(root))], key, tmp_path / "parallel", jobs=2, show_progress=False)
    assert serial.header["merkle"]["root"] == parallel.header["merkle"]["root"]
    assert (tmp_path / "serial" / "SHA256SUMS").read_bytes() == (
        tmp_path / "parallel" / "SHA256SUMS"
    ).read_bytes()
    assert serial.header["counts"]["files"] == 702


def test_nothing_to_seal_is_refused(run_cli, expert_key, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    (empty / "only-folders").mkdir(parents=True)
    os.symlink("nowhere", empty / "dangling")
    done = create(run_cli, expert_key, tmp_path / "seal", empty)
    assert done.returncode == 2 and "no regular file to seal" in done.stderr
    assert not (tmp_path / "seal").exists()


def test_out_inside_the_sealed_folder_is_refused(run_cli, expert_key, tree: Path) -> None:
    """Else the seal would hold its own half-written SHA256SUMS and never verify."""
    done = create(run_cli, expert_key, tree / "sub" / "seal", tree)
    assert done.returncode == 2 and "inside the source it seals" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not (tree / "sub").exists()
