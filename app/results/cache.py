"""The results cache, shared by live reads and publication revisions: one mechanism.

An answer of the results endpoints of a cut is an *entry*: the bytes of its JSON body, keyed
by (cut, kind, params) and tagged with the plan's `data_version` at the moment it was
computed. Every write that changes a plan's results raises that version in its own
transaction (database triggers, see the migration `results_cache_revisions`), so an entry is
valid exactly while its version is the plan's: the check is one primary-key lookup against
PostgreSQL, and nothing a process holds in memory is trusted (correct on several replicas).

A publication revision is the same entry frozen: when a cut is published for the n-th time,
each of its entries (results, groupings, budget) is written again with `revision = n`; the
database refuses to update a frozen entry. Anonymous reads of a published cut (what portals
show) are served the latest frozen entry, whatever changed afterwards.

The version is read (with the cut and plan) before the figures are: an entry may hold data a
little newer than its version says, never older, and once a write commits its new version
misses every older entry, so no stale figure is served after a write.

`params` is the request's parameters in a normal form (`params_key`): the path parameters
besides the cut, and every query parameter, sorted; a new parameter of a results endpoint
(`?explain=`, `?programming=`) is part of the key without changes here.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from pydantic import BaseModel
from sqlmodel import Session

from app.cuts.models import Cut
from app.plans.models import Plan
from app.results import repository
from app.results.budget import budget
from app.results.schemas import Measure
from app.results.service import by_axis, by_band, by_status, by_unit, results

Compute = Callable[[], BaseModel]


@dataclass(frozen=True)
class Served:
    """What to answer: the entry's tag, its body (None when the client holds the tag: 304),
    and where it came from ("frozen", "cached" or "computed")."""

    etag: str
    payload: bytes | None
    source: str


def params_key(items: Iterable[tuple[str, str]]) -> str:
    """The normal form of a request's parameters: sorted, URL-encoded."""
    return urlencode(sorted(items))


def encode(answer: BaseModel) -> bytes:
    """The JSON body FastAPI sends for `answer` as a response model, byte for byte (FastAPI
    serialises a default JSON response with pydantic's `dump_json`, by alias)."""
    return answer.model_dump_json(by_alias=True).encode()


def _bytes(payload: str | None) -> bytes | None:
    return None if payload is None else payload.encode()


def etag_of(payload: bytes) -> str:
    return f'"{hashlib.sha256(payload).hexdigest()[:32]}"'


def serve(
    session: Session,
    cut: Cut,
    plan: Plan,
    kind: str,
    params: str,
    compute: Compute,
    *,
    tags: Iterable[str] = (),
    frozen: bool = False,
) -> Served:
    """The answer of one results endpoint, from the cache when it is still valid.

    With `frozen` (an anonymous read of a published cut), the latest revision's entry comes
    first; a cut published before revisions existed has none and is served live. Otherwise
    one statement finds the live entry at the plan's data version; on a miss the answer is
    computed, stored and served."""
    wanted = sorted({t.strip().removeprefix("W/") for t in tags if t.strip()})
    if frozen:
        row = repository.frozen_entry(session, cut.id, kind, params, wanted)
        if row is not None:
            return Served(row.etag, _bytes(row.payload), "frozen")
    row = repository.cached_entry(session, cut.id, kind, params, plan.data_version, wanted)
    if row is not None:
        return Served(row.etag, _bytes(row.payload), "cached")
    payload = encode(compute())
    etag = etag_of(payload)
    repository.store_entry(session, cut.id, kind, params, plan.data_version, payload, etag)
    return Served(etag, None if etag in wanted else payload, "computed")


# --- freezing: what a publication keeps --------------------------------------------------


def frozen_kinds(session: Session, cut: Cut, plan: Plan) -> list[tuple[str, str, Compute]]:
    """(kind, params, compute) of every answer a publication freezes, keyed as the results
    endpoints key them: results, by unit, by each of the plan's axes, by band, by status, and
    the budget matrix (planned and executed) of the cut's year."""
    kinds: list[tuple[str, str, Compute]] = [
        ("results", "", lambda: results(session, cut, plan)),
        ("by-unit", "", lambda: by_unit(session, cut, plan)),
        ("by-band", "", lambda: by_band(session, cut, plan)),
        ("by-status", "", lambda: by_status(session, cut, plan)),
    ]
    for axis in plan.axes:
        code = axis["code"]
        kinds.append(
            ("by-axis", params_key([("axis", code)]), partial(by_axis, session, cut, plan, code))
        )
    year = cut.cut_date.year
    measures: tuple[Measure, ...] = ("executed", "planned")
    for measure in measures:
        kinds.append(
            (
                "budget",
                params_key([("measure", measure), ("year", str(year))]),
                partial(budget, session, plan, year=year, measure=measure),
            )
        )
    return kinds


def freeze(session: Session, cut: Cut, plan: Plan, revision: int) -> tuple[str, int]:
    """Write every frozen entry of the cut's revision `revision`; return the revision's tag
    and the data version frozen.

    Live entries valid at the plan's current data version are frozen as they are (the bytes
    the members were served); the others are computed now."""
    version = repository.data_version(session, plan.id)  # the publication itself raised it
    live = {
        (row.kind, row.params): (row.payload.encode(), row.etag)
        for row in repository.live_entries(session, cut.id, version)
    }
    entries: list[tuple[str, str, bytes, str]] = []
    for kind, params, compute in frozen_kinds(session, cut, plan):
        found = live.get((kind, params))
        if found is None:
            payload = encode(compute())
            found = (payload, etag_of(payload))
        entries.append((kind, params, *found))
    repository.freeze_entries(session, cut.id, revision, version, entries)
    return revision_etag(cut.id, revision, [etag for *_, etag in entries]), version


def revision_etag(cut_id: uuid.UUID, revision: int, etags: Iterable[str]) -> str:
    digest = hashlib.sha256(f"{cut_id}/{revision}/{'/'.join(sorted(etags))}".encode())
    return f'"{digest.hexdigest()[:32]}"'
