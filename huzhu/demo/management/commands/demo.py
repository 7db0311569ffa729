"""`huzhu demo`: loads the demo data once and prints the demo logins."""

from typing import Any

from django.core.management.base import BaseCommand

from huzhu.demo import loader


class Command(BaseCommand):
    help = "载入演示数据（只载入一次）并列出演示账号"

    def handle(self, *args: Any, **options: Any) -> None:
        if loader.load():
            self.stdout.write("演示数据已载入：济南市各级工会与约200家单位。")
        elif not loader.finished():
            self.stdout.write(
                "数据库中已有工会组织，未载入演示数据。没有演示数据载入完成的记录："
                "如果上次载入中途停止，演示数据可能不完整，"
                "可删除 var/huzhu.sqlite3 后重新运行 make run。"
            )
        else:
            self.stdout.write("演示数据已存在，未重复载入。")
        self.stdout.write(f"演示账号（密码均为 {loader.DEMO_PASSWORD}）：")
        staff = []
        for login in loader.logins():
            self.stdout.write(f"  {login.username:<10} {login.role:<20} {login.scope}")
            if login.secret:
                staff.append(login)
        if staff:
            self.stdout.write(
                "工作人员与管理员登录须二次验证：把下列密钥加入身份验证器，"
                "或运行 huzhu demo-code 用户名 查看当前验证码："
            )
            for login in staff:
                self.stdout.write(f"  {login.username:<10} {login.secret}")
