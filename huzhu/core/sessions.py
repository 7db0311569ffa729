"""Sessions in the database, refreshed on every request for the idle timeout
(SESSION_SAVE_EVERY_REQUEST), without undoing what a concurrent request wrote.

Django writes a request's whole copy of the session back at its end, changed or not. Two
requests of one browser that overlap (an htmx check sent as a form is submitted, the quota
board's polling beside an application) then race: the one that changed nothing, finishing
last, puts back the copy it read before the other's change. That lost the flash message of a
submitted claim (已提交). Here a request that changed nothing only moves the expiry on.
The expiry read with the session is kept (`stored_expiry`): the page asks how long is left,
to warn before the idle timeout (huzhu.accounts.views.session_left)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.http import HttpRequest, HttpResponse

# sent by what a page asks by itself (the quota board's polling: hx-headers in its template)
BACKGROUND_HEADER = "X-Huzhu-Background"


class SessionStore(DatabaseSessionStore):
    refresh_expiry = True  # off for a background request: see BackgroundRequestMiddleware
    stored_expiry: datetime | None = None  # when the session ends unless a request moves it on

    def _get_session_from_db(self) -> Any:
        found = super()._get_session_from_db()  # type: ignore[misc]  # not in django-stubs
        self.stored_expiry = found.expire_date if found else None
        return found

    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None or self.modified:
            super().save(must_create=must_create)
            return
        if not self.refresh_expiry:
            return
        moved = self.model.objects.filter(session_key=self.session_key).update(
            expire_date=self.get_expiry_date()
        )
        if not moved:  # ended meanwhile (logged out in another tab): as Django would say
            raise UpdateError


class BackgroundRequestMiddleware:
    """A request the page sends by itself (BACKGROUND_HEADER) is not activity: it does not move
    the 30-minute idle timeout on. The quota board polls every 3 seconds, so a board left open
    kept an unattended office computer signed in for good. (A client that sends the header only
    shortens its own session.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.headers.get(BACKGROUND_HEADER):
            request.session.refresh_expiry = False  # type: ignore[attr-defined]
        return self.get_response(request)
