"""A NUL character anywhere in a request's path, query or body is refused with a Chinese
message before a view runs (PostgreSQL cannot store or compare text holding one: a search for
"%00" was a server error there), and nothing is written."""

import json
from urllib.parse import urlencode

from django.test import Client

from huzhu.accounts.actions import issue_token
from huzhu.accounts.models import ApiToken
from huzhu.core.nul import MESSAGE
from huzhu.lookup.models import Throttle


def test_api_refuses_nul_in_query_path_and_json_body(people):
    client = Client(headers={"authorization": f"Bearer {issue_token(people.admin, actor=None)}"})
    assert client.get("/api/v1/units", {"q": "甲"}).status_code == 200
    for response in (
        client.get("/api/v1/units", {"q": "甲\x00"}),
        client.get("/api/v1/units/AB%00C"),
        client.post(
            "/api/v1/units", json.dumps({"name": "单位\x00"}), content_type="application/json"
        ),
    ):
        assert response.status_code == 400
        assert response.json() == {"error": {"code": "bad_request", "message": MESSAGE}}


def test_lookup_with_nul_counts_nothing(people):
    key = issue_token(people.admin, actor=None, kind=ApiToken.Kind.APP)
    client = Client(headers={"authorization": f"Bearer {key}"})
    body = json.dumps({"id_number": "110101199003074258", "name": "张\x00三"})
    response = client.post("/api/v1/lookup", body, content_type="application/json")
    assert response.status_code == 400
    form = urlencode({"id_number": "110101199003074258", "name": "张\x00三"})
    page = Client().post("/lookup/", form, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 400 and MESSAGE in page.content.decode()
    assert not Throttle.objects.exists()


def test_pages_refuse_nul_in_the_search(people, login):
    client = login(people.registrar)
    assert client.get("/units/", {"q": "甲"}).status_code == 200
    response = client.get("/units/", {"q": "甲\x00"})
    assert response.status_code == 400
    html = response.content.decode()
    assert MESSAGE in html and "请求有误" in html
    assert "Content-Security-Policy" in response.headers
