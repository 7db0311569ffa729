"""Personas (STYLE.md): staff with each duty, a coordinating-union officer, the officer of unit A
and the officer of unit B, who must see nothing of A. The organisation tree they live in:

    city ─┬─ lixia ── lixia_street (nested)        unit_a (lixia), unit_a2 (lixia_street)
          └─ shizhong                               unit_b (shizhong)
"""

import os
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from huzhu.accounts.models import Duty, Role
from huzhu.accounts.tests.factories import PASSWORD, UserFactory
from huzhu.organizations.models import UnionKind
from huzhu.organizations.tests.factories import UnionFactory, UnitFactory


def pytest_configure(config: pytest.Config) -> None:
    # Static files come from the app finders in tests (no collectstatic manifest needed) and
    # passwords hash fast; everything else is the real configuration.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test's uploads and kept roster files go to its own folder (not var/media, where
    they piled up across runs and one test could see another's files)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """The holiday table is cached per process; each test starts from its own database."""
    from huzhu.claims.engine import forget_holidays

    forget_holidays()
    yield
    forget_holidays()


@pytest.fixture
def tree(db):
    city = UnionFactory(code="city", name="济南市总工会", kind=UnionKind.CITY)
    lixia = UnionFactory(code="lixia", name="历下区总工会", parent=city)
    street = UnionFactory(code="lixia_street", name="历下区某街道工会", parent=lixia)
    shizhong = UnionFactory(code="shizhong", name="市中区总工会", parent=city)
    return SimpleNamespace(
        city=city,
        lixia=lixia,
        street=street,
        shizhong=shizhong,
        unit_a=UnitFactory(name="甲单位", union=lixia),
        unit_a2=UnitFactory(name="甲二单位", union=street),
        unit_b=UnitFactory(name="乙单位", union=shizhong),
    )


@pytest.fixture
def people(tree):
    def staff(name, *duties):
        return UserFactory(username=name, role=Role.STAFF, **{f"duty_{d}": True for d in duties})

    return SimpleNamespace(
        admin=UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        registrar=staff("registrar", Duty.REGISTRAR),
        reviewer=staff("reviewer", Duty.REVIEWER),
        approver=staff("approver", Duty.APPROVER),
        cashier=staff("cashier", Duty.CASHIER),
        union_officer=UserFactory(
            username="lixia_officer", role=Role.UNION_OFFICER, union=tree.lixia
        ),
        officer_a=UserFactory(username="officer_a", role=Role.UNIT_OFFICER, unit=tree.unit_a),
        officer_b=UserFactory(username="officer_b", role=Role.UNIT_OFFICER, unit=tree.unit_b),
    )


def second_factor_code(user) -> str:
    """The current TOTP code of `user`'s authenticator (enrolled here when he has none). The
    device's replay guard is reset so one test may sign the same person in twice."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="测试", confirmed=True)
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def login():
    """A Django test client logged in as `user` through the login page (and, for staff and
    administrators, the two-factor page, as in production)."""
    from huzhu.accounts.twofactor import required_for

    def make(user) -> Client:
        client = Client()
        response = client.post("/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, "login failed"
        if required_for(user):
            response = client.post("/account/2fa/", {"code": second_factor_code(user)})
            assert response.status_code == 302, "second factor failed"
        return client

    return make


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped browser test is a failure: the browser journey must really run."""
    if not in_ci():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    browser_skips = [r.nodeid for r in skipped if r.nodeid.startswith("e2e/")]
    if browser_skips:
        session.exitstatus = 1
        if reporter:
            reporter.write_line(f"CI: {len(browser_skips)} 个浏览器测试被跳过，判为失败", red=True)
