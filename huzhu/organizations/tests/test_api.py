import pytest
from django.test import Client

from huzhu.accounts.actions import issue_token


def api_client(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user, actor=None)}"})


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("reviewer", {"甲单位", "甲二单位", "乙单位"}),
        ("union_officer", {"甲单位", "甲二单位"}),
        ("officer_a", {"甲单位"}),
        ("officer_b", {"乙单位"}),
    ],
)
def test_units_are_scoped_like_the_pages(people, persona, expected):
    response = api_client(getattr(people, persona)).get("/api/v1/units")
    assert response.status_code == 200
    body = response.json()
    assert {u["name"] for u in body["items"]} == expected
    assert body["count"] == len(expected)


def test_unit_detail_and_stranger_404(tree, people):
    own = api_client(people.officer_a).get(f"/api/v1/units/{tree.unit_a.code}")
    assert own.status_code == 200
    assert own.json()["union"] == "lixia"
    assert own.json()["credit_code"] == tree.unit_a.credit_code
    stranger = api_client(people.officer_b).get(f"/api/v1/units/{tree.unit_a.code}")
    assert stranger.status_code == 404
    assert stranger.json() == {"error": {"code": "not_found", "message": "未找到该单位"}}


def test_search_and_union_filter(tree, people):
    client = api_client(people.registrar)
    assert [u["name"] for u in client.get("/api/v1/units?q=乙").json()["items"]] == ["乙单位"]
    nested = client.get("/api/v1/units?union=lixia_street").json()["items"]
    assert [u["name"] for u in nested] == ["甲二单位"]
    assert api_client(people.officer_b).get("/api/v1/units?union=lixia").status_code == 404


def test_pagination_limits(people):
    body = api_client(people.registrar).get("/api/v1/units?limit=1&offset=1").json()
    assert body["count"] == 3
    assert len(body["items"]) == 1


def test_bad_query_gets_json_error(people):
    response = api_client(people.registrar).get("/api/v1/units?limit=abc")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["details"][0]["field"].endswith("limit")
