"""`huzhu check --deploy` is clean with production settings (a subprocess: real settings)."""

import os
import subprocess
import sys


def check_deploy(tmp_path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "HUZHU_DEBUG": "false",
        "HUZHU_HTTPS": "true",
        "HUZHU_VAR_DIR": str(tmp_path),
        "HUZHU_ALLOWED_HOSTS": "huzhu.example.cn",
        **extra,
    }
    for name in ("HUZHU_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "HUZHU_DATABASE_URL"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "huzhu", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = check_deploy(tmp_path, HUZHU_TRUSTED_PROXIES="127.0.0.1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_check_deploy_names_the_missing_proxy_setting(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode != 0 and "huzhu.W001" in result.stderr + result.stdout
