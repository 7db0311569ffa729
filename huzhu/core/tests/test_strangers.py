"""Issue 8 §5: a member, contract, claim, document or payment of unit A is unreachable for the
officer of unit B and for the coordinating officer of another district — through every page and
every API route. The URLs come from the URL conf and the OpenAPI document (nothing listed by
hand); each parameter is filled with every identifier of A's objects that could fit it."""

import itertools
import json
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from huzhu.accounts.actions import issue_token
from huzhu.accounts.models import Role
from huzhu.accounts.tests.factories import UserFactory
from huzhu.claims.tests.journeys import approved_claim, on, paid_contract
from huzhu.claims.workflow import TRANSITIONS
from huzhu.core.models import AuditEntry
from huzhu.members.models import Member
from huzhu.payments import actions as payments
from huzhu.rules.identity import mask_id

REFUSED = {401, 403, 404, 405}


@pytest.fixture
def unit_a_world(tree, people, settings):
    """Unit A: a member with a contract, an approved claim with documents, a payment batch."""
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    member = Member.objects.get()
    claim = approved_claim(member, people)
    batch = payments.create_batch([claim], actor=people.cashier)
    contract = member.contract_lines.get().contract
    candidates = {
        "code": [tree.unit_a.code, member.code, batch.code],
        "public_id": [contract.contract_no],
        "no": [contract.contract_no],
        "member": [member.code],
        "number": [claim.number],
        "claim_number": [claim.number],
        "item": [claim.documents.first().item],
        "what": ["id_number", "bank_card"],
        "step": ["submit", "confirm-fee", "cancel", "renew"],
        "action": list(TRANSITIONS),
        "form": ["application", "power-of-attorney", "payment-notice"],
        "id": [batch.code, batch.payments.get().code],
    }
    identifiers = {tree.unit_a.code, member.code, batch.code, contract.contract_no, claim.number}
    secrets = [member.name, mask_id(member.id_number), member.id_number, member.masked_card]
    return candidates, identifiers, secrets


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api"):
                continue
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _parameters(pattern: URLPattern) -> list[str]:
    regex = pattern.pattern.regex
    return list(regex.groupindex)


def page_urls(candidates: dict, identifiers: set) -> list[str]:
    urls = set()
    for name, pattern in _patterns(get_resolver()):
        params = _parameters(pattern)
        if not params or any(p not in candidates for p in params):
            continue
        for values in itertools.product(*(candidates[p] for p in params)):
            if not identifiers.intersection(values):
                continue  # touches none of A's objects
            try:
                urls.add(reverse(name, kwargs=dict(zip(params, values, strict=True))))
            except NoReverseMatch:
                continue
    return sorted(urls)


def api_calls(client: Client, candidates: dict, identifiers: set) -> list[tuple[str, str]]:
    spec = client.get("/api/v1/openapi.json").json()
    calls: set[tuple[str, str]] = set()
    for route, operations in spec["paths"].items():
        params = re.findall(r"{(\w+)}", route)
        if not params:
            continue
        for values in itertools.product(*(candidates.get(p, ["x"]) for p in params)):
            if not identifiers.intersection(values):
                continue
            url = route
            for param, value in zip(params, values, strict=True):
                url = url.replace("{" + param + "}", value)
            calls.update((method, url) for method in operations)
    return sorted(calls)


def strangers(tree, people):
    other_district = UserFactory(
        username="shizhong_officer", role=Role.UNION_OFFICER, union=tree.shizhong
    )
    return [people.officer_b, other_district]


def test_pages_of_unit_a_are_unreachable_for_strangers(unit_a_world, tree, people, login):
    candidates, identifiers, secrets = unit_a_world
    urls = page_urls(candidates, identifiers)
    assert len(urls) >= 20, urls  # the walk really covers the site
    owner = login(people.officer_a)
    reached = [u for u in urls if owner.get(u).status_code == 200]
    assert len(reached) >= 5, reached  # the same URLs do open for A's own officer
    written = AuditEntry.objects.count()
    for stranger in strangers(tree, people):
        client = login(stranger)
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                body = response.content.decode(errors="replace")
                assert response.status_code in REFUSED, (stranger, method, url)
                assert not any(s in body for s in secrets), (stranger, method, url)
    assert AuditEntry.objects.count() == written  # nothing was done on A's behalf


def test_api_routes_of_unit_a_are_unreachable_for_strangers(unit_a_world, tree, people):
    candidates, identifiers, secrets = unit_a_world
    calls = api_calls(Client(), candidates, identifiers)
    assert len(calls) >= 10, calls
    written = AuditEntry.objects.count()
    for stranger in strangers(tree, people):
        token = issue_token(stranger, actor=None)
        client = Client(headers={"authorization": f"Bearer {token}"})
        for method, url in calls:
            if method == "get":
                response = client.get(url)
            else:
                body = json.dumps({})
                response = getattr(client, method)(url, body, content_type="application/json")
            body = response.content.decode(errors="replace")
            assert response.status_code in REFUSED | {422}, (stranger, method, url)
            assert not any(s in body for s in secrets), (stranger, method, url)
    assert AuditEntry.objects.count() == written + 2  # only the two tokens issued
