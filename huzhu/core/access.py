"""Deny-by-default access to pages.

Every view carries an access rule (`public`, `authenticated`, `roles(...)`, `staff_duty(...)`);
AccessRuleMiddleware refuses any view without one. The Django admin and the JSON API enforce
their own authentication and are the only exempt namespaces. Object scoping (a unit officer sees
his unit only, ...) happens in each app's `access.py`, which answers 404 for other people's data.
"""

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

AccessRule = Callable[[HttpRequest], HttpResponse | None]
View = TypeVar("View", bound=Callable[..., Any])

EXEMPT_NAMESPACES = frozenset({"admin", "api"})


def _attach(rule: AccessRule, label: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        view.access_rule = rule  # type: ignore[attr-defined]
        view.access_label = label  # type: ignore[attr-defined]
        return view

    return decorate


def _to_login(request: HttpRequest) -> HttpResponse:
    """The login page, coming back here afterwards."""
    return _send_to(request, "login")


def _send_to(request: HttpRequest, page_name: str) -> HttpResponse:
    """The page named `page_name` (the login, the code page), coming back here afterwards. An
    htmx request (a search, the quota board's polling after the session ended or lost its
    second factor) sends the whole page there (HX-Redirect, back to the page it came from):
    followed as a plain redirect, the login form was swapped into the table."""
    if not request.headers.get("HX-Request"):
        if page_name == "login":
            return redirect_to_login(request.get_full_path())
        return redirect(f"{reverse(page_name)}?{urlencode({'next': request.get_full_path()})}")
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = (page.path or "/") + (f"?{page.query}" if page.query else "")
    response = HttpResponse(status=204)
    response["HX-Redirect"] = f"{reverse(page_name)}?{urlencode({'next': back})}"
    return response


def _require(predicate: Callable[[Any], bool]) -> AccessRule:
    def rule(request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return _to_login(request)
        if not request.user.is_active or not predicate(request.user):
            raise PermissionDenied("您的角色无权访问此页面")
        return None

    return rule


def public(view: View) -> View:
    """Anyone, logged in or not (login page, public information)."""
    return _attach(lambda request: None, "public")(view)


def authenticated(view: View) -> View:
    """Any logged-in account; the view scopes what it shows."""
    return _attach(_require(lambda user: True), "authenticated")(view)


def roles(*allowed: str) -> Callable[[View], View]:
    """Logged in with one of the roles (huzhu.accounts.models.Role values)."""
    return _attach(_require(lambda user: user.role in allowed), "roles:" + ",".join(allowed))


def staff_duty(*duties: str) -> Callable[[View], View]:
    """Association staff holding one of the duties (registrar, reviewer, approver, cashier)."""
    rule = _require(lambda user: any(user.has_duty(d) for d in duties))
    return _attach(rule, "duty:" + ",".join(duties))


SECOND_FACTOR_FREE = frozenset({"second_factor", "logout", "login", "session_left"})
# a user holding a password an administrator gave him reaches these only, until he sets his own
TEMPORARY_PASSWORD_FREE = SECOND_FACTOR_FREE | {"password_change"}


def _second_factor_missing(request: HttpRequest, match: Any) -> bool:
    """Staff and administrators signed in with a password only may reach the code page and
    logout, nothing else (the Django admin included)."""
    from huzhu.accounts.twofactor import required_for, verified

    if not request.user.is_authenticated or not required_for(request.user):
        return False
    if match is not None and match.view_name in SECOND_FACTOR_FREE:
        return False
    return not verified(request)


def _temporary_password(request: HttpRequest, match: Any) -> bool:
    """A password an administrator set (a new login, a reset) was told to the user by phone:
    he sets his own before anything else, the Django admin included."""
    if not request.user.is_authenticated or not getattr(request.user, "temporary_password", False):
        return False
    return match is None or match.view_name not in TEMPORARY_PASSWORD_FREE


class AccessRuleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and "api" in match.namespaces:
            return None  # bearer tokens, checked by the API itself
        if _second_factor_missing(request, match):
            return _send_to(request, "second_factor")
        if _temporary_password(request, match):
            return _send_to(request, "password_change")
        if match is not None and EXEMPT_NAMESPACES.intersection(match.namespaces):
            return None
        rule: AccessRule | None = getattr(view_func, "access_rule", None)
        if rule is None:
            raise PermissionDenied("此页面未设置访问规则")
        return rule(request)
