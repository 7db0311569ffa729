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


HTTP_ERRORS = {
    400: ("bad_request", "请求内容无法解析：请发送有效的 JSON（Content-Type: application/json）"),
    403: ("forbidden", "请求被拒绝（CSRF 校验未通过）"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
}

# pydantic's error types in the Chinese the client reads (the type itself stays in `type`)
PROBLEMS = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为文本",
    "string_too_short": "太短：至少 {min_length} 个字符",
    "string_too_long": "太长：最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "list_type": "应为列表",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "literal_error": "取值只能是 {expected}",
    "enum": "取值只能是 {expected}",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "json_invalid": "不是有效的 JSON",
}
# by the start of the type: the many kinds of bad date, time, number
PROBLEM_FAMILIES = (
    ("datetime", "应为日期时间，如 2025-03-03T10:00:00+08:00"),
    ("date", "应为有效日期，格式 YYYY-MM-DD"),
    ("time", "应为时间，如 09:00"),
    ("int", "应为整数"),
    ("float", "应为数字"),
    ("decimal", "应为数字（金额最多两位小数）"),
)
SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
TYPE_TAGS = {"str", "int", "float", "bool", "list", "dict", "none", "decimal"}


def details(errors: Any) -> list[dict[str, str]]:
    """Each problem of a request: the field as the client named it, in Chinese, and pydantic's
    type. A value tried against each type of a union (a list or "all_eligible") fails once per
    type: the same problem of one field is given once."""
    found: list[dict[str, str]] = []
    for error in errors:
        entry = {
            "field": _field(error.get("loc", ())),
            "problem": _problem(error),
            "type": str(error.get("type", "")),
        }
        if not any(
            e["field"] == entry["field"] and e["problem"] == entry["problem"] for e in found
        ):
            found.append(entry)
    return found


def _field(loc: Any) -> str:
    """`("body", "body", "members", "list[str]", 0)` → `members.0`: without where it was
    read from, the view's parameter name and the union's type tags."""
    parts = list(loc)
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        if source in {"body", "form", "file"} and len(parts) > 1:
            parts.pop(0)  # the view's parameter, not a field the client sent
    kept = [p for p in parts if not (isinstance(p, str) and ("[" in p or p in TYPE_TAGS))]
    return ".".join(str(p) for p in kept)


def _problem(error: Any) -> str:
    kind = str(error.get("type", ""))
    # pydantic lists the allowed values as "'a', 'b' or 'c'"
    context = {k: str(v).replace(" or ", " 或 ") for k, v in (error.get("ctx") or {}).items()}
    template = PROBLEMS.get(kind)
    if template is None:
        template = next((text for start, text in PROBLEM_FAMILIES if kind.startswith(start)), "")
    try:
        return template.format(**context) if template else "格式不正确"
    except (KeyError, IndexError):
        return template


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        extra = {"details": exc.details} if exc.details is not None else {}
        return error_response(api, request, exc.status, exc.code, exc.message, **extra)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(
            api,
            request,
            422,
            "invalid_input",
            "请求数据不符合接口要求",
            details=details(exc.errors),
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
        # only django-ninja raises these, in English ("Cannot parse request body"): the client
        # reads Chinese, like every other refusal
        code, message = HTTP_ERRORS.get(exc.status_code, ("error", "请求无法处理"))
        return error_response(api, request, exc.status_code, code, message)

    @api.exception_handler(MultiPartParserError)
    def _bad_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return error_response(
            api, request, 400, "bad_request", "上传的请求格式不正确（multipart 内容无法解析）"
        )

    @api.exception_handler(Exception)
    def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s", request.path)
        return error_response(api, request, 500, "server_error", "服务器内部错误，请稍后重试")
