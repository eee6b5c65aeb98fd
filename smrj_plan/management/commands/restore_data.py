"""Restores a `backup_data` file into an empty database: migrate, load every row in one transaction, then check
that each model holds exactly as many rows as the file."""

import bz2
import gzip
import lzma
import zlib
from collections import Counter
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from indicators.models import Actual, Indicator
from measures.models import FiscalYear

OPENERS = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}


def backup_row_counts(path: Path) -> Counter:
    """How many rows of each model (app_label.model) a backup file holds."""
    opener = OPENERS.get(path.suffix, open)
    counts: Counter = Counter()
    with opener(path, "rb") as handle:
        for _event, element in iterparse(handle, events=("end",)):
            if element.tag == "object" and element.get("model"):
                counts[element.get("model")] += 1
                element.clear()
    return counts


def database_row_counts(labels, *, using: str = "default") -> Counter:
    return Counter({label: apps.get_model(label).objects.using(using).count() for label in labels})


class Command(BaseCommand):
    # A backup or restore must not depend on every page importing cleanly.
    requires_system_checks = []

    help = "backup_data のファイルを空のデータベースに復元します（migrate の後、全件を1トランザクションで読み込み、件数を照合）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup_data で書き出したファイル")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path: str, database: str, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"バックアップファイルがありません: {source}")
        if not source.name.endswith((".xml", ".xml.gz", ".xml.xz", ".xml.bz2")):
            raise CommandError("backup_data で書き出したファイル（.xml.gz など）を指定してください。")
        try:
            expected = backup_row_counts(source)
        except (OSError, EOFError, ValueError, ParseError, zlib.error, lzma.LZMAError) as exc:
            raise CommandError(
                f"バックアップファイルを読めません（壊れているか形式が違います）: {exc}"
            ) from exc
        if not expected:
            raise CommandError("バックアップファイルに行がひとつもありません。")

        call_command("migrate", interactive=False, verbosity=0, database=database)
        occupied = [
            model._meta.verbose_name
            for model in (get_user_model(), FiscalYear, Indicator, Actual)
            if model.objects.using(database).exists()
        ]
        if occupied:
            raise CommandError(
                "復元先のデータベースが空ではありません（"
                + "、".join(str(v) for v in occupied)
                + "があります）。"
                "新しい空のデータベースを作ってから復元してください。"
            )

        with transaction.atomic(using=database):
            call_command("loaddata", str(source), database=database, verbosity=0)
            actual = database_row_counts(expected, using=database)
            mismatched = {
                label: (expected[label], actual[label])
                for label in expected
                if expected[label] != actual[label]
            }
            if mismatched:
                # Raising inside the transaction rolls the whole load back: no half-restored database.
                details = "、".join(
                    f"{label}: ファイル{e}件／復元後{a}件" for label, (e, a) in sorted(mismatched.items())
                )
                raise CommandError(
                    f"復元後の件数がバックアップと一致しません（{details}）。復元を取り消しました。"
                )
        connections[database].close()
        total = sum(expected.values())
        self.stdout.write(f"復元しました: {len(expected)}種類、{total:,}件（{source}）")
        for label in (
            "indicators.actual",
            "indicators.historicalactual",
            "budgets.budgetcell",
            "indicators.indicator",
        ):
            if label in expected:
                self.stdout.write(f"  {label}: {expected[label]:,}件")
