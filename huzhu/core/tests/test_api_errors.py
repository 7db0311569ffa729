"""Bad API bodies and parameters get Chinese answers naming the field as the client sent it
(non-negotiable 4); django-ninja's and pydantic's own English never reaches the client."""

import re

from django.test import Client

from huzhu.accounts.actions import issue_token
from huzhu.claims.models import Claim
from huzhu.quota.models import FreeShareApplication

LATIN_SENTENCE = re.compile(r"[A-Za-z]{3,} [A-Za-z]{3,}")  # "Input should", "Cannot parse"


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user, actor=None)}"})


def english_in(error: dict) -> list[str]:
    texts = [error["message"], *(d["problem"] for d in error.get("details", []))]
    return [t for t in texts if LATIN_SENTENCE.search(t)]


def test_a_body_that_is_not_json_is_refused_in_chinese(tree, people):
    response = api(people.officer_a).post(
        "/api/v1/quota/applications", "{unit: U1", content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request" and "JSON" in error["message"], error
    assert not english_in(error), error
    assert not FreeShareApplication.objects.exists()


def test_each_bad_field_is_named_as_sent_with_a_chinese_problem(tree, people):
    response = api(people.officer_a).post(
        "/api/v1/quota/applications",
        {"unit": tree.unit_a.code, "members": [1, "M2"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    # tried as text and as a list of texts: once for the whole value, once for the bad item;
    # the view's parameter name and the union's type tags are not part of the field
    assert [(d["field"], d["problem"]) for d in error["details"]] == [
        ("members", "应为文本"),
        ("members.0", "应为文本"),
    ], error
    assert {d["type"] for d in error["details"]} == {"string_type"}
    assert not english_in(error), error
    assert not FreeShareApplication.objects.exists()


def test_missing_fields_bad_dates_and_numbers_of_a_claim(tree, people):
    response = api(people.officer_a).post(
        "/api/v1/claims",
        {"kind": "critical_illness", "event_date": "2025-13-01", "disability_grade": "三级"},
        content_type="application/json",
    )
    assert response.status_code == 422
    problems = {d["field"]: d["problem"] for d in response.json()["error"]["details"]}
    assert problems == {
        "member": "缺少必填字段",
        "event_date": "应为有效日期，格式 YYYY-MM-DD",
        "disability_grade": "应为整数",
    }, problems
    assert not english_in(response.json()["error"])
    assert not Claim.objects.exists()


def test_a_bad_query_parameter_is_named_without_its_source(people):
    response = api(people.registrar).get("/api/v1/units?limit=abc")
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "limit", "problem": "应为整数", "type": "int_parsing"}
    ]
