"""The classes mypy reads for the derived model family (`if TYPE_CHECKING:` in
app/plans/schemas.py) say what the runtime models (built by `update_of`/`public_of`) have:
the same fields, in the same order, each nullable exactly when the runtime one is."""

import ast
import inspect
import types
from typing import Union, get_args, get_origin

import pytest

from app.core.schemas import Resource
from app.plans import schemas


def _declared_classes() -> dict[str, list[tuple[str, bool]]]:
    tree = ast.parse(inspect.getsource(schemas))
    out: dict[str, list[tuple[str, bool]]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for cls in node.body:
                if isinstance(cls, ast.ClassDef):
                    out[cls.name] = [
                        (item.target.id, "None" in ast.unparse(item.annotation))
                        for item in cls.body
                        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                    ]
    return out


DECLARED = _declared_classes()


def _nullable(annotation: object) -> bool:
    if get_origin(annotation) in (Union, types.UnionType):
        return type(None) in get_args(annotation)
    return False


def test_every_derived_model_is_declared():
    assert sorted(DECLARED) == [
        "ActionPublic",
        "ActionUpdate",
        "BudgetAllocationPublic",
        "BudgetAllocationUpdate",
        "ChangePublic",
        "IndicatorPublic",
        "IndicatorUpdate",
        "NodePublic",
        "NodeUpdate",
        "PlanPublic",
        "PlanUpdate",
    ]


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_declaration_matches_runtime_model(name):
    model = getattr(schemas, name)
    inherited = set(Resource.model_fields) if issubclass(model, Resource) else set()
    runtime = [
        (field, _nullable(info.annotation))
        for field, info in model.model_fields.items()
        if field not in inherited
    ]
    assert DECLARED[name] == runtime
