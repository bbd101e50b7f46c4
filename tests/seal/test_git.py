"""git sources: a real repository made by the test, sealed at a commit, checked every way round."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from .conftest import git
from .stockrun import manifest, run_all_steps


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "vendor"
    (root / "src" / "core").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "src" / "core" / "ballot.py").write_text("def cast(): return 'receipt'\n")
    (root / "src" / "server.py").write_text("import core\n")
    (root / "deploy.sh").write_text("#!/bin/sh\necho deploy\n")
    (root / "deploy.sh").chmod(0o755)
    (root / "README").write_text("VoteSûr\n")
    os.symlink("src/server.py", root / "entry.py")
    (root / ".gitignore").write_text("*.log\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "release 1.0")
    git(root, "tag", "v1.0")
    return root


def test_seal_records_commit_and_tree_and_stock_tools_agree(
    run_cli, expert_key, repo: Path, tmp_path: Path
) -> None:
    seal = tmp_path / "seal"
    done = run_cli("seal", "create", "--key", expert_key.path, "--out", seal, f"git:{repo}@v1.0", "--json")
    assert done.returncode == 0, done.stderr
    source = manifest(seal)["sources"][0]
    assert source["kind"] == "git" and source["revision"] == "v1.0"
    assert source["commit"] == git(repo, "rev-parse", "v1.0^{commit}")
    assert source["tree"] == git(repo, "rev-parse", "v1.0^{tree}")
    assert source["object_format"] == "sha1"
    assert source["working_tree"]["clean"] and source["working_tree"]["at_sealed_commit"]
    entries = {e["path"]: e for e in manifest(seal)["entries"]}
    assert entries["deploy.sh"]["mode"] == "0755" and entries["README"]["mode"] == "0644"
    assert entries["entry.py"]["type"] == "symlink" and entries["entry.py"]["target"] == "src/server.py"
    assert "src" not in entries  # a commit records no folders
    outputs = run_all_steps(seal, tmp_path / "scratch")
    assert source["tree"] in outputs[f"git-{source['name']}"]


def test_uncommitted_and_untracked_files_are_findings(
    run_cli, expert_key, repo: Path, tmp_path: Path
) -> None:
    (repo / "src" / "server.py").write_text("import core  # hot fix\n")
    (repo / "hotfix.py").write_text("print('not committed')\n")
    (repo / "debug.log").write_text("ignored by .gitignore\n")
    seal = tmp_path / "seal"
    done = run_cli("seal", "create", "--key", expert_key.path, "--out", seal, f"git:{repo}")
    assert done.returncode == 0, done.stderr
    assert "1 uncommitted change and 1 untracked file" in done.stderr
    tree = manifest(seal)["sources"][0]["working_tree"]
    assert tree["uncommitted"] == ["M src/server.py"] and tree["untracked"] == ["hotfix.py"]
    assert not tree["clean"]
    # ignored files are not a finding, but they are named: nothing beside the seal goes unsaid
    assert tree["ignored"] == ["debug.log"] and tree["ignored_count"] == 1
    assert "1 file in the working tree is ignored by .gitignore and not sealed" in done.stderr
    assert "debug.log" in done.stderr
    # what is sealed is the commit: the working-tree edit is not in the seal
    committed = git(repo, "show", "HEAD:src/server.py")
    import hashlib

    entry = next(e for e in manifest(seal)["entries"] if e["path"] == "src/server.py")
    assert entry["sha256"] == hashlib.sha256((committed + "\n").encode()).hexdigest()


def test_checkout_compared_with_the_sealed_commit(run_cli, expert_key, repo: Path, tmp_path: Path) -> None:
    seal = tmp_path / "seal"
    assert (
        run_cli("seal", "create", "--key", expert_key.path, "--out", seal, f"git:{repo}@v1.0").returncode == 0
    )
    deployed = tmp_path / "deployed"
    shutil.copytree(repo, deployed, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    assert run_cli("seal", "verify", seal, deployed).returncode == 0, (
        "folders and 0644/0664 modes are not in git"
    )
    (deployed / "deploy.sh").chmod(0o644)
    (deployed / "src" / "core" / "ballot.py").write_text("def cast(): return 'forged'\n")
    (deployed / "src" / "extra.py").write_text("\n")
    done = run_cli("seal", "verify", seal, deployed, "--json")
    assert done.returncode == 1
    found = {d["path"]: (d["kinds"], d["detail"]) for d in json.loads(done.stdout)["differences"]}
    assert set(found) == {"deploy.sh", "src/core/ballot.py", "src/extra.py"}
    assert found["deploy.sh"] == (["mode-changed"], "executable bit set → cleared")
    assert (
        found["src/core/ballot.py"][0] == ["modified"]
        and "content: 29 bytes" in found["src/core/ballot.py"][1]
    )
    assert found["src/extra.py"] == (["added"], "file added")


def test_new_commit_and_moved_tag_are_caught(run_cli, expert_key, repo: Path, tmp_path: Path) -> None:
    seal = tmp_path / "seal"
    assert (
        run_cli("seal", "create", "--key", expert_key.path, "--out", seal, f"git:{repo}@v1.0").returncode == 0
    )
    assert run_cli("seal", "verify", seal).returncode == 0
    (repo / "src" / "server.py").write_text("import core, os\n")
    (repo / "deploy.sh").chmod(0o644)
    git(repo, "commit", "-q", "-am", "1.0.1")
    git(repo, "tag", "-f", "v1.0")  # the tag is moved to the new commit
    done = run_cli("seal", "verify", seal, "--json")
    assert done.returncode == 1
    kinds = {d["path"]: d["kinds"] for d in json.loads(done.stdout)["differences"]}
    assert kinds == {"deploy.sh": ["mode-changed"], "src/server.py": ["modified"]}
    # the original commit itself is unchanged
    original = manifest(seal)["sources"][0]["commit"]
    assert run_cli("seal", "verify", seal, f"git:{repo}@{original}").returncode == 0


def test_subfolder_of_a_repository(run_cli, expert_key, repo: Path, tmp_path: Path) -> None:
    seal = tmp_path / "seal"
    assert (
        run_cli(
            "seal", "create", "--key", expert_key.path, "--out", seal, f"git:{repo / 'src'}@v1.0"
        ).returncode
        == 0
    )
    source = manifest(seal)["sources"][0]
    assert source["subdir"] == "src" and source["tree"] == git(repo, "rev-parse", "v1.0:src")
    assert [e["path"] for e in manifest(seal)["entries"]] == ["core/ballot.py", "server.py"]
    run_all_steps(seal, tmp_path / "scratch")


def test_submodule_is_named_as_not_sealed(run_cli, expert_key, repo: Path, tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    git(library, "init", "-q", "-b", "main")
    (library / "lib.py").write_text("x = 1\n")
    git(library, "add", "-A")
    git(library, "commit", "-q", "-m", "lib")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "third_party/lib")
    git(repo, "commit", "-q", "-m", "add lib")
    done = run_cli("seal", "create", "--key", expert_key.path, "--out", tmp_path / "seal", f"git:{repo}")
    assert done.returncode == 1, done.stderr
    assert "not sealed: vendor: third_party/lib: submodule-not-followed" in done.stderr
    entry = next(e for e in manifest(tmp_path / "seal")["entries"] if e["path"] == "third_party/lib")
    assert entry["type"] == "submodule" and entry["target"] == git(library, "rev-parse", "HEAD")


def test_unknown_revision_and_not_a_repository(run_cli, expert_key, repo: Path, tmp_path: Path) -> None:
    done = run_cli("seal", "create", "--key", expert_key.path, "--out", tmp_path / "s1", f"git:{repo}@v9.9")
    assert done.returncode == 2 and "unknown revision 'v9.9'" in done.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    done = run_cli("seal", "create", "--key", expert_key.path, "--out", tmp_path / "s2", f"git:{plain}")
    assert done.returncode == 2 and "not a git repository" in done.stderr
    assert not (tmp_path / "s1").exists() and not (tmp_path / "s2").exists()
