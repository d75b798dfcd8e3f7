"""The committed OpenAPI document is the one the app serves."""

import json

from app.core.config import PROJECT_ROOT
from app.main import create_app


def test_openapi_file_is_current():
    served = create_app().openapi()
    saved = json.loads((PROJECT_ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    assert saved == served, "openapi/openapi.json is stale: run `make openapi` and commit it"


def test_operation_ids_are_readable_and_unique():
    schema = create_app().openapi()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").isalpha() and i.islower() for i in ids), ids
