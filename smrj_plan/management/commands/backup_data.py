"""Writes every plan figure, actual, budget execution, user and history row to one compressed XML file.

The file restores into an empty database of either engine with `restore_data` (see README「バックアップと復元」).
Rows that `migrate` recreates (content types, permissions) and short-lived rows (sessions, login attempts) are
left out; users, groups and content types are referred to by natural keys so the file does not depend on ids the
target database assigns itself. XML rather than JSON because Django's JSON encoder cuts timestamps to
milliseconds, and the history's "when" must come back exactly.
"""

import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Recreated by `migrate` in the target database, or worthless after a restore.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    # Written by the database for cached reads (smrj_plan/data_version.py); a restored database makes its own.
    "smrj_plan.datachange",
    "smrj_plan.dataepoch",
]
SUFFIXES = (".xml.gz", ".xml.xz", ".xml.bz2", ".xml")


class Command(BaseCommand):
    # A backup or restore must not depend on every page importing cleanly.
    requires_system_checks = []

    help = (
        "計画・実績・予算執行額・ユーザー・変更履歴をすべて1つのファイル（例: backup.xml.gz）に書き出します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="書き出し先（.xml.gz / .xml.xz / .xml.bz2 / .xml）")

    def handle(self, *args, path: str, **options):
        target = Path(path)
        if not target.name.endswith(SUFFIXES):
            raise CommandError(
                "書き出し先のファイル名は .xml.gz・.xml.xz・.xml.bz2・.xml のいずれかで終えてください。"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename at the end, so a crash never leaves a truncated file under its name.
        suffix = next(s for s in SUFFIXES if target.name.endswith(s))
        fd, tmp_name = tempfile.mkstemp(prefix=".backup-", suffix=suffix, dir=target.parent)
        os.close(fd)
        try:
            call_command(
                "dumpdata",
                format="xml",
                natural_foreign=True,
                natural_primary=True,
                exclude=EXCLUDED,
                output=tmp_name,
                verbosity=0,
                database=options.get("database", "default"),
            )
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        self.stdout.write(f"バックアップを書き出しました: {target}（{target.stat().st_size:,} バイト）")
