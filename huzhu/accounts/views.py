"""Login and logout pages (Django's views, with Chinese templates), the two-factor step for
staff and administrators, the password change and each user's own login history."""

from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from huzhu.accounts import actions, agents, twofactor
from huzhu.accounts.models import user_of
from huzhu.core.access import authenticated, public
from huzhu.core.sessions import BACKGROUND_HEADER

login = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)
logout = authenticated(auth_views.LogoutView.as_view())


def locked_out(request: HttpRequest, response: Any, credentials: Any) -> HttpResponse:
    """The lock-out page (django-axes calls it in place of its own), saying how long the lock
    lasts in minutes: the library's context gives it as an ISO duration, shown as `PT15M`."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


@public
def session_left(request: HttpRequest) -> JsonResponse:
    """Seconds left before the idle timeout (HUZHU_SESSION_IDLE_MINUTES) ends this session, for
    app.js to warn ahead of it. Sent by the page on its own (BACKGROUND_HEADER) it only asks:
    another tab may have moved the expiry on. Sent because the user is typing into a form, or
    chose to stay signed in, it is activity and moves the expiry on, as any request does.
    0 once the session has ended."""
    left = 0
    if request.user.is_authenticated:
        left = settings.SESSION_COOKIE_AGE
        stored = getattr(request.session, "stored_expiry", None)
        if request.headers.get(BACKGROUND_HEADER) and stored is not None:
            left = max(0, int((stored - timezone.now()).total_seconds()))
    return JsonResponse({"remaining": left})


def _next(request: HttpRequest) -> str:
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/"


@authenticated
def second_factor(request: HttpRequest) -> HttpResponse:
    """The code after the password; the first time, enrolment of the authenticator app."""
    user = user_of(request)
    if not twofactor.required_for(user) or twofactor.verified(request):
        return redirect(_next(request))
    enrolling = twofactor.confirmed_device(user) is None
    error = ""
    if request.method == "POST":
        code = str(request.POST.get("code", ""))
        check = twofactor.enrol if enrolling else twofactor.verify
        error = check(request, user, code) or ""
        if not error:
            return redirect(_next(request))
    context: dict[str, Any] = {"enrolling": enrolling, "error": error, "next": _next(request)}
    if enrolling:
        device = twofactor.pending_device(user)
        context |= {"qr": twofactor.qr_svg(device), "secret": twofactor.secret_text(device)}
    return render(request, "accounts/second_factor.html", context, status=400 if error else 200)


@authenticated
def password_change(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改")
        return redirect(_next(request))  # the page he was sent here from, if any
    context = {"form": form, "next": _next(request)}
    return render(request, "accounts/password.html", context)


@authenticated
def login_history(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own logins and failed attempts (newest first)."""
    user = user_of(request)
    logins = list(AccessLog.objects.filter(username=user.username).order_by("-attempt_time")[:50])
    failures = list(
        AccessFailureLog.objects.filter(username=user.username).order_by("-attempt_time")[:50]
    )
    for entry in [*logins, *failures]:
        entry.browser = agents.describe(entry.user_agent)
    return render(request, "accounts/logins.html", {"logins": logins, "failures": failures})
