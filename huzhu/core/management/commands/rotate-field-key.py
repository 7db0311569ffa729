"""`huzhu rotate-field-key [--batch N] [--new-key] [--status]`: re-encrypt every ID and card
number, and every sealed file, under the current field key (issue 8 §4; the steps are in README)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core import audit, crypto, rotation
from huzhu.core.management.arguments import whole_number
from huzhu.core.oserror import why


class Command(BaseCommand):
    help = "用当前字段密钥重新加密所有身份证号与银行卡号（可中断、可续做）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=whole_number(1), default=500, help="每个事务处理的行数")
        parser.add_argument("--new-key", action="store_true", help="只生成并打印一个新密钥")
        parser.add_argument("--status", action="store_true", help="只显示尚未重新加密的行数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(crypto.new_key())
            return
        before = rotation.remaining()
        self.stdout.write(f"当前密钥编号 {crypto.current_key_id()}；待重新加密：")
        for label, count in before.items():
            self.stdout.write(f"  {rotation.counted(label, count)}")
        if options["status"]:
            return
        self.stdout.write("重新加密（已完成）：")
        try:
            for label, done in rotation.rotate(options["batch"]):
                self.stdout.write(f"  {rotation.counted(label, done)}")
        except OSError as exc:  # a sealed file could not be written again: the disk
            raise CommandError(
                f"重新加密文件时出错（{why(exc)}）：{exc.filename}。已完成的部分保留，"
                "处理后再次运行本命令即可续做；在此之前请保留旧密钥。"
            ) from exc
        after = rotation.remaining()
        audit.record(
            None,
            "core.field_key.rotated",
            rotation.FieldKey(crypto.current_key_id()),
            before=before,
            after=after | {"key_id": crypto.current_key_id()},
        )
        files = after.get(rotation.FILES, 0)
        rows = sum(after.values()) - files
        if rows:
            self.stdout.write(f"尚有 {rows} 行未完成，请再次运行本命令。")
        if files:
            self.stdout.write(
                f"有 {files} 个文件无法重新加密（文件已损坏，或其密钥已不在配置中），"
                "详见日志；在处理之前请保留旧密钥。"
            )
        if not rows and not files:
            self.stdout.write("全部完成。确认无误后可从 HUZHU_FIELD_KEY_PREVIOUS 中移除旧密钥。")
