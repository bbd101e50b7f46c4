"""The stock commands that re-check a seal without `expertise`, and VERIFY.md around them.

One list of commands feeds VERIFY.md (kept in the seal folder), the report's chapter on
a-posteriori verification and the tests, which run these very commands: what the
document promises is what the tests prove.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from typing import Any

from .keys import PRINCIPAL

NAMESPACE = "expertise-seal"


@dataclass(frozen=True)
class Step:
    id: str
    title_fr: str
    title_en: str
    commands: tuple[str, ...]
    expect_fr: str
    expect_en: str
    where: str = "seal"  # "seal": run inside the seal folder; "source": see the step's text

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__, commands=list(self.commands))


def _q(value: str) -> str:
    return shlex.quote(value)


NBSP = "\u00a0"


def french(text: str) -> str:
    """French typography: a non-breaking space before : ; ! ? and inside « »."""
    for mark in (":", ";", "!", "?"):
        text = text.replace(f" {mark}", f"{NBSP}{mark}")
    return text.replace("« ", f"«{NBSP}").replace(" »", f"{NBSP}»")


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
                    f"Arbre git « {name} »",
                    f'Git tree "{name}"',
                    (
                        f"git -C {_q(repo)} rev-parse --verify "
                        f"{_q(treeish + ('' if ':' in treeish else '^{tree}'))}",
                        f"mkdir -p {folder} && git -C {_q(repo)} archive {_q(treeish)} | tar -x -C {folder}",
                    ),
                    f"la première commande affiche {source['tree']} ; la seconde extrait les fichiers du "
                    "commit "
                    f"{source['commit']} (les attributs export-ignore/export-subst de .gitattributes, s'il y "
                    "en a, "
                    "modifient l'archive : utiliser alors une extraction fichier par fichier)",
                    f"the first command prints {source['tree']}; the second extracts the files of commit "
                    f"{source['commit']} (export-ignore/export-subst attributes in .gitattributes, if any, "
                    "alter the "
                    "archive: extract the files one by one instead)",
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
                    f"Fichiers distants « {name} »",
                    f'Remote files "{name}"',
                    (
                        f"ssh-keyscan -p {port} {_q(source['host'])} 2>/dev/null | ssh-keygen -lf -",
                        f"mkdir -p {folder} && ssh -p {port} {_q(remote)} {_q(pack)} | tar -x -C {folder}",
                    ),
                    f"la première commande doit afficher {source['host_key_fingerprint']} (clé d'hôte "
                    "scellée) ; "
                    "la seconde copie les fichiers pour les vérifier ici (un compte limité à SFTP copie avec "
                    "sftp -r ou scp -r)",
                    f"the first command must list {source['host_key_fingerprint']} (the sealed host key); "
                    "the second "
                    "copies the files to check them here (an SFTP-only account copies with sftp -r or scp "
                    "-r)",
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
                "Contenu des fichiers",
                "File contents",
                (
                    "mkdir -p /tmp/verif-seal && cd /tmp/verif-seal",
                    *links,
                    'sha256sum --strict --quiet -c "$SEAL/SHA256SUMS"',
                ),
                "les liens placent chaque source sous son nom (adapter les chemins s'ils ont changé) ; "
                "sha256sum "
                "n'affiche rien et sort avec le code 0 quand tous les fichiers sont identiques, sinon il "
                "nomme "
                "chaque fichier différent ou absent",
                "the links put each source under its name (adjust the paths if they moved); sha256sum prints "
                "nothing and exits 0 when every file matches, otherwise it names each differing or missing "
                "file",
                where="source",
            )
        )
    else:
        name, folder = prepared[0]
        out.append(
            Step(
                "content",
                "Contenu des fichiers",
                "File contents",
                (f"cd {_q(folder)}", 'sha256sum --strict --quiet -c "$SEAL/SHA256SUMS"'),
                "(adapter le chemin si la source a été déplacée) ; sha256sum n'affiche rien et sort avec le "
                "code 0 "
                "quand tous les fichiers sont identiques, sinon il nomme chaque fichier différent ou absent",
                "(adjust the path if the source moved); sha256sum prints nothing and exits 0 when every file "
                "matches, otherwise it names each differing or missing file",
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
            "Fichiers ajoutés (facultatif)",
            "Added files (optional)",
            tuple(added),
            "sha256sum -c ne contrôle que les fichiers listés : diff montre les fichiers ajoutés (>) ou "
            "retirés (<) "
            "(hors noms contenant un saut de ligne, et hors motifs exclus à la création) ; jq est le paquet "
            "Debian "
            "« jq »",
            "sha256sum -c only checks the listed files: diff shows added (>) or removed (<) files (names "
            "holding a "
            'newline aside, and paths excluded at creation); jq is the Debian package "jq"',
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
            "Clé de l'expert",
            "Expert's key",
            ("ssh-keygen -lf expert.pub", "openssl pkey -pubin -in expert.pem -outform DER | sha256sum"),
            f"la première commande affiche {expert['fingerprint']}, la seconde {expert['spki_sha256']} ; "
            "comparer avec l'empreinte publiée dans le rapport d'expertise",
            f"the first command prints {expert['fingerprint']}, the second {expert['spki_sha256']}; compare "
            "with the fingerprint printed in the expert report",
        ),
        Step(
            "signatures",
            "Signatures",
            "Signatures",
            (
                f"ssh-keygen -Y verify -f allowed_signers -I {PRINCIPAL} -n {NAMESPACE} -s SHA256SUMS.sig "
                "< SHA256SUMS",
                f"ssh-keygen -Y verify -f allowed_signers -I {PRINCIPAL} -n {NAMESPACE} -s manifest.json.sig "
                "< manifest.json",
                "openssl pkeyutl -verify -pubin -inkey expert.pem -rawin -in SHA256SUMS -sigfile "
                "SHA256SUMS.ed25519",
            ),
            '« Good "expertise-seal" signature for expert » deux fois, puis « Signature Verified '
            "Successfully » ; "
            "allowed_signers se refait à la main : printf 'expert namespaces=\"expertise-seal\" %s\\n' "
            "\"$(cut -d' ' -f1,2 expert.pub)\" > allowed_signers",
            '"Good "expertise-seal" signature for expert" twice, then "Signature Verified Successfully"; '
            "allowed_signers can be rebuilt by hand: printf 'expert namespaces=\"expertise-seal\" %s\\n' "
            "\"$(cut -d' ' -f1,2 expert.pub)\" > allowed_signers",
        ),
    ]
    if has_timestamp:
        ca = "tsa-ca.pem" if has_tsa_ca else "TSA-CA.pem"
        result.append(
            Step(
                "timestamp",
                "Horodatage RFC 3161",
                "RFC 3161 time-stamp",
                (
                    f"openssl ts -verify -data SHA256SUMS -in SHA256SUMS.tsr -CAfile {ca}",
                    "openssl ts -reply -in SHA256SUMS.tsr -text | grep -E 'Time stamp|Policy OID|Serial'",
                ),
                "« Verification: OK », puis la date de l'horodatage ; le certificat racine de l'autorité "
                "d'horodatage doit être obtenu auprès d'elle (tsa-ca.pem n'en est qu'une copie de commodité)",
                "\"Verification: OK\", then the time-stamp's date; obtain the authority's root certificate "
                "from the "
                "authority itself (tsa-ca.pem is only a convenience copy)",
            )
        )
    result.append(
        Step(
            "merkle",
            "Racine de Merkle (facultatif)",
            "Merkle root (optional)",
            (MERKLE_SNIPPET,),
            f"affiche {header['merkle']['root']}, la racine citée dans le rapport",
            f"prints {header['merkle']['root']}, the root quoted in the report",
        )
    )
    result.extend(_content_steps(header))
    return [
        replace(step, title_fr=french(step.title_fr), expect_fr=french(step.expect_fr)) for step in result
    ]


def render(header: dict[str, Any], *, has_timestamp: bool, has_tsa_ca: bool) -> str:
    items = steps(header, has_timestamp=has_timestamp, has_tsa_ca=has_tsa_ca)
    name = header["name"]
    fingerprint = header["expert"]["fingerprint"]
    lines = [french(f"# Scellé « {name} »") + f' — Seal "{name}"', ""]
    for lang in ("fr", "en"):
        if lang == "fr":
            lines += [
                "## Français",
                "",
                french(
                    f"Ce dossier est le scellé « {name} », créé le {header['created']} par l'expert dont la "
                    f"clé a pour empreinte `{fingerprint}`. Il permet de vérifier, sans l'outil `expertise`, "
                    "avec les commandes standard de Debian (coreutils, OpenSSH, OpenSSL), que les fichiers "
                    f"n'ont pas été modifiés. Racine de Merkle : `{header['merkle']['root']}`."
                ),
                "",
                french("Ouvrir un terminal dans ce dossier, puis :"),
                "",
                "```sh",
                'SEAL="$PWD"',
                "```",
                "",
            ]
        else:
            lines += [
                "## English",
                "",
                f'This folder is the seal "{name}", created on {header["created"]} by the expert whose key '
                f"fingerprint is `{fingerprint}`. It lets anyone check, without the `expertise` tool, with "
                "Debian's stock commands (coreutils, OpenSSH, OpenSSL), that the files were not modified. "
                f"Merkle root: `{header['merkle']['root']}`.",
                "",
                "Open a terminal in this folder, then:",
                "",
                "```sh",
                'SEAL="$PWD"',
                "```",
                "",
            ]
        for number, step in enumerate(items, start=1):
            title = step.title_fr if lang == "fr" else step.title_en
            expect = step.expect_fr if lang == "fr" else step.expect_en
            lines += [
                f"### {number}. {title}",
                "",
                "```sh",
                *step.commands,
                "```",
                "",
                (french("Résultat attendu : ") if lang == "fr" else "Expected: ") + expect + ".",
                "",
            ]
        if lang == "fr":
            lines += [
                french(
                    "Les fichiers `manifest.json` (chemins, tailles, modes, types, cibles des liens, "
                    "SHA-256, "
                    "identifiants de commit et d'arbre, empreinte de la clé d'hôte) et `SHA256SUMS` sont "
                    "couverts par les signatures ; `problems` dans le manifeste liste nommément ce qui n'a "
                    "pas pu être scellé."
                ),
                "",
            ]
        else:
            lines += [
                "`manifest.json` (paths, sizes, modes, types, link targets, SHA-256, commit and tree ids, "
                "host key fingerprint) and `SHA256SUMS` are covered by the signatures; `problems` in the "
                "manifest names whatever could not be sealed.",
                "",
            ]
    return "\n".join(lines)
