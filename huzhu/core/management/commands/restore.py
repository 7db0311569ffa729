"""`huzhu restore ARCHIVE [--yes]`: restore a backup into the configured, empty database."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from huzhu.core import backup


class Command(BaseCommand):
    help = "把备份恢复到当前配置的空数据库（并恢复上传的材料）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="不再询问确认")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"找不到备份文件：{archive}")
        target = backup.Target.configured()
        connection.close()
        if not backup.is_empty(target):
            raise CommandError(
                "目标数据库不是空的。恢复只写入新建的空数据库：请新建数据库并设置 "
                "HUZHU_DATABASE_URL 指向它（不要运行 migrate），再运行本命令。"
            )
        try:
            manifest = backup.read_manifest(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["yes"]:
            try:
                answer = input(
                    f"将把 {manifest['created_at']} 的备份恢复到 {backup.environment_hint()}，"
                    "输入 yes 确认："
                )
            except EOFError:  # no one to ask (a script without --yes): a traceback before
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何修改（在脚本中运行请加 --yes）")
        self.stdout.write("正在恢复数据库与上传的材料，请稍候……")
        try:
            report = backup.restore(archive, target, Path(settings.MEDIA_ROOT))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(backup.summary(report))
        if not report.ok:
            raise CommandError("恢复后的核对未通过，请勿使用该数据库，并检查备份文件")
