"""Issue 7 §5: the OpenAPI document describes every route with its own schemas.

django-ninja names each component after its schema class alone: two classes of one name (the
look-up's ClaimIn and the claims' ClaimIn) leave one component, and every route that used the
other was documented with the wrong body or answer. The schemathesis run did not notice, since its
generated contract and claim numbers never reach a 200."""

from collections import Counter

import pytest
import requests
import schemathesis
from ninja import Schema

from huzhu.accounts.actions import issue_token
from huzhu.api import api
from huzhu.claims.tests.journeys import approved_claim, on, paid_contract

DOCUMENT = api.get_openapi_schema()


def our_schemas() -> list[type[Schema]]:
    """Every ninja schema class of the project (huzhu.api has imported every router)."""
    found: list[type[Schema]] = []
    todo: list[type[Schema]] = [Schema]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("huzhu."):
                found.append(sub)
    return found


def test_schema_names_are_unique():
    names = Counter(cls.__name__ for cls in our_schemas())
    assert [name for name, count in names.items() if count > 1] == []


def test_every_component_describes_the_class_of_its_name():
    classes = {cls.__name__: cls for cls in our_schemas()}
    compared = []
    for name, component in DOCUMENT["components"]["schemas"].items():
        if name in classes:
            fields = set(classes[name].model_fields)
            assert set(component.get("properties", {})) == fields, name
            compared.append(name)
    assert {"ClaimIn", "ClaimOut", "ContractOut", "LookupClaimOut"} <= set(compared)


def body_of(path: str, method: str) -> set[str]:
    ref = DOCUMENT["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return set(DOCUMENT["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]["properties"])


def test_claim_bodies_are_their_own():
    assert {"member", "kind", "event_date"} <= body_of("/api/v1/claims", "post")
    assert body_of("/api/v1/lookup/claim", "post") == {"id_number", "name", "claim_no"}


@pytest.mark.django_db(transaction=True)
def test_real_contract_and_claim_answers_keep_the_document(live_server, settings, tree, people):
    """A contract and a claim that exist, read through the live server, match the schema the
    document gives their routes (the generated run only ever gets 404 for these)."""
    contract = paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    on(settings, "2023-06-01")
    claim = approved_claim(contract.lines.get().member, people)
    schema = schemathesis.openapi.from_dict(DOCUMENT)
    token = issue_token(people.approver, actor=None)
    for path, template, value in [
        ("/api/v1/contracts/{no}", "/api/v1/contracts/{no}", contract.contract_no),
        ("/api/v1/claims/{number}", "/api/v1/claims/{number}", claim.number),
    ]:
        url = live_server.url + template.format(no=value, number=value)
        response = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert response.status_code == 200, response.text
        assert schema[path]["GET"].is_valid_response(response), response.text
