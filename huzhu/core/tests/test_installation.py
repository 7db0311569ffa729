"""README's “a new installation”: from an empty database to a unit officer at work, with the
commands and pages it names and no demo data."""

import random
import shutil
import socket
import subprocess
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from huzhu.accounts.models import User
from huzhu.accounts.tests.factories import PASSWORD
from huzhu.claims.models import HolidayYear
from huzhu.core.models import AuditEntry
from huzhu.demo.loader import credit_code
from huzhu.organizations.models import Union, Unit


def test_a_new_installation_gets_from_nothing_to_a_working_unit_officer(db, login, monkeypatch):
    assert not User.objects.exists() and not Union.objects.exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, username="boss", verbosity=0)
    call_command("holidays", "seed", "2025", "2026", verbosity=0)
    assert set(HolidayYear.objects.values_list("year", flat=True)) == {2025, 2026}

    boss = login(User.objects.get(username="boss"))
    city = {"code": "jinan", "name": "济南市总工会", "kind": "city", "contract_series": "01"}
    assert (
        boss.post("/admin/organizations/union/add/", city | {"sort_order": "0"}).status_code == 302
    )
    union = Union.objects.get(code="jinan")
    unit_page = {
        "name": "济南新装测试有限公司",
        "credit_code": credit_code(random.Random(7), "370102"),
        "union": union.pk,
        "member_count": "10",
        "contact_name": "张伟",
        "contact_phone": "13905310000",
    }
    assert boss.post("/units/new/", unit_page).status_code == 302
    unit = Unit.objects.get(name="济南新装测试有限公司")
    officer = {"username": "officer", "role": "unit_officer", "unit": unit.pk}
    strong = "Huzhu-officer-2026"  # the password rules: 10 characters, three kinds
    passwords = {"usable_password": "true", "password1": strong, "password2": strong}
    added = boss.post("/admin/accounts/user/add/", officer | passwords)
    assert added.status_code == 302, added.content.decode()[:2000]

    desk = Client()
    signed_in = desk.post("/login/", {"username": "officer", "password": strong})
    assert signed_in.status_code == 302  # no second factor for a unit officer
    first = desk.get("/")  # the administrator's password was told him: he sets his own first
    assert first.status_code == 302 and first["Location"] == "/account/password/?next=%2F"
    own = "Quancheng-own-2026"
    change = {"old_password": strong, "new_password1": own, "new_password2": own, "next": "/"}
    assert desk.post("/account/password/", change)["Location"] == "/"
    home = desk.get("/").content.decode()
    assert "济南新装测试有限公司" in home and "基层工会经办人" in home
    made = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"accounts.user.created", "organizations.union.created"} <= made
    assert "organizations.unit.created" in made


def test_make_run_stops_at_once_when_its_port_is_taken():
    """A second `make run` (or another program on port 8000): it said “正在运行” and then
    gunicorn failed five times over with `Connection in use`. Now it stops before it loads
    anything, and says what to do."""
    root = Path(__file__).resolve().parents[3]
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(
            [shutil.which("make") or "/usr/bin/make", "-s", "run", f"PORT={port}"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    assert result.returncode != 0
    assert f"端口 {port} 已被占用" in result.stdout and "make run PORT=8001" in result.stdout
    assert "正在" not in result.stdout and "migrate" not in result.stdout + result.stderr
