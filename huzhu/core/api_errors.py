"""JSON errors of /api/v1: always `{"error": {"code": ..., "message": ...}}` (issue 2 §8)."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A refusal with a stable code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def for_api(request: HttpRequest) -> bool:
    """Whether an answer given outside the API's views (middleware, Django's error handlers)
    must take the API's shape."""
    return request.path_info.startswith("/api/")


def json_error(status: int, code: str, message: str) -> JsonResponse:
    """The API's error shape, for answers given outside the API's views."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message} | extra
    return api.create_response(request, {"error": body}, status=status)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        extra = {"details": exc.details} if exc.details is not None else {}
        return error_response(api, request, exc.status, exc.code, exc.message, **extra)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors
        ]
        return error_response(
            api, request, 422, "invalid_input", "请求数据不符合接口要求", details=details
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(api, request, 401, "unauthorized", "缺少或无效的访问令牌")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, "forbidden", str(exc) or "无权执行此操作")

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", str(exc) or "未找到")

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return error_response(api, request, exc.status_code, code, str(exc.message))

    @api.exception_handler(MultiPartParserError)
    def _bad_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return error_response(
            api, request, 400, "bad_request", "上传的请求格式不正确（multipart 内容无法解析）"
        )

    @api.exception_handler(Exception)
    def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s", request.path)
        return error_response(api, request, 500, "server_error", "服务器内部错误，请稍后重试")
