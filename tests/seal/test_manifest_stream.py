"""The streaming manifest reader against json.load, at every buffer boundary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expertise.seal import manifest as manifest_mod
from expertise.seal.errors import SealBroken
from expertise.seal.manifest import ManifestReader
from expertise.seal.verify import current_state


def _document() -> dict:  # type: ignore[type-arg]
    return {
        "format": "expertise-seal/1",
        "name": "x",
        "numbers": [1, 2.5, -3e2, 12345678901234567890],
        "text": 'é " \\ \n \u2028 😀',
        "nested": {"a": [None, True, False, {}]},
        "entries": [{"path": f"f{i}", "n": i * 1000003, "s": "a" * (i % 11)} for i in range(40)],
    }


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_reader_equals_json_load_for_any_chunk_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    path = tmp_path / "manifest.json"
    document = _document()
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(manifest_mod, "READ_CHUNK", chunk)
    with ManifestReader(path) as reader:
        header = reader.header()
        entries = list(reader.entries())
    expected = dict(document)
    assert entries == expected.pop("entries")
    assert header == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"a": 1}', 'no "entries" list'),
        ('{"a": 1, "a": 2, "entries": []}', "appears twice"),
        ('{"entries": [1, 2', "file truncated"),
        ('{"entries": [1 2]}', "expected ',' or ']'"),
        ('{"entries": []} trailing', "unexpected data after the manifest"),
        ("[1, 2]", "expected '{'"),
        ("", "expected '{'"),
    ],
)
def test_malformed_documents_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(text)
    with pytest.raises(SealBroken, match=message):
        with ManifestReader(path) as reader:
            reader.header()
            list(reader.entries())


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(b'{"name": "\xff", "entries": []}')
    with pytest.raises(SealBroken, match="not UTF-8"):
        with ManifestReader(path) as reader:
            reader.header()


def test_package_changes_since_the_seal_are_listed() -> None:
    sealed = {"system": {"packages": {"list": ["bash\t5.2", "openssl\t3.0.17", "nginx\t1.22"]}}}
    now = {
        "kind": "ssh",
        "host_key_fingerprint": "SHA256:x",
        "system": {
            "uname": "Linux",
            "packages": {"count": 3, "sha256": "h", "list": ["bash\t5.2", "openssl\t3.0.19", "nginx\t1.22"]},
        },
    }
    state = current_state(sealed, now)
    assert state["packages_changed"] == {
        "added": ["openssl\t3.0.19"],
        "removed": ["openssl\t3.0.17"],
        "count": 2,
    }
    assert "list" not in state["packages"]
