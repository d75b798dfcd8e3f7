"""Every figure that changed between two frozen answers: a pure walk over their JSON.

Lists of objects are matched by their identity (`key`, else `code`, else an id field), so an
indicator that moved in the list is compared with itself; a change is reported where it
happens: the path from the answer's root, the element's code, the field inside the element,
the old and the new value. An element present on one side only is one change with the whole
element as its old or new value (field "").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

IDENTITY = ("key", "code", "indicator_id", "node_id", "action_id", "unit_id", "id")
_MISSING: Any = object()


@dataclass(frozen=True)
class Change:
    path: str
    code: str | None
    field: str
    old: Any
    new: Any


def _identity(old: list, new: list) -> str | None:
    """The first identity field every object of both lists has, distinct within each list."""
    items = old + new
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for name in IDENTITY:
        if all(name in i for i in items) and all(
            len({json.dumps(i[name], sort_keys=True) for i in side}) == len(side)
            for side in (old, new)
        ):
            return name
    return None


def _label(item: Any, identity: str) -> str | None:
    if isinstance(item, dict):
        code = item.get("code", item.get(identity))
        return None if code is None else str(code)
    return None


def _plain(value: Any) -> Any:
    return None if value is _MISSING else value


def diff(old: Any, new: Any) -> list[Change]:
    """The changes from `old` to `new`, in the order of `old` (then what `new` adds)."""
    out: list[Change] = []
    _walk(old, new, "", None, "", out)
    return out


def _walk(old: Any, new: Any, path: str, code: str | None, field: str, out: list[Change]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for name in [*old, *(k for k in new if k not in old)]:
            a, b = old.get(name, _MISSING), new.get(name, _MISSING)
            if not path:
                # A block of the answer ("plan", "cut") is an element of its own: its fields
                # are named inside it, and it is known by its code when it has one.
                inner = a if isinstance(a, dict) else b
                label = inner.get("code") if isinstance(inner, dict) else None
                own = "" if isinstance(inner, dict) else name
                _walk(a, b, name, None if label is None else str(label), own, out)
                continue
            _walk(a, b, f"{path}.{name}", code, f"{field}.{name}" if field else name, out)
        return
    if isinstance(old, list) and isinstance(new, list):
        identity = _identity(old, new)
        if identity is not None:
            before = {json.dumps(i[identity], sort_keys=True): i for i in old}
            after = {json.dumps(i[identity], sort_keys=True): i for i in new}
            for key in [*before, *(k for k in after if k not in before)]:
                a, b = before.get(key, _MISSING), after.get(key, _MISSING)
                label = _label(a if a is not _MISSING else b, identity)
                shown = key.strip('"')
                item_path = f"{path}[{shown}]"
                if a is _MISSING or b is _MISSING:
                    out.append(Change(item_path, label, "", _plain(a), _plain(b)))
                else:
                    _walk(a, b, item_path, label, "", out)
            return
    if old is _MISSING or new is _MISSING or old != new:
        out.append(Change(path, code, field, _plain(old), _plain(new)))
