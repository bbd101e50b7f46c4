"""Take Belenios boards apart and put them back together, to make tampered and hostile boards.

`rebuild` recomputes every hash, reference and parent exactly as Belenios would, so a
tampered board is internally consistent (the archive step passes) and only the step that
the tampering targets can notice it. `write_raw` writes records as given, for hostile
containers. Test code only: the product never writes boards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BLOCK = 512


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def tar_header(name: str, size: int, mtime: int) -> bytes:
    block = bytearray(BLOCK)
    block[0:len(name)] = name.encode()
    block[100:108] = b"0000644\0"
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = b"%011o\0" % size
    block[136:148] = b"%011o\0" % mtime
    block[148:156] = b" " * 8
    block[156:157] = b"0"
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def record_bytes(name: str, body: bytes, mtime: int) -> bytes:
    return tar_header(name, len(body), mtime) + body + b"\0" * ((-len(body)) % BLOCK)


def read_raw(path: Path) -> list[tuple[str, bytes]]:
    data = Path(path).read_bytes()
    out = []
    pos = 0
    while pos + BLOCK <= len(data):
        block = data[pos:pos + BLOCK]
        name = block[:100].split(b"\0", 1)[0].decode()
        size = int(block[124:135], 8)
        out.append((name, data[pos + BLOCK:pos + BLOCK + size]))
        pos += BLOCK + (size + BLOCK - 1) // BLOCK * BLOCK
    return out


def write_raw(records: list[tuple[str, bytes]], mtime: int) -> bytes:
    return b"".join(record_bytes(name, body, mtime) for name, body in records)


@dataclass
class Step:
    type: str
    data: list[bytes] = field(default_factory=list)

    def json(self, index: int = 0) -> Any:
        return json.loads(self.data[index])

    def set_json(self, index: int, value: Any) -> None:
        self.data[index] = compact(value)


@dataclass
class Board:
    header: bytes
    steps: list[Step]

    @property
    def timestamp(self) -> int:
        return int(json.loads(self.header)["timestamp"])

    @classmethod
    def read(cls, path: Path) -> "Board":
        records = read_raw(path)
        assert records[0][0] == "BELENIOS"
        steps: list[Step] = []
        pending: list[bytes] = []
        for name, body in records[1:]:
            if name.endswith(".event.json"):
                steps.append(Step(json.loads(body)["type"], pending))
                pending = []
            else:
                pending.append(body)
        assert not pending
        return cls(records[0][1], steps)

    def of_type(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.type == kind]

    def ballots(self) -> list[Step]:
        return self.of_type("Ballot")

    def index_of(self, step: Step) -> int:
        return next(i for i, s in enumerate(self.steps) if s is step)

    def truncate_after(self, kind: str) -> "Board":
        """The board up to and including the last event of this type."""
        last = max(i for i, s in enumerate(self.steps) if s.type == kind)
        return Board(self.header, [Step(s.type, list(s.data)) for s in self.steps[:last + 1]])

    def build(self) -> bytes:
        mtime = self.timestamp
        out = bytearray(record_bytes("BELENIOS", self.header, mtime))
        parent = None
        for height, step in enumerate(self.steps):
            data = list(step.data)
            payload = None
            if step.type == "Setup":
                setup = json.loads(data[3])
                setup.update(election=sha(data[0]), trustees=sha(data[1]), credentials=sha(data[2]))
                data[3] = compact(setup)
                payload = sha(data[3])
            elif step.type in ("Ballot", "Result"):
                payload = sha(data[0])
            elif step.type == "EncryptedTally":
                sized = json.loads(data[1])
                sized["encrypted_tally"] = sha(data[0])
                data[1] = compact(sized)
                payload = sha(data[1])
            elif step.type in ("Shuffle", "PartialDecryption"):
                owned = json.loads(data[1])
                owned["payload"] = sha(data[0])
                data[1] = compact(owned)
                payload = sha(data[1])
            step.data = data
            for body in data:
                out += record_bytes(f"{sha(body)}.data.json", body, mtime)
            event: dict[str, Any] = {}
            if parent is not None:
                event["parent"] = parent
            event["height"] = height
            event["type"] = step.type
            if payload is not None:
                event["payload"] = payload
            body = compact(event)
            out += record_bytes(f"{sha(body)}.event.json", body, mtime)
            parent = sha(body)
        return bytes(out)

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.build())
        return path
