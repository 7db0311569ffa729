"""The environment as the `huzhu` command reads it at start-up: a value it cannot take stops the
start with one Chinese line naming the variable, where a typo used to reach the first request
(HUZHU_TODAY), a traceback (the numbers), or quietly turn a flag off
(HUZHU_REQUIRE_2FA=ture read as false)."""

import base64
import os
import subprocess
import sys

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


def test_processes_starting_together_generate_one_whole_key(tmp_path):
    """gunicorn's workers on a first start agree on one key. Before, one could read the key
    file another had created but not yet written (an empty key), or two could each write their
    own and one keep a key that was then overwritten, its encrypted numbers lost for good; the
    window is narrow, and this test did not catch it there in five runs. It guards the way the
    key is made now: written under another name, linked into place, the loser reading the
    winner's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUZHU_")}
    env["HUZHU_VAR_DIR"] = str(tmp_path)
    show = "from django.conf import settings as s; print(s.FIELD_KEY, s.SECRET_KEY)"
    starts = [
        subprocess.Popen(
            [sys.executable, "-m", "huzhu", "shell", "--no-imports", "-c", show],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(12)
    ]
    answers = {tuple(p.communicate(timeout=120)[0].split()) for p in starts}
    assert len(answers) == 1, answers
    field_key, secret_key = answers.pop()
    assert len(base64.urlsafe_b64decode(field_key)) == 32 and len(secret_key) > 40
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no drafts left


def test_a_var_folder_without_hard_links_still_gets_one_whole_key(tmp_path):
    """A virtual machine's shared folder or a FAT disk has no hard links: link() fails with
    EPERM there, and the start stopped with `没有权限`. The file is then created exclusively
    instead, and processes starting together still agree on one whole key. (The processes are
    real; link() answers as such a filesystem does.)"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUZHU_")}
    env["HUZHU_VAR_DIR"] = str(tmp_path)
    start = (
        "import errno, os, sys\n"
        "def no_links(*args, **kwargs):\n"
        "    raise PermissionError(errno.EPERM, 'Operation not permitted')\n"
        "os.link = no_links\n"
        "sys.argv = ['huzhu', 'shell', '--no-imports', '-c', "
        "'from django.conf import settings as s; print(s.FIELD_KEY, s.SECRET_KEY)']\n"
        "from huzhu.__main__ import main\n"
        "main()\n"
    )
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", start],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = [p.communicate(timeout=120) for p in starts]
    assert all(p.returncode == 0 for p in starts), [err for _, err in results]
    answers = {tuple(out.split()) for out, _ in results}
    assert len(answers) == 1, answers
    field_key, secret_key = answers.pop()
    assert len(base64.urlsafe_b64decode(field_key)) == 32 and len(secret_key) > 40
    assert oct((tmp_path / "field_key").stat().st_mode & 0o777) == "0o600"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no drafts left


def test_a_var_folder_that_cannot_be_written_stops_the_start_in_one_line(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = huzhu(tmp_path, "check", HUZHU_VAR_DIR=str(blocked / "var"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"配置错误：无法在 {blocked / 'var'} 生成或读取 secret_key：")
    assert len(result.stderr.strip().splitlines()) == 1
