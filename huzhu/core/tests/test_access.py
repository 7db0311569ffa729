"""Deny-by-default: every page has an access rule, every API operation authenticates."""

from collections.abc import Iterator

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path

from huzhu import urls as root_urls
from huzhu.core.access import EXEMPT_NAMESPACES, public


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
