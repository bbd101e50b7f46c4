"""Seals inside a case: journal, evidence, results; the audit collector; the demo hook; the report partial."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from expertise.i18n import Message

from expertise import journal
from expertise.audit import run_collectors
from expertise.case import load_case
from expertise.errors import CaseError
from expertise.report.render import render_section
from expertise.seal import demo

from .conftest import git

REPO = Path(__file__).resolve().parents[2]


def _append(case: Path, text: str) -> None:
    with open(case / "case.toml", "a", encoding="utf-8") as handle:
        handle.write(text)


def _results(case: Path) -> dict[str, dict[str, str]]:
    return {
        rs.source: {r.check_id: r.status.value for r in rs.results}
        for _, rs in journal.latest_result_sets(case)
        if rs.producer == "seal"
    }


def test_create_and_verify_with_case_are_journaled(
    run_cli, demo_case: Path, expert_key, tree: Path, tmp_path: Path
) -> None:
    done = run_cli(
        "seal", "create", "--key", expert_key.path, "--case", demo_case, "--name", "app", tree, "--json"
    )
    assert done.returncode == 0, done.stderr
    evidence = json.loads(done.stdout)["evidence"]
    assert evidence.startswith("evidence/") and (demo_case / evidence / "manifest.json").is_file()
    assert _results(demo_case)["seal:app"]["SEAL-009"] == "not_applicable"
    (tree / "app" / "main.py").write_text("changed\n")
    verified = run_cli(
        "seal", "verify", demo_case / evidence, tree, "--case", demo_case, "--expect-key", expert_key.pub
    )
    assert verified.returncode == 1
    results = _results(demo_case)["seal:app"]
    assert results["SEAL-009"] == "fail" and results["SEAL-005"] == "pass"
    assert results["SEAL-010"] == "manual"  # the demo vote has not closed yet
    entries = journal.read_entries(demo_case)
    assert [e["action"] for e in entries] == ["seal", "seal-verify"]
    assert all(e["status"] == "completed" for e in entries)
    assert any(o["path"].endswith("verification.json") for o in entries[1]["outputs"])
    assert journal.verify(demo_case).intact
    summary = next(rs for _, rs in journal.latest_result_sets(demo_case)).summary
    assert summary["seal_path"] == evidence and summary["verification"]["identical"] is False
    assert summary["verification"]["differences"][0]["path"] == "app/main.py"


def test_broken_seal_in_case_is_recorded_then_exit_2(
    run_cli, demo_case: Path, expert_key, tree: Path, tmp_path: Path
) -> None:
    seal = tmp_path / "seal"
    assert run_cli("seal", "create", "--key", expert_key.path, "--out", seal, tree).returncode == 0
    (seal / "SHA256SUMS").write_bytes(b"")
    done = run_cli("seal", "verify", seal, "--case", demo_case)
    assert done.returncode == 2 and "bad signature" in done.stderr
    results = _results(demo_case)["seal:seal"]
    assert results == {"SEAL-005": "fail", "SEAL-009": "error"}
    assert journal.read_entries(demo_case)[-1]["status"] == "completed"  # the failed check is evidence


def _declare(case: Path, key: Path, components: str, extra: str = "") -> None:
    rel = key.relative_to(case) if key.is_relative_to(case) else key
    _append(case, f'\n[seal]\nkey = "{rel}"\n{extra}\n{components}')


def test_collector_seals_first_then_verifies(demo_case: Path, tmp_path: Path) -> None:
    from expertise.seal.keys import generate

    generate(demo_case / "keys" / "expert")
    repo = demo_case / "vendor"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "main.py").write_text("print(1)\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "1.0")
    git(repo, "tag", "v1.0")
    _declare(
        demo_case,
        demo_case / "keys" / "expert",
        '[[seal.components]]\nname = "vendor"\nsource = "git:vendor@v1.0"\n'
        '[[seal.components]]\nname = "www"\nsource = "vendor/src"\n',
    )
    outcome = run_collectors(demo_case, ["expertise", "audit"])
    assert outcome["seal"] == "done"
    first = _results(demo_case)
    assert set(first) == {"seal:vendor", "seal:www"} and first["seal:vendor"]["SEAL-009"] == "not_applicable"
    (repo / "src" / "main.py").write_text("print(2)\n")  # working tree only: the tag is unchanged
    outcome = run_collectors(demo_case, ["expertise", "audit"])
    second = _results(demo_case)
    assert second["seal:vendor"]["SEAL-009"] == "pass"
    assert second["seal:www"]["SEAL-009"] == "fail"
    assert second["seal:vendor"]["SEAL-002"] == "fail"  # uncommitted change in the working tree
    assert [e["action"] for e in journal.read_entries(demo_case) if e["action"].startswith("seal")] == [
        "seal",
        "seal",
        "seal-verify",
        "seal-verify",
    ]
    assert journal.verify(demo_case).intact


def test_collector_reports_an_unreachable_component_and_goes_on(demo_case: Path, tmp_path: Path) -> None:
    from expertise.seal.keys import generate

    generate(demo_case / "keys" / "expert")
    (demo_case / "ok").mkdir()
    (demo_case / "ok" / "f.txt").write_text("x")
    _declare(
        demo_case,
        demo_case / "keys" / "expert",
        '[[seal.components]]\nname = "gone"\nsource = "does-not-exist"\n'
        '[[seal.components]]\nname = "ok"\nsource = "ok"\n',
    )
    outcome = run_collectors(demo_case, ["expertise", "audit"])
    assert (
        outcome["seal"].startswith("failed:")
        and "gone" in outcome["seal"]
        and "does-not-exist" in outcome["seal"]
    )
    assert "seal:ok" in _results(demo_case)


@pytest.mark.parametrize(
    "section, message",
    [
        (
            '[[seal.components]]\nname = "x"\nsource = "ssh://root@host/srv"\n',
            "needs known_hosts or host_key_fingerprint",
        ),
        (
            '[[seal.components]]\nname = "x"\nsource = "a"\n[[seal.components]]\nname = "x"\nsource = "b"\n',
            "used twice",
        ),
        ('[[seal.components]]\nname = "x"\nsource = "https://vendor.example/app"\n', "unsupported source"),
    ],
)
def test_case_section_validation(demo_case: Path, section: str, message: str) -> None:
    _declare(demo_case, demo_case / "keys" / "expert", section)
    with pytest.raises(CaseError, match=message):
        load_case(demo_case)


def test_demo_hook_seals_the_bundled_vendor_tree(demo_case: Path) -> None:
    with demo.prepare(demo_case):
        case = load_case(demo_case)
        assert case.data.seal is not None and [c.name for c in case.data.seal.components] == [
            "votesur-urne",
            "votesur-client",
        ]
        assert run_collectors(demo_case, ["expertise", "demo"])["seal"] == "done"
    vendor = demo_case / demo.VENDOR
    assert git(vendor, "rev-parse", "v4.2.0^{commit}") == "ad74c5d7904922ca525b2d89c65cf88997adaf8a"
    results = _results(demo_case)
    assert results["seal:votesur-urne"]["SEAL-002"] == "fail"  # the untracked notes file
    assert results["seal:votesur-urne"]["SEAL-006"] == "pass"  # time-stamped by the demo's local authority
    assert results["seal:votesur-client"]["SEAL-001"] == "pass"
    if datetime.now(timezone.utc) < load_case(demo_case).data.election.opens:
        assert results["seal:votesur-urne"]["SEAL-008"] == "pass"


class _Source:
    def __init__(self, source: str, summary: dict, results: list, seq: int, time: str) -> None:  # type: ignore[type-arg]
        self.source, self.summary, self.results, self.seq, self.time = source, summary, results, seq, time


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_partial_lists_each_seal_with_its_commands(
    run_cli, demo_case: Path, expert_key, tree: Path, lang: str
) -> None:
    hostile = tree / "<img src=x onerror=alert(1)>.js"
    hostile.write_text("x")
    assert (
        run_cli(
            "seal", "create", "--key", expert_key.path, "--case", demo_case, "--name", "app", tree
        ).returncode
        == 0
    )
    evidence = next(rs for _, rs in journal.latest_result_sets(demo_case)).summary["seal_path"]
    hostile.write_text("changed")
    assert run_cli("seal", "verify", demo_case / evidence, "--case", demo_case).returncode == 1
    sources = [
        _Source(rs.source, rs.summary, [r.to_dict() for r in rs.results], entry["seq"], entry["time"])
        for entry, rs in journal.latest_result_sets(demo_case)
    ]
    html = render_section("seal", sources, lang)
    summary = sources[0].summary
    assert summary["merkle_root"] in html and summary["key_fingerprint"] in html
    assert "sha256sum --strict --quiet -c" in html and "ssh-keygen -Y verify" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;.js" in html
    if lang == "fr":
        assert "Scellé «\u00a0app\u00a0»" in html
        assert "des différences ont été constatées" in html and "Racine de Merkle" in html
        # the difference itself, in French: kind and detail
        assert "<td>modifié</td>" in html and "contenu\u00a0: 1 octet sha256" in html
        assert "modified" not in html and "bytes sha256" not in html
        for result in (r for s in sources for r in s.results):
            assert result["code"].startswith("seal.") and not Message.from_dict(result).render("fr").startswith("[")
            assert Message.from_dict(result).render("fr") != Message.from_dict(result).render("en")
    else:
        assert "differences were found" in html and "Merkle root" in html
    assert re.search(r'<span class="mono">SEAL-009</span>[^<]*</td>\s*<td><span class="badge s-fail">', html)


def test_report_partial_shows_broken_seals_and_reuse(run_cli, demo_case: Path, expert_key, tree: Path,
                                                     tmp_path: Path) -> None:
    previous, current = tmp_path / "previous", tmp_path / "current"
    for seal in (previous, current):
        assert run_cli("seal", "create", "--key", expert_key.path, "--out", seal, tree).returncode == 0
    assert run_cli("seal", "reuse", "--previous", previous, "--current", current, "--previous-date",
                   "2026-06-01", "--level", "2", "--case", demo_case).returncode == 1  # manual item
    (current / "SHA256SUMS").write_bytes(b"")
    assert run_cli("seal", "verify", current, "--case", demo_case).returncode == 2
    sources = [_Source(rs.source, rs.summary, [r.to_dict() for r in rs.results], entry["seq"], entry["time"])
               for entry, rs in journal.latest_result_sets(demo_case)]
    html = render_section("seal", sources, "fr")
    assert "Le scellé ne se vérifie pas" in html and "scellé invalide" in html
    assert "Reprise d’éléments d’une expertise antérieure" in html and "point à vérifier manuellement" in html
    assert "vulnérabilités\u00a0:" in html and "vérifier manuellement qu’aucune vulnérabilité" in html
    assert "check by hand" not in html and "[manual]" not in html
    assert "signature invalide de SHA256SUMS" in html and "bad signature" not in html
    english = render_section("seal", sources, "en")
    assert "check by hand" in english and "The seal does not verify" in english
