"""Orphan evidence files: stored objects no evidence row names any more.

Deleting evidence, or a draft plan or element that takes evidence along, removes each file
whose last row went, once the transaction commits (`app.core.storage.delete_after_commit`).
What escaped that (a store that did not answer then, files left by versions before it, a
crash between the commit and the removal) is found here: `plan-followup sweep-evidence`
lists every content-addressed object of the evidence store, keeps those a row holds and those
younger than `min_age` (an upload whose row is not committed yet), and removes the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from app.core.models import utcnow
from app.core.storage import LocalStorage, S3Storage, Storage
from app.evidence import repository

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class SweepReport:
    stored: int = 0
    in_use: int = 0
    too_young: int = 0
    orphans: list[str] = field(default_factory=list)
    orphan_bytes: int = 0
    removed: int = 0


def stored_files(storage: Storage) -> Iterator[tuple[str, datetime, int]]:
    """(content hash, last modified, size) of every content-addressed object in the store."""
    if isinstance(storage, LocalStorage):
        for path in storage.root.glob("??/??/*"):
            name = path.name
            if _SHA256.match(name) and path.parent.parent.name == name[:2] and path.is_file():
                stat = path.stat()
                yield name, datetime.fromtimestamp(stat.st_mtime, UTC), stat.st_size
    elif isinstance(storage, S3Storage):
        prefix = f"{storage.prefix}/" if storage.prefix else ""
        pages = storage.client.get_paginator("list_objects_v2").paginate(
            Bucket=storage.bucket, Prefix=prefix
        )
        for page in pages:
            for obj in page.get("Contents", []):
                name = obj["Key"][len(prefix) :]
                if _SHA256.match(name):
                    yield name, obj["LastModified"], int(obj.get("Size", 0))
    else:  # pragma: no cover - the two stores of app.core.storage
        raise TypeError(f"cannot list {type(storage).__name__}")


def sweep(session: Session, storage: Storage, *, dry_run: bool, min_age: timedelta) -> SweepReport:
    report = SweepReport()
    files = {sha: (modified, size) for sha, modified, size in stored_files(storage)}
    report.stored = len(files)
    used = repository.hashes_in_use(session, list(files))
    report.in_use = len(used)
    newest = utcnow() - min_age
    for sha in sorted(set(files) - used):
        modified, size = files[sha]
        if modified > newest:
            report.too_young += 1
            continue
        report.orphans.append(sha)
        report.orphan_bytes += size
        if not dry_run:
            storage.delete(sha)
            report.removed += 1
    return report
