"""Evidence: links, and files whose type is decided by their content, not their name."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import PurePosixPath, PureWindowsPath
from typing import NamedTuple

import filetype
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import Conflict, ContentTooLarge, Invalid, NotFound, UnsupportedMediaType
from app.core.pagination import PageParams, paginate
from app.core.storage import FileTooLarge, Storage, delete_after_commit, discard_on_rollback
from app.cuts.models import Cut
from app.evidence import repository
from app.evidence.models import Evidence
from app.evidence.schemas import EvidenceLink
from app.followups.models import FollowUp
from app.followups.service import EDITABLE, check_may_write, check_open
from app.plans.models import Indicator, Plan

# What evidence may be: documents, spreadsheets and photos, recognised by their bytes.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
# Declared types that are too vague to contradict the content.
_GENERIC = {"", "application/octet-stream", "binary/octet-stream"}


class Located(NamedTuple):
    """An evidence row and what it hangs from."""

    evidence: Evidence
    followup: FollowUp
    cut: Cut
    plan: Plan
    indicator: Indicator


def get_visible(session: Session, actor: Actor, evidence_id: uuid.UUID) -> Located:
    """Evidence and its context; another organization's answers 404 like a missing one."""
    row = repository.with_context(session, evidence_id)
    found = Located(*row) if row else None
    if found is None or not actor.sees(found.plan.organization_id):
        raise NotFound("evidence", evidence_id)
    return found


def list_(session: Session, followup: FollowUp, page: PageParams) -> tuple[list[Evidence], int]:
    return paginate(session, repository.list_stmt(followup.id), page)


def download_name(row: Evidence) -> str:
    """The name a download is saved under: the uploaded one, else one from the id and type."""
    return row.original_name or f"evidence-{row.id}{ALLOWED.get(row.media_type or '', '')}"


def safe_name(name: str | None) -> str | None:
    """The last path component, without control characters: shown, never used as a path."""
    if not name:
        return None
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    return base[:255] or None


def _check_editable(
    session: Session, actor: Actor, cut: Cut, indicator: Indicator, followup: FollowUp
) -> None:
    check_open(cut)
    check_may_write(session, actor, indicator)
    if followup.status not in EDITABLE:
        raise Conflict(f"The follow-up is {followup.status}: its evidence cannot change.")


def add_link(
    session: Session,
    actor: Actor,
    cut: Cut,
    indicator: Indicator,
    followup: FollowUp,
    data: EvidenceLink,
) -> Evidence:
    _check_editable(session, actor, cut, indicator, followup)
    row = Evidence(
        followup_id=followup.id,
        kind=data.kind,
        title=data.title,
        url=str(data.url),
        evidence_date=data.evidence_date,
        reference=data.reference,
        uploaded_by=actor.user_id,
    )
    return repository.save(session, row)


def add_file(
    session: Session,
    storage: Storage,
    actor: Actor,
    cut: Cut,
    indicator: Indicator,
    followup: FollowUp,
    *,
    chunks: Iterator[bytes],
    max_bytes: int,
    kind: str,
    title: str,
    evidence_date: date | None,
    reference: str | None,
    declared_type: str | None,
    filename: str | None,
) -> Evidence:
    _check_editable(session, actor, cut, indicator, followup)
    name = safe_name(filename)

    def check(head: bytes) -> str:
        # Runs on the first bytes before the object is written: a refused file never lands.
        return _checked_type(head, declared_type, name)

    try:
        stored = storage.put(chunks, max_bytes=max_bytes, check=check)
    except FileTooLarge:
        raise ContentTooLarge(f"The file is larger than the limit of {max_bytes} bytes.") from None
    # The object is written first, under its content hash; the row follows in this request's
    # transaction. If that fails, the object this request created goes with it.
    discard_on_rollback(session, storage, stored)
    sha, size, sniffed = stored.sha256, stored.size, stored.content_type
    row = Evidence(
        followup_id=followup.id,
        kind=kind,
        title=title,
        evidence_date=evidence_date,
        reference=reference,
        sha256=sha,
        media_type=sniffed,
        size_bytes=size,
        original_name=name,
        uploaded_by=actor.user_id,
    )
    return repository.save(session, row)


def _checked_type(head: bytes, declared_type: str | None, name: str | None) -> str:
    """The type the content is, if evidence may be of it and name and sender agree."""
    if not head:
        raise Invalid(["file"], "the file is empty")
    sniffed = filetype.guess_mime(head)
    if sniffed not in ALLOWED:
        raise UnsupportedMediaType(
            f"The content is {sniffed or 'not a recognised type'}; allowed: PDF, JPEG, PNG, "
            "WebP, GIF, Word, Excel, PowerPoint and OpenDocument files."
        )
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared not in _GENERIC and declared != sniffed:
        raise UnsupportedMediaType(f"The file says it is {declared} but its content is {sniffed}.")
    if (
        name
        and re.search(r"\.[A-Za-z0-9]{1,5}$", name)
        and not name.lower().endswith(ALLOWED[sniffed])
        and not (sniffed == "image/jpeg" and name.lower().endswith(".jpeg"))
    ):
        raise UnsupportedMediaType(
            f"The file name says {name.rsplit('.', 1)[-1]} but its content is {sniffed}."
        )
    return sniffed


def _forget(session: Session, storage: Storage, sha: str) -> None:
    """Remove a file, once this transaction commits, unless another row holds the same
    content."""
    if not repository.sha256_in_use(session, sha):
        delete_after_commit(session, storage, sha)


def delete(session: Session, storage: Storage, actor: Actor, found: Located) -> None:
    """Remove evidence while its follow-up is editable; its file goes when no row holds it."""
    row, followup, cut, _, indicator = found
    check_open(cut)
    check_may_write(session, actor, indicator)
    if followup.status == "approved":
        raise Conflict("The follow-up is approved: its evidence is kept.")
    if followup.status == "submitted":
        raise Conflict("The follow-up is under review: its evidence cannot change now.")
    repository.delete(session, row)
    if row.sha256:
        _forget(session, storage, row.sha256)
