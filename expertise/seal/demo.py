"""What `expertise demo` adds for the seal domain.

The demo case ships a small fictitious vendor tree (``seal/votesur-urne``). The hook
makes it a git repository with fixed author and committer dates (so its commit id is the
same on every machine) tagged ``v4.2.0``, leaves one untracked file beside it (the kind
of finding SEAL-002 reports), creates an expert key in the case, starts a local RFC 3161
authority (``openssl ts``) on 127.0.0.1 for the duration of the demo, and declares two
components in case.toml: the tagged commit, and the client code served to voters.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import git

from .keys import generate
from .localtsa import running_tsa

VENDOR = "seal/votesur-urne"
TAG = "v4.2.0"
DATE = datetime(2026, 10, 15, 10, 0, 0, tzinfo=timezone(timedelta(hours=2)))
AUTHOR = git.Actor("VoteSûr SAS", "dev@votesur.example")

SECTION = """
# Added by `expertise demo` (expertise/seal/demo.py): the vendor's source tree, made a git
# repository tagged {tag}, and the client code it serves to voters. The time-stamping
# authority below is a local one that lives only while the demo runs.
[seal]
key = "keys/expert"
tsa = "{tsa}"
tsa_ca_file = "keys/demo-tsa-ca.pem"

[[seal.components]]
name = "votesur-urne"
source = "git:{vendor}@{tag}"

[[seal.components]]
name = "votesur-client"
source = "{vendor}/www"
"""


def make_vendor_repository(folder: Path) -> str:
    """Commit the tree as the vendor's release; the same commit id on every machine."""
    repo = git.Repo.init(folder)
    with repo.config_writer() as config:
        config.set_value("core", "autocrlf", "false")
        config.set_value("core", "filemode", "true")
    files = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    )
    repo.index.add(files)
    commit = repo.index.commit(
        f"VoteSûr Urne {TAG[1:]}", author=AUTHOR, committer=AUTHOR, author_date=DATE, commit_date=DATE
    )
    repo.create_tag(TAG, ref=commit)
    repo.close()
    return commit.hexsha


@contextmanager
def _prepare(case_dir: Path) -> Iterator[None]:
    vendor = case_dir / VENDOR
    make_vendor_repository(vendor)
    (vendor / "notes-deploiement.txt").write_text(
        "Notes de l'exploitant (non suivies par git) : redémarrage prévu le 30 novembre.\n", encoding="utf-8"
    )
    generate(case_dir / "keys" / "expert", comment="Camille Lefèvre (demo expert key)")
    with (
        tempfile.TemporaryDirectory(prefix="expertise-demo-tsa-") as scratch,
        running_tsa(Path(scratch)) as tsa,
    ):
        shutil.copyfile(tsa.ca_file, case_dir / "keys" / "demo-tsa-ca.pem")
        with open(case_dir / "case.toml", "a", encoding="utf-8") as handle:
            handle.write(SECTION.format(tag=TAG, tsa=tsa.url, vendor=VENDOR))
        yield


def prepare(case_dir: Path) -> AbstractContextManager[None]:
    """Set up the seal part of the demo in the copied case folder; the context ends it."""
    return _prepare(Path(case_dir))
