"""Answers to a request whose method the address does not take. Django's page views answered
with an empty 405 (a blank browser error, most often for a form's submit step typed into the
address bar or bookmarked), and django-ninja with the English text "Method not allowed" where
every other API error has the JSON error shape. Pages now get a Chinese explanation and the API
its usual error body; the status and the Allow header stay as they were."""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template import loader

from huzhu.core.api_errors import for_api

JSON = "application/json"


def _api_message(request: HttpRequest, response: HttpResponse) -> str:
    allowed = response.headers.get("Allow", "")
    return f"此接口不支持 {request.method} 请求" + (f"（可用：{allowed}）" if allowed else "")


class MethodNotAllowedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405:
            return response
        if for_api(request):
            if response.headers.get("Content-Type", "").startswith(JSON):
                return response  # already the API's error shape
            body = {
                "error": {"code": "method_not_allowed", "message": _api_message(request, response)}
            }
            response.content = json.dumps(body, ensure_ascii=False).encode()
            response["Content-Type"] = JSON
        elif not response.content:
            response.content = loader.render_to_string("405.html", request=request).encode()
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
