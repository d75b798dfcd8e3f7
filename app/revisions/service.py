"""Publication revisions: each publication of a cut freezes its figures, immutable.

A revision is the frozen form of the results cache's entries (`app.results.cache`): when a
cut is published, every answer of its results endpoints (results, by unit, by each axis, by
band, by status, and the budget of its year) is written as an entry of revision n, and a
`cut_revisions` row says who published it, when, and (from the second on) why the cut had
been reopened. Anonymous reads of the published cut are served those frozen entries.

For other code (a public portal): `frozen_results(session, cut_id, kind, params)` gives the
bytes of the latest published answer, or None.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import Row
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import NotFound
from app.core.models import utcnow
from app.core.pagination import PageParams, paginate
from app.cuts import service as cuts
from app.cuts.models import Cut
from app.plans.models import Plan
from app.results import cache
from app.results import repository as results_repository
from app.revisions import repository
from app.revisions.diff import diff as diff_figures
from app.revisions.models import CutRevision
from app.revisions.schemas import FigureChange, RevisionDiff, RevisionPublic


def on_publish(session: Session, actor: Actor, plan: Plan, cut: Cut) -> None:
    """Freeze the cut's figures as its next revision (in the publishing transaction)."""
    number = repository.last_number(session, cut.id) + 1
    reason = None if number == 1 else repository.last_reopen_reason(session, cut.id)
    etag, version = cache.freeze(session, cut, plan, number)
    repository.save(
        session,
        CutRevision(
            cut_id=cut.id,
            number=number,
            reason=reason,
            published_at=cut.published_at or utcnow(),
            published_by=actor.user_id,
            published_by_username=actor.username,
            data_version=version,
            etag=etag,
        ),
    )


if on_publish not in cuts.PUBLISH_HOOKS:
    cuts.PUBLISH_HOOKS.append(on_publish)


def frozen_results(
    session: Session, cut_id: uuid.UUID, kind: str, params: str = "", revision: int | None = None
) -> bytes | None:
    """The JSON body a results endpoint answered when the cut was published (by default its
    latest revision): `kind` is results, by-unit, by-axis, by-band, by-status or budget;
    `params` as `app.results.cache.params_key` writes them ("" , "axis=eje",
    "measure=planned&year=2024"). None when the cut has no such frozen answer."""
    row = results_repository.frozen_entry(session, cut_id, kind, params, [], revision)
    return None if row is None else row.payload.encode()


def list_(session: Session, cut: Cut, page: PageParams) -> tuple[list[CutRevision], int]:
    return paginate(session, repository.list_stmt(cut.id), page)


def _revisions(session: Session, cut: Cut, numbers: list[int]) -> dict[int, CutRevision]:
    found = repository.by_numbers(session, cut.id, numbers)
    for n in numbers:
        if n not in found:
            raise NotFound(f"revision {n} of cut", cut.id)
    return found


def get(session: Session, cut: Cut, number: int) -> tuple[CutRevision, list[Row]]:
    """A revision and its frozen answers: (kind, params, etag, payload) in key order."""
    revision = _revisions(session, cut, [number])[number]
    return revision, results_repository.frozen_entries(session, cut.id, number)


def figures_body(revision: CutRevision, answers: list[Row]) -> bytes:
    """`RevisionFigures` as JSON, the frozen payloads spliced in as stored (never re-encoded)."""
    head = RevisionPublic.model_validate(revision).model_dump_json().encode()
    parts = [
        b'{"kind":%s,"params":%s,"etag":%s,"figures":%s}'
        % (
            json.dumps(kind).encode(),
            json.dumps(params).encode(),
            json.dumps(etag).encode(),
            payload.encode(),
        )
        for kind, params, etag, payload in answers
    ]
    return head[:-1] + b',"answers":[' + b",".join(parts) + b"]}"


def diff(session: Session, cut: Cut, number: int, from_number: int | None) -> RevisionDiff:
    """Every figure that changed from revision `from_number` (default: the previous one)."""
    base = number - 1 if from_number is None else from_number
    found = _revisions(session, cut, [base, number])
    old = {
        (k, p): payload
        for k, p, _, payload in results_repository.frozen_entries(session, cut.id, base)
    }
    new = {
        (k, p): payload
        for k, p, _, payload in results_repository.frozen_entries(session, cut.id, number)
    }
    changes: list[FigureChange] = []
    for key in [*old, *(k for k in new if k not in old)]:
        before = json.loads(old[key]) if key in old else None
        after = json.loads(new[key]) if key in new else None
        changes.extend(
            FigureChange(
                kind=key[0],
                params=key[1],
                path=c.path,
                code=c.code,
                field=c.field,
                old=c.old,
                new=c.new,
            )
            for c in diff_figures(before, after)
        )
    return RevisionDiff(
        cut_id=cut.id,
        from_revision=base,
        to_revision=number,
        reason=found[number].reason,
        total=len(changes),
        changes=changes,
    )
