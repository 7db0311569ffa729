"""`huzhu demo-code USERNAME`: the current two-factor code of a demo account's authenticator
(only the keys the demo created; a real user's authenticator is never read out)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from huzhu.demo.loader import DEMO_DEVICE


class Command(BaseCommand):
    help = "显示演示账号当前的二次验证码（仅限演示数据创建的验证器）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username=options["username"], name=DEMO_DEVICE, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{options['username']} 没有演示用的验证器")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:06d}")
