"""Model families: a PATCH body derived from a POST body, an answer derived from a table."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from pydantic import ValidationError

from app.core.families import public_of, update_of
from app.plans.models import BudgetAllocation
from app.plans.schemas import ActionUpdate, NodeCreate, NodeUpdate


def test_update_keeps_the_create_fields_in_order_all_optional():
    assert list(NodeUpdate.model_fields) == [
        *NodeCreate.model_fields,
        "retired",
        "legal_act",
        "reason",
    ]
    assert all(not f.is_required() for f in NodeUpdate.model_fields.values())
    assert NodeUpdate().model_dump(exclude_unset=True) == {}


def test_update_keeps_the_checks_of_the_create_body():
    with pytest.raises(ValidationError, match="code"):
        NodeUpdate(code="no spaces allowed")
    with pytest.raises(ValidationError, match="Extra inputs"):
        NodeUpdate(level=1)
    assert NodeUpdate(weight=2).weight == Decimal(2)


def test_only_nullable_fields_may_be_null():
    assert NodeUpdate(description=None).model_dump(exclude_unset=True) == {"description": None}
    with pytest.raises(ValidationError, match="may not be null"):
        NodeUpdate(name=None)
    with pytest.raises(ValidationError, match="may not be null"):
        ActionUpdate(retired=None)


def test_an_extra_field_goes_after_the_one_named():
    model = update_of(NodeCreate, name="M", extra={"x": int}, after={"x": "code"})
    assert list(model.model_fields)[:3] == ["code", "x", "name"]
    with pytest.raises(ValueError, match="no field to put y after"):
        update_of(NodeCreate, name="M", extra={"y": int}, after={"y": "nothing"})


def test_public_shows_every_column_required_and_decimals_as_numbers():
    public = public_of(BudgetAllocation, name="P")
    assert list(public.model_fields) == [
        "id",
        "created_at",
        "updated_at",
        "plan_id",
        "unit_id",
        "action_id",
        "node_id",
        "year",
        "planned",
        "executed",
        "note",
    ]
    assert all(f.is_required() for f in public.model_fields.values())
    row = BudgetAllocation(
        plan_id=uuid.uuid4(), unit_id=uuid.uuid4(), planned=Decimal("12.50"), year=2024
    )
    shown = public.model_validate(row).model_dump(mode="json")
    assert (shown["planned"], shown["executed"], shown["year"]) == (12.5, None, 2024)
