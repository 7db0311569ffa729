"""`huzhu backup [--output DIR]`: database, uploaded documents and a manifest in one archive."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core import backup


class Command(BaseCommand):
    help = "备份数据库与上传的材料（不含字段密钥，请另行妥善保管密钥）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", default=str(Path(settings.VAR_DIR) / "backups"), help="备份目录"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("正在备份数据库与上传的材料，请稍候……")  # minutes on a large database
        try:
            archive = backup.create(Path(options["output"]))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.read_manifest(archive)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"已备份：{archive}（{len(manifest['counts'])} 张表，{rows} 行）")
        self.stdout.write("提醒：备份中不含字段密钥，恢复时须配置同一密钥。")
