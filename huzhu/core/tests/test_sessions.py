"""Sessions: every request moves the idle timeout on, and a request that changed nothing does
not put back its old copy over what a concurrent request wrote (a lost flash message)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.utils import timezone

from huzhu.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _started() -> str:
    first = SessionStore()
    first["_auth_user_id"] = "1"
    first.create()
    assert first.session_key is not None
    return first.session_key


def test_a_request_that_changed_nothing_keeps_what_another_wrote_meanwhile():
    key = _started()
    reading = SessionStore(key)  # request A (an htmx check) reads the session ...
    assert reading["_auth_user_id"] == "1"
    writing = SessionStore(key)  # ... request B (the form's submission) adds its message
    writing["_messages"] = "已提交"
    writing.save()
    earlier = timezone.now() - timedelta(minutes=20)
    Session.objects.filter(session_key=key).update(expire_date=earlier)
    reading.save()  # ... and A, finishing last, changed nothing
    assert SessionStore(key)["_messages"] == "已提交"
    assert Session.objects.get(session_key=key).expire_date > earlier + timedelta(minutes=19)


def test_a_changed_session_is_written_whole_and_an_ended_one_is_said_to_have_ended():
    key = _started()
    changing = SessionStore(key)
    changing["otp_device_id"] = "otp_totp.totpdevice/7"
    changing.save()
    assert SessionStore(key)["otp_device_id"] == "otp_totp.totpdevice/7"
    late = SessionStore(key)
    assert late["_auth_user_id"] == "1"
    SessionStore(key).delete()  # logged out in another tab
    with pytest.raises(UpdateError):
        late.save()


def test_every_page_moves_the_idle_timeout_on(people, login):
    assert settings.SESSION_ENGINE == "huzhu.core.sessions"
    client = login(people.officer_a)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    soon = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/").status_code == 200
    moved = Session.objects.get(session_key=key).expire_date
    assert moved > soon + timedelta(minutes=25)
    assert SessionStore(key)["_auth_user_id"] == str(people.officer_a.pk)


def test_the_boards_polling_does_not_keep_an_idle_session_alive(people, login):
    """The quota board polls every 3 s with the background header: that is not activity, so a
    board left open on an unattended computer no longer keeps it signed in for good."""
    client = login(people.officer_a)
    assert 'hx-headers=\'{"X-Huzhu-Background": "1"}\'' in client.get("/quota/").content.decode()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    soon = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    poll = {"HX-Request": "true", "X-Huzhu-Background": "1"}
    assert client.get("/quota/", headers=poll).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == soon
    assert client.get("/quota/", headers={"HX-Request": "true"}).status_code == 200  # a click
    assert Session.objects.get(session_key=key).expire_date > soon + timedelta(minutes=25)


def test_an_htmx_request_after_the_session_ended_sends_the_page_to_the_login(people, login):
    client = login(people.officer_a)
    Session.objects.all().delete()  # the idle timeout passed
    answer = client.get(
        "/quota/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/quota/?year=2025"},
    )
    assert answer.status_code == 204 and answer.content == b""
    assert answer["HX-Redirect"] == "/login/?next=%2Fquota%2F%3Fyear%3D2025"
    plain = client.get("/quota/")
    assert plain.status_code == 302 and plain["Location"].startswith("/login/?next=")


def _ends_in(client, delta: timedelta) -> tuple[str, object]:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    ends = timezone.now() + delta
    Session.objects.filter(session_key=key).update(expire_date=ends)
    return key, ends


def test_the_page_asks_how_long_the_session_has_left_without_moving_it_on(people, login):
    """app.js warns before the idle timeout: asked in the background, the answer is the
    server's expiry (another tab may have moved it on) and the expiry stays where it was."""
    client = login(people.officer_a)
    key, ends = _ends_in(client, timedelta(minutes=3))
    answer = client.get("/account/session/", headers={"X-Huzhu-Background": "1"})
    assert answer.status_code == 200 and answer["Cache-Control"].startswith("no-store")
    assert 170 <= answer.json()["remaining"] <= 180
    assert Session.objects.get(session_key=key).expire_date == ends


def test_typing_or_staying_signed_in_moves_the_session_on(people, login):
    client = login(people.officer_a)
    key, ends = _ends_in(client, timedelta(minutes=3))
    answer = client.get("/account/session/")  # the user typed, or chose 继续使用
    assert answer.json() == {"remaining": settings.SESSION_COOKIE_AGE}
    assert Session.objects.get(session_key=key).expire_date > ends + timedelta(minutes=25)


@pytest.mark.parametrize("background", [True, False])
def test_an_ended_session_has_nothing_left_and_is_not_revived(people, login, background):
    client = login(people.officer_a)
    _ends_in(client, -timedelta(seconds=1))
    headers = {"X-Huzhu-Background": "1"} if background else {}
    assert client.get("/account/session/", headers=headers).json() == {"remaining": 0}
    assert client.get("/").status_code == 302  # still ended: the login


def test_staff_still_owing_the_second_factor_get_an_answer_not_the_code_page(people):
    from django.test import Client

    from huzhu.accounts.tests.factories import PASSWORD

    client = Client()
    client.post("/login/", {"username": "registrar", "password": PASSWORD})
    answer = client.get("/account/session/", headers={"X-Huzhu-Background": "1"})
    assert answer.status_code == 200 and answer.json()["remaining"] > 0


def test_only_a_signed_in_page_carries_the_idle_timeout_for_its_warning(people, login):
    from django.test import Client

    page = login(people.officer_a).get("/claims/new/").content.decode()
    seconds = settings.SESSION_COOKIE_AGE
    assert f'data-session-url="/account/session/" data-idle-seconds="{seconds}"' in page
    assert 'id="session-warning"' in page
    public = Client().get("/lookup/").content.decode()
    assert "data-idle-seconds" not in public and "session-warning" not in public
