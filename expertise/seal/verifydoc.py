"""The stock commands that re-check a seal without `expertise`, and VERIFY.md around them.

One list of commands feeds VERIFY.md (kept in the seal folder), the report's chapter on
a-posteriori verification and the tests, which run these very commands: what the
document promises is what the tests prove.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from ..i18n import LANGUAGES, Message, msg, render as text
from .keys import PRINCIPAL

NAMESPACE = "expertise-seal"


@dataclass(frozen=True)
class Step:
    """One re-check: its commands (data, run as they are by the tests) and what they should print
    (a message, in the reader's language)."""

    id: str
    title: Message
    commands: tuple[str, ...]
    expect: Message
    where: str = "seal"  # "seal": run inside the seal folder; "source": see the step's text

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title.to_dict(), "commands": list(self.commands),
                "expect": self.expect.to_dict(), "where": self.where}


def _q(value: str) -> str:
    return shlex.quote(value)


def _content_steps(header: dict[str, Any]) -> list[Step]:
    sources = header["sources"]
    multi = len(sources) > 1
    out: list[Step] = []
    prepared: list[tuple[str, str]] = []  # (source name, local folder holding its files)
    for source in sources:
        name, kind = source["name"], source["kind"]
        if kind == "git":
            repo = source.get("repository", "REPOSITORY")
            treeish = source["commit"] + (f":{source['subdir']}" if source.get("subdir") else "")
            folder = f"/tmp/verif-{name}"
            out.append(
                Step(
                    f"git-{name}",
                    msg("seal.verify_md.git_title", name=name),
                    (
                        f"git -C {_q(repo)} rev-parse --verify "
                        f"{_q(treeish + ('' if ':' in treeish else '^{tree}'))}",
                        f"mkdir -p {folder} && git -C {_q(repo)} archive {_q(treeish)} | tar -x -C {folder}",
                    ),
                    msg("seal.verify_md.git_expect", tree=source["tree"], commit=source["commit"]),
                    where="anywhere",
                )
            )
            prepared.append((name, folder))
        elif kind == "ssh":
            folder = f"/tmp/verif-{name}"
            port = int(source.get("port", 22))
            remote = f"{source['user']}@{source['host']}"
            pack = f"tar -C {_q(source['path'])} -cf - ."
            out.append(
                Step(
                    f"ssh-{name}",
                    msg("seal.verify_md.ssh_title", name=name),
                    (
                        f"ssh-keyscan -p {port} {_q(source['host'])} 2>/dev/null | ssh-keygen -lf -",
                        f"mkdir -p {folder} && ssh -p {port} {_q(remote)} {_q(pack)} | tar -x -C {folder}",
                    ),
                    msg("seal.verify_md.ssh_expect", fingerprint=source["host_key_fingerprint"]),
                    where="anywhere",
                )
            )
            prepared.append((name, folder))
        else:
            root = source.get("root", "SOURCE")
            prepared.append((name, root))
    if multi:
        links = [f"ln -sfn {_q(folder)} {_q(name)}" for name, folder in prepared]
        out.append(
            Step(
                "content",
                msg("seal.verify_md.content_title"),
                (
                    "mkdir -p /tmp/verif-seal && cd /tmp/verif-seal",
                    *links,
                    'sha256sum --strict --quiet -c "$SEAL/SHA256SUMS"',
                ),
                msg("seal.verify_md.content_expect_multi"),
                where="source",
            )
        )
    else:
        name, folder = prepared[0]
        out.append(
            Step(
                "content",
                msg("seal.verify_md.content_title"),
                (f"cd {_q(folder)}", 'sha256sum --strict --quiet -c "$SEAL/SHA256SUMS"'),
                msg("seal.verify_md.content_expect"),
                where="source",
            )
        )
    added = [": > /tmp/now.txt && : > /tmp/sealed.txt"]
    for name, folder in prepared:
        prefix = f"{name}/" if multi else ""
        added.append(
            f"(cd {_q(folder)} && find . -mindepth 1 \\( -type f -o -type l \\) -printf "
            f"{_q(prefix + '%P' + chr(92) + 'n')}) >> /tmp/now.txt"
        )
        added.append(
            f'jq -r \'.entries[] | select(.source == "{name}" and (.type == "file" or '
            f'.type == "symlink")) | "{prefix}" + .path\' "$SEAL/manifest.json" >> /tmp/sealed.txt'
        )
    added += [
        "LC_ALL=C sort -o /tmp/now.txt /tmp/now.txt && LC_ALL=C sort -o /tmp/sealed.txt /tmp/sealed.txt",
        "diff /tmp/sealed.txt /tmp/now.txt",
    ]
    out.append(
        Step(
            "added",
            msg("seal.verify_md.added_title"),
            tuple(added),
            msg("seal.verify_md.added_expect"),
            where="source",
        )
    )
    return out


MERKLE_SNIPPET = """python3 - <<'EOF'
import hashlib, json
m = json.load(open("manifest.json", encoding="utf-8"))
leaves = [hashlib.sha256(b"\\0" + json.dumps(e, sort_keys=True, separators=(",", ":"),
          ensure_ascii=False).encode()).digest() for e in m["entries"]]
def mth(h):
    if len(h) == 1:
        return h[0]
    k = 1
    while 2 * k < len(h):
        k *= 2
    return hashlib.sha256(b"\\1" + mth(h[:k]) + mth(h[k:])).digest()
print(mth(leaves).hex() if leaves else hashlib.sha256(b"").hexdigest())
EOF"""


def steps(header: dict[str, Any], *, has_timestamp: bool, has_tsa_ca: bool) -> list[Step]:
    expert = header["expert"]
    result = [
        Step(
            "key",
            msg("seal.verify_md.key_title"),
            ("ssh-keygen -lf expert.pub", "openssl pkey -pubin -in expert.pem -outform DER | sha256sum"),
            msg("seal.verify_md.key_expect", fingerprint=expert["fingerprint"], spki=expert["spki_sha256"]),
        ),
        Step(
            "signatures",
            msg("seal.verify_md.signatures_title"),
            (
                f"ssh-keygen -Y verify -f allowed_signers -I {PRINCIPAL} -n {NAMESPACE} -s SHA256SUMS.sig "
                "< SHA256SUMS",
                f"ssh-keygen -Y verify -f allowed_signers -I {PRINCIPAL} -n {NAMESPACE} -s manifest.json.sig "
                "< manifest.json",
                "openssl pkeyutl -verify -pubin -inkey expert.pem -rawin -in SHA256SUMS -sigfile "
                "SHA256SUMS.ed25519",
            ),
            msg("seal.verify_md.signatures_expect", good=f'Good "{NAMESPACE}" signature for {PRINCIPAL}',
                verified="Signature Verified Successfully", rebuild=ALLOWED_SIGNERS_BY_HAND),
        ),
    ]
    if has_timestamp:
        ca = "tsa-ca.pem" if has_tsa_ca else "TSA-CA.pem"
        result.append(
            Step(
                "timestamp",
                msg("seal.verify_md.timestamp_title"),
                (
                    f"openssl ts -verify -data SHA256SUMS -in SHA256SUMS.tsr -CAfile {ca}",
                    "openssl ts -reply -in SHA256SUMS.tsr -text | grep -E 'Time stamp|Policy OID|Serial'",
                ),
                msg("seal.verify_md.timestamp_expect", ok="Verification: OK"),
            )
        )
    result.append(
        Step(
            "merkle",
            msg("seal.verify_md.merkle_title"),
            (MERKLE_SNIPPET,),
            msg("seal.verify_md.merkle_expect", root=header["merkle"]["root"]),
        )
    )
    result.extend(_content_steps(header))
    return result


ALLOWED_SIGNERS_BY_HAND = (
    f"printf '{PRINCIPAL} namespaces=\"{NAMESPACE}\" %s\\n' \"$(cut -d' ' -f1,2 expert.pub)\" > allowed_signers"
)
_HEADINGS = {"fr": msg("seal.verify_md.language_fr"), "en": msg("seal.verify_md.language_en")}


def render(header: dict[str, Any], *, has_timestamp: bool, has_tsa_ca: bool, first: str = "fr") -> str:
    """VERIFY.md: the same steps once per language, ``first`` (the console's) first; the commands
    are the very lines the tests run, the sentences come from the catalogues."""
    items = steps(header, has_timestamp=has_timestamp, has_tsa_ca=has_tsa_ca)
    name = header["name"]
    title = msg("seal.verify_md.title", name=name)
    order = [first] + [lang for lang in LANGUAGES if lang != first]
    lines = ["# " + " — ".join(text(title, lang) for lang in order), ""]
    for lang in order:
        lines += [
            f"## {text(_HEADINGS[lang], lang)}",
            "",
            text(msg("seal.verify_md.intro", name=name, created=header["created"],
                     fingerprint=header["expert"]["fingerprint"], root=header["merkle"]["root"]), lang),
            "",
            text(msg("seal.verify_md.open_terminal"), lang),
            "",
            "```sh",
            'SEAL="$PWD"',
            "```",
            "",
        ]
        for number, step in enumerate(items, start=1):
            lines += [
                f"### {number}. {text(step.title, lang)}",
                "",
                "```sh",
                *step.commands,
                "```",
                "",
                text(msg("seal.verify_md.expected", expect=step.expect), lang),
                "",
            ]
        lines += [text(msg("seal.verify_md.covered"), lang), ""]
    return "\n".join(lines)
