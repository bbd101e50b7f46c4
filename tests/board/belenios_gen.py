"""Make real Belenios 2.0 elections with Debian's belenios-tool, for the tests and the benchmark.

Everything cryptographic is done by belenios-tool (setup, credentials, trustee keys including
the Pedersen key ceremony, ballots, tally, shuffles, partial decryptions, result); this module
only drives it and records the voters' plaintexts so that the expected result is known
independently. belenios-tool's own verdict (`election verify`) is kept as the second opinion.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TOOL = "belenios-tool"
ENV = {**os.environ, "BELENIOS_USE_URANDOM": "1", "LC_ALL": "C"}


class ToolError(RuntimeError):
    pass


def tool(*args: str, cwd: Path | None = None, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([TOOL, *args], cwd=cwd, input=stdin, capture_output=True, env=ENV, timeout=3600)
    if check and result.returncode != 0:
        raise ToolError(f"belenios-tool {' '.join(args)} failed ({result.returncode}): "
                        f"{result.stderr.decode(errors='replace')[-2000:]}")
    return result


def tool_available() -> bool:
    return shutil.which(TOOL) is not None


@dataclass(frozen=True)
class ElectionSpec:
    voters: int = 10
    candidates: int = 3
    minimum: int = 1
    maximum: int = 1
    blank: bool = False
    homomorphic: bool = True
    nh_candidates: int = 0  # > 0 adds a non-homomorphic ranking question (forces RFC-3526-2048)
    group: str = "BELENIOS-2048"
    singles: int = 2
    threshold: tuple[int, int] | None = None  # (needed, members) of a Pedersen group
    absent_member: int = 1  # Pedersen member (1-based) who does not decrypt, when needed < members
    revotes: int = 0  # the first R voters vote again
    abstain: int = 0  # the last A voters do not vote
    weights: bool = False
    seed: int = 0
    stop: str = "result"  # "voting" (no EndBallots), "ended", "tally", "result"
    name: str = "Test election"
    description: str = "Generated with belenios-tool for the expertise tests"
    answers: tuple[str, ...] = ()  # homomorphic answers (default: Candidate 1…n)
    question: str = ""
    jobs: int = 2
    fast_append: bool | None = None  # append ballots with boardkit (byte-identical); None: when > 300 ballots

    def key(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Election:
    spec: ElectionSpec
    dir: Path
    uuid: str
    board: Path
    credentials_fingerprint: str
    votes: list[dict[str, Any]]
    expected: dict[str, Any]
    snapshots: dict[str, Path] = field(default_factory=dict)
    tool_verdict: tuple[int, str] | None = None

    @property
    def private(self) -> Path:
        return self.dir / "private"

    def result_payload(self) -> dict[str, Any] | None:
        path = self.dir / "result.json"
        return json.loads(path.read_text()) if path.exists() else None


def choose_votes(spec: ElectionSpec) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rnd = random.Random(spec.seed)
    voters = [f"voter{i + 1:05d}" for i in range(spec.voters)]
    weights = {v: (rnd.randint(1, 5) if spec.weights else 1) for v in voters}
    voting = voters[: spec.voters - spec.abstain]

    def ballot() -> list[list[int]]:
        out = []
        if spec.homomorphic:
            n = spec.candidates
            if spec.blank and rnd.random() < 0.15:
                out.append([1] + [0] * n)
            else:
                chosen = set(rnd.sample(range(n), rnd.randint(spec.minimum, spec.maximum)))
                row = [1 if i in chosen else 0 for i in range(n)]
                out.append(([0] + row) if spec.blank else row)
        if spec.nh_candidates:
            ranks = list(range(1, spec.nh_candidates + 1))
            rnd.shuffle(ranks)
            out.append(ranks)
        return out

    casts = [(v, ballot()) for v in voting] + [(v, ballot()) for v in voting[: spec.revotes]]
    final = {v: b for v, b in casts}
    votes = [{"seq": i + 1, "voter": v, "weight": weights[v], "choices": b, "counted": final[v] is b}
             for i, (v, b) in enumerate(casts)]
    result: list[Any] = []
    qi = 0
    if spec.homomorphic:
        totals = [0] * (spec.candidates + (1 if spec.blank else 0))
        for v, b in final.items():
            for i, x in enumerate(b[qi]):
                totals[i] += x * weights[v]
        result.append(totals)
        qi += 1
    if spec.nh_candidates:
        result.append(sorted(b[qi] for b in final.values()))
    expected = {"result": result, "num_tallied": len(final), "total_weight": sum(weights[v] for v in final),
                "voters": voters, "weights": weights}
    return votes, expected


def _template(spec: ElectionSpec) -> dict[str, Any]:
    questions: list[Any] = []
    if spec.homomorphic:
        answers = list(spec.answers) or [f"Candidate {i + 1}" for i in range(spec.candidates)]
        assert len(answers) == spec.candidates
        q: dict[str, Any] = {"answers": answers}
        if spec.blank:
            q["blank"] = True
        q.update({"min": spec.minimum, "max": spec.maximum,
                  "question": spec.question or f"Choose {spec.minimum} to {spec.maximum} candidates"})
        questions.append(q)
    if spec.nh_candidates:
        questions.append({"type": "NonHomomorphic",
                          "value": {"answers": [f"Option {chr(65 + i)}" for i in range(spec.nh_candidates)],
                                    "question": "Rank the options (1 = best)"}})
    return {"description": spec.description, "name": spec.name, "questions": questions}


def make_election(spec: ElectionSpec, target: Path) -> Election:
    """Run a whole election with belenios-tool in ``target`` (created, must not exist)."""
    group = "RFC-3526-2048" if spec.nh_candidates else spec.group
    target.mkdir(parents=True)
    setup = target / "setup"
    private = target / "private"
    snapshots = target / "snapshots"
    for d in (setup, private, snapshots):
        d.mkdir()
    votes, expected = choose_votes(spec)
    (setup / "voters.txt").write_text("".join(
        f"{v}@example.org,{v}" + (f",{expected['weights'][v]}" if spec.weights else "") + "\n"
        for v in expected["voters"]))
    uuid = tool("setup", "generate-token").stdout.decode().strip()
    g = ["--group", group]
    made = tool("setup", "generate-credentials", "--uuid", uuid, *g, "--file", "voters.txt", "--dir", ".", cwd=setup)
    out = made.stdout.decode() + made.stderr.decode()
    privcreds = next(setup.glob("*.privcreds"))
    pubcreds = next(setup.glob("*.pubcreds"))
    privcreds.rename(private / "private_creds.txt")
    pubcreds.rename(setup / "public_creds.json")
    fingerprint = _fingerprint_from(out)
    keys = []
    for i in range(spec.singles):
        scratch = setup / f"single{i + 1}"
        scratch.mkdir()
        tool("setup", "generate-trustee-key", *g, cwd=scratch)
        pub = next(scratch.glob("*.pubkey"))
        priv = next(scratch.glob("*.privkey"))
        keys.append(pub.read_text().strip())
        priv.rename(private / f"single{i + 1}.privkey")
        shutil.rmtree(scratch)
    (setup / "public_keys.jsons").write_text("".join(k + "\n" for k in keys))
    if spec.threshold:
        _threshold_ceremony(spec, setup, private, g)
    tool("setup", "make-trustees", "--dir", ".", cwd=setup)
    (setup / "template.json").write_text(json.dumps(_template(spec), separators=(",", ":"), ensure_ascii=False))
    tool("setup", "make-election", "--uuid", uuid, *g, "--template", "template.json", "--dir", ".", cwd=setup)
    tool("archive", "init", "--dir", ".", cwd=setup)
    board = target / f"{uuid}.bel"
    (setup / f"{uuid}.bel").rename(board)
    actual = base64.b64encode(hashlib.sha256(_credentials_record(board)).digest()).decode().rstrip("=")
    if fingerprint and fingerprint != actual:
        raise ToolError(f"credential fingerprint {actual} differs from the one printed ({fingerprint})")
    # ballots: generated against the Setup-only board, in parallel; appended in voting order
    credentials = {}
    for line in (private / "private_creds.txt").read_text().splitlines():
        ident, cred = line.rsplit(" ", 1)
        credentials[ident.split(",")[1]] = cred
    scratch = target / "gen"
    scratch.mkdir()
    shutil.copy(board, scratch / board.name)
    ballots_dir = target / "ballots"
    ballots_dir.mkdir()

    def generate(vote: dict[str, Any]) -> str:
        base = ballots_dir / f"{vote['seq']:05d}"
        base.with_suffix(".cred").write_text(credentials[vote["voter"]] + "\n")
        base.with_suffix(".choices").write_text(json.dumps(vote["choices"]) + "\n")
        text = tool("election", "generate-ballot", "--dir", str(scratch), "--privcred", str(base.with_suffix(".cred")),
                    "--ballot", str(base.with_suffix(".choices"))).stdout.decode().strip()
        return text

    with ThreadPoolExecutor(max_workers=spec.jobs) as pool:
        ballots = list(pool.map(generate, votes))
    shutil.rmtree(scratch)
    middle = len(ballots) // 2
    fast = spec.fast_append if spec.fast_append is not None else len(ballots) > 300
    if fast:  # belenios-tool's add-event re-reads the whole board each time (quadratic)
        append_ballots(board, [b.encode() for b in ballots[:middle]])
        shutil.copy(board, snapshots / "mid_voting.bel")
        append_ballots(board, [b.encode() for b in ballots[middle:]])
    for index, (vote, text) in enumerate(zip(votes, ballots)):
        if not fast:
            if index == middle:
                shutil.copy(board, snapshots / "mid_voting.bel")
            tool("archive", "add-event", "--type=Ballot", "--dir", str(target), stdin=(text + "\n").encode())
        vote["tracker"] = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode().rstrip("=")
        vote["credential"] = json.loads(text)["credential"]
    (target / "ballots.jsonl").write_text("".join(b + "\n" for b in ballots))
    shutil.copy(board, snapshots / "end_of_voting.bel")
    election = Election(spec, target, uuid, board, actual, votes, expected,
                        {name: snapshots / f"{name}.bel" for name in ("mid_voting", "end_of_voting")
                         if (snapshots / f"{name}.bel").exists()})
    if spec.stop != "voting":
        tally(election)
    election.tool_verdict = tool_verify(board)
    (target / "election.json").write_text(json.dumps({
        "spec": asdict(spec), "uuid": uuid, "credentials_fingerprint": actual, "votes": votes, "expected": expected,
        "snapshots": {k: str(v.relative_to(target)) for k, v in election.snapshots.items()},
        "tool_verdict": election.tool_verdict}, indent=1))
    return election


def _fingerprint_from(output: str) -> str | None:
    for line in output.splitlines():
        if "fingerprint" in line:
            return line.split()[-1]
    return None


def _credentials_record(board: Path) -> bytes:
    import tarfile

    with tarfile.open(board) as tar:
        member = tar.getmembers()[3]
        handle = tar.extractfile(member)
        assert handle is not None
        return handle.read()


def _threshold_ceremony(spec: ElectionSpec, setup: Path, private: Path, g: list[str]) -> None:
    assert spec.threshold is not None
    needed, members = spec.threshold
    work = private / "threshold"
    work.mkdir()

    def tk(*args: str, stdin: bytes | None = None) -> bytes:
        return tool("setup", "generate-trustee-key-threshold", *g, *args, cwd=work, stdin=stdin).stdout

    order = []
    for _ in range(members):
        before = set(work.glob("*.cert"))
        tk("--step", "1")
        (new,) = set(work.glob("*.cert")) - before
        order.append(new.stem)
    (work / "order.txt").write_text("\n".join(order) + "\n")
    (work / "certs.jsons").write_text("".join((work / f"{h}.cert").read_text().strip() + "\n" for h in order))
    tk("--certs", "certs.jsons", "--step", "2")
    polys = b"".join(tk("--certs", "certs.jsons", "--key", f"{h}.key", "--step", "3", "--threshold", str(needed))
                     for h in order)
    (work / "polynomials.jsons").write_bytes(polys)
    tk("--certs", "certs.jsons", "--step", "4", "--polynomials", "polynomials.jsons")
    for h in order:
        out = tk("--certs", "certs.jsons", "--key", f"{h}.key", "--step", "5",
                 stdin=(work / f"{h}.vinput").read_bytes())
        (work / f"{h}.voutput").write_bytes(out)
    outputs = b"".join((work / f"{h}.voutput").read_bytes() for h in order)
    (setup / "threshold.json").write_bytes(tk("--certs", "certs.jsons", "--step", "6", "--polynomials",
                                              "polynomials.jsons", stdin=outputs))


def append_ballots(board: Path, ballots: list[bytes]) -> None:
    """Append Ballot events exactly as `belenios-tool archive add-event` would (same bytes), in one pass."""
    from .boardkit import read_raw, record_bytes, sha

    records = read_raw(board)
    timestamp = int(json.loads(records[0][1])["timestamp"])
    events = [(name, body) for name, body in records if name.endswith(".event.json")]
    parent = sha(events[-1][1])
    height = json.loads(events[-1][1])["height"]
    out = bytearray()
    for ballot in ballots:
        height += 1
        out += record_bytes(f"{sha(ballot)}.data.json", ballot, timestamp)
        event = json.dumps({"parent": parent, "height": height, "type": "Ballot", "payload": sha(ballot)},
                           separators=(",", ":")).encode()
        out += record_bytes(f"{sha(event)}.event.json", event, timestamp)
        parent = sha(event)
    with open(board, "ab") as handle:
        handle.write(out)


def add_event(board_dir: Path, kind: str, lines: bytes = b"") -> None:
    tool("archive", "add-event", f"--type={kind}", "--dir", str(board_dir), stdin=lines)


def tally(election: Election, *, stop: str | None = None) -> None:
    """EndBallots, encrypted tally, shuffles, partial decryptions and result, as the server does."""
    add_event(election.dir, "EndBallots")
    finish_tally(election.spec, election.dir, election.private, stop=stop or election.spec.stop)


def finish_tally(spec: ElectionSpec, d: Path, private: Path, *, stop: str = "result") -> None:
    """From EndBallots on, in the board folder ``d``, with the trustees' private keys in ``private``."""
    if stop == "ended":
        return
    add_event(d, "EncryptedTally", tool("election", "compute-encrypted-tally", "--dir", str(d)).stdout)
    if stop == "tally":
        return
    if spec.nh_candidates:
        for i in range(1, max(spec.singles, 1) + 1):
            add_event(d, "Shuffle", tool("election", "shuffle", f"--trustee-id={i}", "--dir", str(d)).stdout)
        add_event(d, "EndShuffles")
    for i in range(1, spec.singles + 1):
        add_event(d, "PartialDecryption", tool("election", "decrypt", "--privkey", str(private / f"single{i}.privkey"),
                                               "--trustee-id", str(i), "--dir", str(d)).stdout)
    if spec.threshold:
        needed, members = spec.threshold
        work = private / "threshold"
        order = (work / "order.txt").read_text().split()
        for j, h in enumerate(order, start=1):
            if j == spec.absent_member and needed < members:
                continue
            add_event(d, "PartialDecryption", tool(
                "election", "decrypt-threshold", "--key", str(work / f"{h}.key"), "--decryption-key",
                str(work / f"{h}.dkey"), "--trustee-id", str(spec.singles + j), "--dir", str(d)).stdout)
    result = tool("election", "compute-result", "--dir", str(d)).stdout
    (d / "result.json").write_bytes(result)
    add_event(d, "Result", result)


def tool_verify(board: Path) -> tuple[int, str]:
    """belenios-tool's verdict on a board: (exit status, last line of its messages)."""
    scratch = board.parent / f".verify-{board.stem}"
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir()
    try:
        os.link(board, scratch / board.name) if board.stat().st_dev == scratch.stat().st_dev else \
            shutil.copy(board, scratch / board.name)
        result = tool("election", "verify", "--dir", str(scratch), check=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    lines = [line for line in result.stderr.decode(errors="replace").splitlines() if line.strip()]
    return result.returncode, lines[-1] if lines else ""


def load_election(target: Path) -> Election:
    meta = json.loads((target / "election.json").read_text())
    spec_data = dict(meta["spec"])
    if spec_data.get("threshold"):
        spec_data["threshold"] = tuple(spec_data["threshold"])
    spec_data["answers"] = tuple(spec_data.get("answers") or ())
    spec = ElectionSpec(**spec_data)
    board = target / f"{meta['uuid']}.bel"
    verdict = meta.get("tool_verdict")
    return Election(spec, target, meta["uuid"], board, meta["credentials_fingerprint"], meta["votes"],
                    meta["expected"], {k: target / v for k, v in meta["snapshots"].items()},
                    tuple(verdict) if verdict else None)


def cached_election(spec: ElectionSpec, cache: Path) -> Election:
    """Make the election once per cache folder (the tests' session folder, or a folder kept between runs)."""
    target = cache / f"election-{spec.key()}"
    if (target / "election.json").exists():
        return load_election(target)
    if target.exists():
        shutil.rmtree(target)
    return make_election(spec, target)
