"""Requests that carry a NUL character are refused before any view runs: PostgreSQL text cannot
hold one, so a search for "%00" ended as a server error instead of a clear answer (found by the
schemathesis run on PostgreSQL). Multipart bodies are not read here (uploaded files may hold any
byte); their text fields go through forms, which refuse NUL, and the upload actions."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from huzhu.core.api_errors import for_api, json_error

MESSAGE = "请求中含有不允许的空字符（NUL），请检查输入内容"
# a NUL as sent: raw, percent-encoded (query strings, form bodies), escaped in JSON
MARKS = (b"\x00", b"%00", b"\\u0000")


def carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:  # the path arrives percent-decoded
        return True
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        return True
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return False
    body = request.body
    return any(mark in body for mark in MARKS)


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not carries_nul(request):
            return self.get_response(request)
        if for_api(request):
            return json_error(400, "bad_request", MESSAGE)
        return render(request, "400.html", {"reason": MESSAGE}, status=400)
