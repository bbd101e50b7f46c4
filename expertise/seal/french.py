"""French wording of what the seal domain says, for the report (French by default).

The English texts stay what machines read (results.json, --json, manifest.json); the
French ones are for the expert's report. Diagnostics made elsewhere (a broken seal, a
source that cannot be read) are English strings built from file names and system
errors: they are summed up here in French from the seal file or the kind of failure
they name, and the English detail is kept verbatim after it, because it is what the
tool and the operating system actually said.
"""

from __future__ import annotations

import re

from .model import (
    CHANGED_WHILE_READING,
    SPECIAL_FILE,
    SUBMODULE_NOT_FOLLOWED,
    SYMLINK_LOOP,
    SYMLINK_OUTSIDE,
    UNDECODABLE,
    UNLISTABLE,
    UNREADABLE,
    VANISHED,
)

# compare.CATEGORIES, in the words of a French report
DIFFERENCE_KINDS = {
    "added": "ajouté",
    "removed": "supprimé",
    "modified": "modifié",
    "mode-changed": "droits modifiés",
    "type-changed": "type modifié",
    "not-verified": "non vérifié",
    "unsealed": "non scellé",
}

# model.TYPES
TYPES = {
    "file": "fichier",
    "directory": "dossier",
    "symlink": "lien symbolique",
    "fifo": "tube nommé",
    "socket": "socket",
    "char-device": "périphérique caractère",
    "block-device": "périphérique bloc",
    "submodule": "sous-module git",
}

# model.PROBLEM_KINDS
PROBLEMS = {
    UNREADABLE: "illisible",
    VANISHED: "disparu pendant le parcours",
    CHANGED_WHILE_READING: "modifié pendant sa lecture",
    UNLISTABLE: "dossier impossible à lister",
    UNDECODABLE: "nom non UTF-8 que SFTP ne peut pas lister",
    SUBMODULE_NOT_FOLLOWED: "sous-module git non suivi",
    SPECIAL_FILE: "fichier spécial",
    SYMLINK_LOOP: "boucle de liens symboliques",
    SYMLINK_OUTSIDE: "lien sortant de l’arborescence scellée",
}

# reuse condition statuses
CONDITION_STATUS = {"ok": "satisfaite", "failed": "non satisfaite", "manual": "à vérifier", "note": "remarque"}
CONDITION_IDS = {
    "window": "délai",
    "previous-seal-date": "date du scellé antérieur",
    "unchanged": "élément inchangé",
    "vulnerabilities": "vulnérabilités",
}


def difference_kinds(kinds: list[str] | tuple[str, ...]) -> str:
    return ", ".join(DIFFERENCE_KINDS.get(kind, kind) for kind in kinds)


def type_name(kind: str) -> str:
    return TYPES.get(kind, kind)


def problem(kind: str) -> str:
    return PROBLEMS.get(kind, kind)


# The seal files a SealBroken message names, most specific first.
_BROKEN = (
    ("SHA256SUMS.sig", "la signature OpenSSH (SSHSIG) de SHA256SUMS ne se vérifie pas"),
    ("manifest.json.sig", "la signature OpenSSH (SSHSIG) du manifeste ne se vérifie pas"),
    ("SHA256SUMS.ed25519", "la signature Ed25519 brute de SHA256SUMS ne se vérifie pas"),
    ("SHA256SUMS.tsr", "le jeton d’horodatage RFC 3161 ne se vérifie pas ou ne correspond pas au scellé"),
    ("expert.pem", "expert.pem ne contient pas la même clé que expert.pub"),
    ("expert.pub", "la clé de l’expert du scellé est illisible ou n’est pas la clé attendue"),
    ("manifest.json", "le manifeste est mal formé ou incohérent avec les signatures"),
    ("SHA256SUMS", "SHA256SUMS ne correspond pas au manifeste (fichier tronqué ou modifié)"),
)


def broken(detail: str) -> str:
    """A SealBroken message (``<path>[: field]: detail``) summed up in French, detail kept."""
    if "not with the expected key" in detail or "not among the trusted keys" in detail:
        gist = "le scellé est signé par une autre clé que celle de l’expert attendue"
    elif "incomplete seal" in detail:
        gist = "le scellé est incomplet : des fichiers du dossier manquent"
    elif "not a seal folder" in detail:
        gist = "le dossier indiqué n’est pas un scellé"
    else:
        head = detail.split(": ", 1)[0]
        gist = next(
            (text for name, text in _BROKEN if re.search(rf"(^|/){re.escape(name)}$", head)),
            "le scellé est altéré ou mal formé",
        )
    return f"{gist} (diagnostic : {detail})"


def source_error(detail: str) -> str:
    """A SourceError message (a source that cannot be read at all) summed up in French."""
    lowered = detail.lower()
    if "host key" in lowered:
        gist = "la clé d’hôte SSH n’est pas celle attendue : connexion refusée"
    elif "cannot connect" in lowered or "ssh connection failed" in lowered:
        gist = "connexion SSH impossible"
    elif "unknown revision" in lowered or "not a git repository" in lowered or "is not in commit" in lowered:
        gist = "révision ou dépôt git introuvable"
    elif "no such" in lowered or "cannot be read" in lowered or "cannot read" in lowered:
        gist = "source introuvable ou illisible"
    else:
        gist = "la source n’a pas pu être lue"
    return f"{gist} (diagnostic : {detail})"


def command_note(note: str) -> str:
    """``'uname -a': exit status 1 (…)`` from the SSH source, in French."""
    return note.replace(": exit status ", " : code de sortie ").replace(": could not run", " : non exécutée")
