"""Sessions in the database, refreshed on every request for the idle timeout
(SESSION_SAVE_EVERY_REQUEST), without undoing what a concurrent request wrote.

Django writes a request's whole copy of the session back at its end, changed or not. Two
requests of one browser that overlap (an htmx check sent as a form is submitted, the quota
board's polling beside an application) then race: the one that changed nothing, finishing
last, puts back the copy it read before the other's change. That lost the flash message of a
submitted claim (已提交). Here a request that changed nothing only moves the expiry on."""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None or self.modified:
            super().save(must_create=must_create)
            return
        moved = self.model.objects.filter(session_key=self.session_key).update(
            expire_date=self.get_expiry_date()
        )
        if not moved:  # ended meanwhile (logged out in another tab): as Django would say
            raise UpdateError
