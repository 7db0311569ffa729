"""Issue 7 §5: a schemathesis run over the whole /api/v1 against the live server. Every operation
of the OpenAPI document gets generated requests (valid and invalid) with a staff token that holds
every duty (the app token for the look-up routes); no answer may be a server error or break the
documented schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from huzhu.accounts.actions import issue_token
from huzhu.accounts.models import ApiToken, Duty, Role
from huzhu.accounts.tests.factories import UserFactory
from huzhu.api import api
from huzhu.claims.tests.journeys import paid_contract

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
EXAMPLES = 30


@pytest.fixture
def tokens(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    everything = UserFactory(
        username="fuzz_staff", role=Role.STAFF, **{f"duty_{d.value}": True for d in Duty}
    )
    return {
        "user": issue_token(everything, actor=None),
        "app": issue_token(people.admin, actor=None, kind=ApiToken.Kind.APP),
    }


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_and_keeps_its_schema(case, live_server, tokens):
    kind = "app" if case.path.startswith("/api/v1/lookup") else "user"
    case.call_and_validate(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {tokens[kind]}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
