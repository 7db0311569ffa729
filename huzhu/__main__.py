"""The `huzhu` command: Django's management entry point (`huzhu migrate`, `huzhu demo`, ...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhu.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- reads huzhu/settings.py, which checks HUZHU_*
    except ImproperlyConfigured as exc:
        sys.exit(f"配置错误：{exc}")  # one line and exit 1, not a traceback

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
