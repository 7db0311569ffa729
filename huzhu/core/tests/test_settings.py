"""The environment as the `huzhu` command reads it at start-up: a value it cannot take stops the
start with one Chinese line naming the variable, where a typo used to reach the first request
(HUZHU_TODAY), a traceback (the numbers), or quietly turn a flag off
(HUZHU_REQUIRE_2FA=ture read as false)."""

import os

import pytest

from huzhu.core.tests import processes

SHOW = (
    "from django.conf import settings as s; print(s.REQUIRE_2FA, s.HTTPS, s.HUZHU_TODAY, "
    "s.LOOKUP_LIMITS['client'], s.AXES_FAILURE_LIMIT, s.SESSION_COOKIE_AGE, "
    "s.LOGGING['root']['level'], s.ALLOWED_HOSTS)"
)


def huzhu(tmp_path, *args, **variables):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUZHU_")}
    return processes.huzhu(*args, env=env | {"HUZHU_VAR_DIR": str(tmp_path)} | variables)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("HUZHU_REQUIRE_2FA", "ture"),
        ("HUZHU_HTTPS", "yes please"),
        ("HUZHU_TODAY", "2025-3-1"),
        ("HUZHU_NOW", "soon"),
        ("HUZHU_LOOKUP_LIMIT_CLIENT", "5/0"),
        ("HUZHU_LOOKUP_LIMIT_ID_NUMBER", "ten/3600"),
        ("HUZHU_LOGIN_FAILURES", "0"),
        ("HUZHU_LOCKOUT_MINUTES", "a quarter"),
        ("HUZHU_SESSION_IDLE_MINUTES", "-5"),
        ("HUZHU_DB_CONN_MAX_AGE", "forever"),
        ("HUZHU_LOG_LEVEL", "loud"),
        ("HUZHU_CSRF_TRUSTED_ORIGINS", "huzhu.example.cn"),
    ],
)
def test_a_value_the_app_cannot_take_stops_the_start_in_one_line(tmp_path, name, text):
    result = huzhu(tmp_path, "check", **{name: text})
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"配置错误：{name}={text!r} 不是有效的取值")
    assert len(result.stderr.strip().splitlines()) == 1  # no traceback


def test_the_values_it_can_take_are_read(tmp_path):
    result = huzhu(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        SHOW,
        HUZHU_REQUIRE_2FA="off",
        HUZHU_HTTPS="",
        HUZHU_TODAY="2025-03-01",
        HUZHU_LOOKUP_LIMIT_CLIENT="3/",
        HUZHU_LOGIN_FAILURES="3",
        HUZHU_SESSION_IDLE_MINUTES="10",
        HUZHU_LOG_LEVEL="info",
        HUZHU_ALLOWED_HOSTS=" ",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "False",
        "2025-03-01",
        "(3,",
        "60)",
        "3",
        "600",
        "INFO",
        "['127.0.0.1',",
        "'localhost']",
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("HUZHU_FIELD_KEY", "not-a-key"),
        ("HUZHU_FIELD_KEY_PREVIOUS", "c2hvcnQ="),  # base64 of 5 bytes
        ("HUZHU_HASH_KEY", "%%%"),
    ],
)
def test_a_bad_key_stops_the_start_and_is_not_printed(tmp_path, name, text):
    """Before, the app started and the first page showing a masked number failed."""
    result = huzhu(tmp_path, "check", **{name: text})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"配置错误：{name} 中有无效的密钥：应为 32 字节随机数的 base64 编码"
        "（见 README 的“配置”一节）"
    )


def test_previous_keys_may_end_with_a_comma(tmp_path):
    key = "A" * 43 + "="  # 32 bytes of base64
    result = huzhu(tmp_path, "check", HUZHU_FIELD_KEY=key, HUZHU_FIELD_KEY_PREVIOUS=f"{key},")
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://huzhu:secret@127.0.0.1/huzhu", " 的数据库类型 'mysql' 不受支持"),
        ("postgress://huzhu:secret@127.0.0.1/huzhu", " 的数据库类型 'postgress' 不受支持"),
        ("postgres//huzhu:secret@127.0.0.1/huzhu", " 不是有效的数据库地址"),
        ("postgres://huzhu:secret@127.0.0.1:port/huzhu", " 不是有效的数据库地址"),
    ],
)
def test_a_database_the_app_is_not_built_for_stops_the_start(tmp_path, url, words):
    """PostgreSQL or SQLite; before, a typo in the scheme was a library's traceback and MySQL
    failed at its driver. The URL's password is not printed."""
    result = huzhu(tmp_path, "check", HUZHU_DATABASE_URL=url)
    assert result.returncode == 1
    assert result.stderr.startswith(f"配置错误：HUZHU_DATABASE_URL{words}：应为 postgres://")
    assert "secret" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
