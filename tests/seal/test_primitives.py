"""SHA256SUMS lines, the Merkle tree and SSHSIG, each checked against the reference tool or vectors."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expertise.seal import sshsig
from expertise.seal.coreutils import sums_line
from expertise.seal.keys import load_private
from expertise.seal.merkle import leaf_hash, merkle_root, node_hash

NAMES = [
    "plain",
    "back\\slash",
    "new\nline",
    "carriage\rreturn",
    "tab\there",
    "both\\and\nnew",
    "é-utf8",
    "-dash",
    "trailing space ",
    "\\",
    "\n",
]


def test_a_file_named_dash_is_not_read_as_standard_input(tmp_path: Path) -> None:
    (tmp_path / "-").write_bytes(b"the file named dash")
    import hashlib

    line = sums_line(hashlib.sha256(b"the file named dash").hexdigest(), b"-")
    assert line.endswith(b"  ./-\n")
    (tmp_path / "SUMS").write_bytes(line)
    check = subprocess.run(["sha256sum", "--strict", "-c", "SUMS"], cwd=tmp_path, capture_output=True,
                           stdin=subprocess.DEVNULL)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("name", NAMES)
def test_sums_line_is_byte_identical_to_sha256sum(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"content of " + name.encode())
    reference = subprocess.run(
        ["sha256sum", "--", name], cwd=tmp_path, capture_output=True, check=True
    ).stdout
    digest = reference.lstrip(b"\\")[:64].decode()
    assert sums_line(digest, name.encode()) == reference


def test_non_utf8_name_is_byte_identical(tmp_path: Path) -> None:
    name = b"latin1-\xe9\xff"
    (Path(os.fsdecode(tmp_path)) / os.fsdecode(name)).write_bytes(b"x")
    reference = subprocess.run(
        [b"sha256sum", b"--", name], cwd=tmp_path, capture_output=True, check=True
    ).stdout
    assert sums_line(reference[:64].decode(), name) == reference


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"),
        min_size=1,
        max_size=12,
    ).filter(lambda n: n not in (".", ".."))
)
def test_any_name_round_trips_through_sha256sum_check(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    folder = tmp_path_factory.mktemp("names")
    (folder / name).write_bytes(name.encode("utf-8", "surrogateescape"))
    import hashlib

    digest = hashlib.sha256(name.encode()).hexdigest()
    (folder / "SUMS").write_bytes(sums_line(digest, name.encode()))
    check = subprocess.run(["sha256sum", "--strict", "-c", "SUMS"], cwd=folder, capture_output=True)
    assert check.returncode == 0, check.stderr


# Certificate Transparency test vectors (RFC 6962 / 9162 tree shape)
CT_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("size", range(1, 9))
def test_merkle_root_matches_certificate_transparency_vectors(size: int) -> None:
    assert merkle_root(bytes.fromhex(x) for x in CT_LEAVES[:size]) == CT_ROOTS[size - 1]


def _reference_root(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return node_hash(_reference_root(leaves[:split]), _reference_root(leaves[split:]))


def test_incremental_root_equals_recursive_definition() -> None:
    leaves = [os.urandom(i % 7) for i in range(130)]
    for size in range(1, 130):
        assert merkle_root(leaves[:size]) == _reference_root(leaves[:size]).hex()
    assert merkle_root([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _allowed(tmp_path: Path, pub: Path) -> Path:
    allowed = tmp_path / "allowed_signers"
    key_type, key = pub.read_text().split()[:2]
    allowed.write_text(f'expert namespaces="expertise-seal" {key_type} {key}\n')
    return allowed


def _ssh_verify(allowed: Path, signature: Path, data: Path, namespace: str = "expertise-seal"):  # type: ignore[no-untyped-def]
    with open(data, "rb") as stdin:
        return subprocess.run(
            [
                "ssh-keygen",
                "-Y",
                "verify",
                "-f",
                str(allowed),
                "-I",
                "expert",
                "-n",
                namespace,
                "-s",
                str(signature),
            ],
            stdin=stdin,
            capture_output=True,
            text=True,
        )


def test_our_sshsig_verifies_with_ssh_keygen_and_theirs_with_us(tmp_path: Path, expert_key) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.write_bytes(os.urandom(100_000))
    key = load_private(expert_key.path)
    ours = tmp_path / "ours.sig"
    ours.write_text(sshsig.sign_file(key, data, "expertise-seal"))
    allowed = _allowed(tmp_path, expert_key.pub)
    done = _ssh_verify(allowed, ours, data)
    assert done.returncode == 0 and 'Good "expertise-seal" signature' in done.stdout + done.stderr
    subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-q", "-f", str(expert_key.path), "-n", "expertise-seal", str(data)],
        check=True,
        capture_output=True,
    )
    theirs = Path(str(data) + ".sig")
    parsed = sshsig.verify_file(theirs.read_bytes(), data, "expertise-seal", expert_key.public.blob)
    assert parsed.fingerprint == expert_key.public.fingerprint


def test_sshsig_rejects_other_data_namespace_and_key(tmp_path: Path, expert_key, other_key) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.write_bytes(b"SHA256SUMS content")
    signature = tmp_path / "data.sig"
    signature.write_text(sshsig.sign_file(load_private(expert_key.path), data, "expertise-seal"))
    allowed = _allowed(tmp_path, expert_key.pub)
    tampered = tmp_path / "tampered"
    tampered.write_bytes(b"SHA256SUMS content!")
    assert _ssh_verify(allowed, signature, tampered).returncode != 0
    with pytest.raises(sshsig.SignatureMismatch, match="does not match"):
        sshsig.verify_file(signature.read_bytes(), tampered, "expertise-seal", expert_key.public.blob)
    assert _ssh_verify(allowed, signature, data, namespace="file").returncode != 0
    with pytest.raises(sshsig.SignatureMismatch, match="namespace"):
        sshsig.verify_file(signature.read_bytes(), data, "file", expert_key.public.blob)
    with pytest.raises(sshsig.SignatureMismatch, match="signed by key"):
        sshsig.verify_file(signature.read_bytes(), data, "expertise-seal", other_key.public.blob)
    with pytest.raises(sshsig.SignatureFormatError):
        sshsig.verify_file(signature.read_bytes()[:100], data, "expertise-seal", expert_key.public.blob)


@settings(max_examples=300, deadline=None)
@given(
    path=st.binary(min_size=1, max_size=20),
    kind=st.sampled_from(["file", "directory", "symlink", "fifo", "char-device", "submodule"]),
    mode=st.one_of(st.none(), st.integers(0, 0o7777)),
    size=st.one_of(st.none(), st.integers(0, 2**63)),
    target=st.one_of(st.none(), st.binary(max_size=10)),
    source=st.text(min_size=1, max_size=8),
    rdev=st.one_of(st.none(), st.from_regex(r"[0-9]{1,3}:[0-9]{1,3}", fullmatch=True)),
)
def test_fast_canonical_line_equals_json_dumps(
    path: bytes, kind: str, mode, size, target, source: str, rdev
) -> None:  # type: ignore[no-untyped-def]
    from expertise.seal.model import Entry, canonical

    entry = Entry(path, kind, mode, size, "ab" * 32 if kind == "file" else None, target, rdev)
    assert entry.canonical(source) == canonical(entry.to_json(source))
