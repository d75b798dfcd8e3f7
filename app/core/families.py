"""A model family from one declaration of its fields: the PATCH body from the POST body, the
answer from the table.

Each field of an element is declared twice in all, each time for its own job: in the table
(how it is stored) and in the create body (what a client may send, with its checks). The
update body (every field optional) and the public shape (every column, as JSON shows it) are
derived from those two here, in the same field order, so a field added to the table or to the
create body reaches them without being written again.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, create_model

from app.core.schemas import Number, Resource, UpdateModel

_TABLE_COLUMNS = frozenset({"id", "created_at", "updated_at"})


def _declared(model: type[BaseModel], name: str) -> Any:
    """The field's type with its constraints (pydantic keeps them apart), description left out."""
    field = model.model_fields[name]
    if field.metadata:
        return Annotated[(field.annotation, *field.metadata)]
    return field.annotation


def update_of(
    create: type[BaseModel],
    *,
    name: str,
    exclude: Iterable[str] = (),
    nullable: Iterable[str] = (),
    extra: Mapping[str, Any] | None = None,
    after: Mapping[str, str] | None = None,
    validators: Mapping[str, Callable] | None = None,
    doc: str | None = None,
) -> type[UpdateModel]:
    """The PATCH body of `create`: its fields (but `exclude`) all optional, default absent.

    Only `nullable` fields may be sent as null. `extra` fields (name: type) come after the
    field `after[name]` names, else at the end; `validators` are field validators to keep.
    """
    excluded, extra, after = set(exclude), dict(extra or {}), dict(after or {})
    fields: dict[str, Any] = {}

    def add_extras_after(anchor: str | None) -> None:
        for extra_name, annotation in list(extra.items()):
            if after.get(extra_name) == anchor:
                fields[extra_name] = (annotation | None, None)
                del extra[extra_name]

    for field_name in create.model_fields:
        if field_name not in excluded:
            fields[field_name] = (_declared(create, field_name) | None, None)
        add_extras_after(field_name)
    add_extras_after(None)
    if extra:
        raise ValueError(f"{name}: no field to put {', '.join(extra)} after")
    model = create_model(
        name,
        __base__=UpdateModel,
        __module__=sys._getframe(1).f_globals["__name__"],
        __doc__=doc,
        __validators__=dict(validators or {}),
        **fields,
    )
    model.nullable_fields = frozenset(nullable)
    return model


def _as_shown(annotation: Any) -> Any:
    """Exact decimals become JSON numbers (Decimal -> Number, also inside `X | None`)."""
    if annotation is Decimal:
        return Number
    if get_origin(annotation) in (Union, types.UnionType):
        return Union[tuple(_as_shown(a) for a in get_args(annotation))]  # noqa: UP007
    return annotation


def public_of(
    table: type[BaseModel],
    *,
    name: str,
    base: type[BaseModel] = Resource,
    exclude: Iterable[str] = (),
    shown_as: Mapping[str, Any] | None = None,
    extra: Mapping[str, tuple[Any, Any]] | None = None,
    after: Mapping[str, str] | None = None,
    doc: str | None = None,
) -> type[BaseModel]:
    """The answer's shape of a table: every column of it, each always present (required).

    `base` brings id and times; `shown_as` overrides a column's type (JSON columns say what
    they hold); `extra` fields (name: (type, default)) come after `after[name]`, else last.
    """
    excluded = set(exclude) | (set(base.model_fields) & _TABLE_COLUMNS)
    shown_as, extra, after = dict(shown_as or {}), dict(extra or {}), dict(after or {})
    fields: dict[str, Any] = {}

    def add_extras_after(anchor: str | None) -> None:
        for extra_name, spec in list(extra.items()):
            if after.get(extra_name) == anchor:
                fields[extra_name] = spec
                del extra[extra_name]

    for field_name, field in table.model_fields.items():
        if field_name in excluded:
            continue
        fields[field_name] = (shown_as.get(field_name, _as_shown(field.annotation)), ...)
        add_extras_after(field_name)
    add_extras_after(None)
    if extra:
        raise ValueError(f"{name}: no field to put {', '.join(extra)} after")
    return create_model(
        name,
        __base__=base,
        __module__=sys._getframe(1).f_globals["__name__"],
        __doc__=doc,
        **fields,
    )
