"""Deny-by-default: every page has an access rule, every API operation authenticates."""

import json
from collections.abc import Iterator

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path

from huzhu import urls as root_urls
from huzhu.accounts.actions import issue_token
from huzhu.core.access import EXEMPT_NAMESPACES, public
from huzhu.lookup.models import Throttle
from huzhu.organizations.models import Unit


def _patterns(resolver: URLResolver, namespaces: tuple[str, ...] = ()) -> Iterator:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, (*namespaces, entry.namespace or ""))
        elif isinstance(entry, URLPattern):
            yield namespaces, entry


def test_every_page_has_an_access_rule():
    missing = [
        str(p.pattern)
        for namespaces, p in _patterns(get_resolver())
        if not EXEMPT_NAMESPACES.intersection(namespaces) and not hasattr(p.callback, "access_rule")
    ]
    assert missing == []


def test_the_walk_sees_the_pages():
    names = {p.name for _, p in _patterns(get_resolver())}
    assert {"home", "login", "unit_list", "unit_detail", "audit_list"} <= names


def test_every_api_operation_requires_a_token(client, db):
    """Generated from the OpenAPI document: each operation without a token is a JSON 401,
    except the ones the document itself declares open (no `security`: the health check)."""
    spec = client.get("/api/v1/openapi.json").json()
    calls = [
        (method, route.replace("{", "").replace("}", ""))
        for route, operations in spec["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    ]
    open_routes = [
        route
        for route, operations in spec["paths"].items()
        for operation in operations.values()
        if not operation.get("security")
    ]
    assert open_routes == ["/api/v1/health"]
    refused = [
        getattr(client, method)(route).status_code == 401
        and getattr(client, method)(route).json()["error"]["code"] == "unauthorized"
        for method, route in calls
    ]
    assert len(calls) >= 3
    assert all(refused), calls


def unmarked(request):
    return HttpResponse("should never be shown")


urlpatterns = [
    path("unmarked/", unmarked),
    path("marked/", public(lambda request: HttpResponse("ok"))),
    *root_urls.urlpatterns,
]
handler403 = root_urls.handler403


@pytest.mark.urls("huzhu.core.tests.test_access")
def test_a_view_without_rule_is_refused(client, db):
    response = client.get("/unmarked/")
    assert response.status_code == 403
    assert b"should never be shown" not in response.content
    assert client.get("/marked/").status_code == 200


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/units/")


def test_role_rule_refuses_other_roles_with_chinese_page(people, login):
    response = login(people.officer_a).get("/audit/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_unknown_page_is_a_chinese_404(people, login):
    response = login(people.officer_a).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_server_error_page_is_chinese_and_reassuring(rf):
    from huzhu.core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "您的数据没有被修改" in response.content.decode()


def test_errors_outside_the_api_views_keep_the_api_shape(people, rf):
    from huzhu.core.views import error_500

    client = Client(headers={"authorization": f"Bearer {issue_token(people.admin, actor=None)}"})
    missing = client.get("/api/v1/no-such-operation")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    crashed = error_500(rf.get("/api/v1/units"))
    assert crashed.status_code == 500
    assert "没有被修改" in json.loads(crashed.content)["error"]["message"]


def test_a_body_over_the_limit_is_refused_in_chinese_and_changes_nothing(people, login, settings):
    """Django refuses it before any view (RequestDataTooBig): 413 with the limit named, as the
    API's JSON under /api/ and as the Chinese page elsewhere."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = Client(headers={"authorization": f"Bearer {issue_token(people.admin, actor=None)}"})
    body = json.dumps({"name": "单位" * 600, "credit_code": "x"})
    api = client.post("/api/v1/units", body, content_type="application/json")
    assert api.status_code == 413 and api.json()["error"]["code"] == "too_large"
    assert "请求内容过大" in api.json()["error"]["message"]
    page = login(people.officer_a).post("/lookup/", {"id_number": "1" * 2000, "name": "张三"})
    assert page.status_code == 413 and "请求内容过大" in page.content.decode()
    assert not Unit.objects.filter(credit_code="x").exists()
    assert not Throttle.objects.exists()


def test_pages_with_personal_data_are_not_kept_by_the_browser(people, login):
    """A service window's shared computer: after signing out, the back button must not show the
    previous person's roster or look-up answer."""
    roster = login(people.officer_a).get(f"/units/{people.officer_a.unit.code}/roster/")
    assert roster.status_code == 200
    assert "no-store" in roster["Cache-Control"] and "private" in roster["Cache-Control"]
    answer = Client().post("/lookup/", {"id_number": "110101199003077777", "name": "张三"})
    assert "no-store" in answer["Cache-Control"]
