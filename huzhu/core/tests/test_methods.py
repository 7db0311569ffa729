"""A page address opened with a method its view does not take (a form's submit step typed
into the address bar) answers 405 with a Chinese page, not an empty response; the API answers
in its JSON error shape, not django-ninja's English plain text."""

from huzhu.accounts.actions import issue_token


def test_a_submit_step_opened_as_a_page_explains_itself(people, login):
    client = login(people.cashier)
    response = client.get("/payments/batches/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    html = response.content.decode()
    assert "请从页面上操作" in html and "返回首页" in html
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in response.headers


def test_the_api_answers_in_its_error_shape(people, client):
    key = issue_token(people.admin, actor=None)
    response = client.delete("/api/v1/quota/current", headers={"authorization": f"Bearer {key}"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert response.json() == {
        "error": {
            "code": "method_not_allowed",
            "message": "此接口不支持 DELETE 请求（可用：GET）",
        }
    }
