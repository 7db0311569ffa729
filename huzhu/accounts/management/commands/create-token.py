"""`huzhu create-token USERNAME`: prints a new bearer token for /api/v1."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.accounts.auth import issue_token
from huzhu.accounts.models import User


class Command(BaseCommand):
    help = "为用户生成 API 访问令牌（只显示一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途说明")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{options['username']}")
        self.stdout.write(issue_token(user, actor=None, name=options["name"]))
