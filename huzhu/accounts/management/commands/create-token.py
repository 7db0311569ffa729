"""`huzhu create-token USERNAME [--app]`: prints a new bearer token for /api/v1; with --app a
token for the union app that can only call the self-service look-up."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.accounts.actions import issue_token
from huzhu.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "为用户生成 API 访问令牌（只显示一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途说明")
        parser.add_argument(
            "--app", action="store_true", help="应用查询令牌：只能调用保单查询接口（齐鲁工惠等）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{options['username']}")
        kind = ApiToken.Kind.APP if options["app"] else ApiToken.Kind.USER
        self.stdout.write(issue_token(user, actor=None, name=options["name"], kind=kind))
