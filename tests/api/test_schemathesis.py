"""Property-based run over the whole OpenAPI schema: no 5xx, answers conform to the schema.

Every check runs but one: schema-valid bodies may still be refused (422) by domain rules a
JSON schema cannot say (bands starting at 0, a parent in the same plan, dates inside the
plan's years), so `positive_data_acceptance` does not apply to this API.

`make test` runs a quick pass: the schema's examples and SCHEMATHESIS_EXAMPLES (5 by default)
generated cases per operation, derandomized so that CI is reproducible (a failure seen once is
seen again). `make fuzz` (FUZZ=1) runs a deep one: also schemathesis' coverage phase (about 60
boundary and negative cases per operation) and many random cases, and prints the operations
covered and the examples run.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.core.db import get_session
from app.main import create_app


class _CurrentApp:
    """ASGI proxy: the schema is loaded at import, the calls reach each test's own app."""

    def __init__(self, target) -> None:
        self.target = target

    async def __call__(self, scope, receive, send) -> None:
        await self.target(scope, receive, send)


EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
FUZZ = os.environ.get("FUZZ") == "1"

proxy = _CurrentApp(create_app())  # no database needed just to serve /openapi.json
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    proxy,
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": FUZZ}}}),
)


@pytest.fixture
def tally(record_property):
    """What this operation's examples answered: the run's summary adds these up (conftest)."""
    seen = {"operation": None, "statuses": {}}

    def count(operation: str, status: int) -> None:
        seen["operation"] = operation
        key = f"{status // 100}xx"
        seen["statuses"][key] = seen["statuses"].get(key, 0) + 1

    yield count
    record_property("schemathesis", seen)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not FUZZ,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms(case, app, root_token, tally):
    assert get_session in app.dependency_overrides  # writes stay in the test's transaction
    proxy.target = app
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {root_token}"},
        excluded_checks=[positive_data_acceptance],
    )
    tally(case.operation.label, response.status_code)
