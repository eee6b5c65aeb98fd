from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from budgets.loaders import load_budgets
from indicators.loaders import load_indicators
from measures.loaders import FIXTURE_DIR, load_structure


class Command(BaseCommand):
    help = "計画（構造・施策・指標・予算表）をfixtures/から読み込みます。何度実行しても重複しません。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture-dir",
            default=str(FIXTURE_DIR),
            help="読み込むfixtureのフォルダ（既定: fixtures/plan_r6）",
        )

    def handle(self, *args, **options):
        fixture_dir = Path(options["fixture_dir"])
        if not fixture_dir.is_dir():
            raise CommandError(f"fixtureのフォルダがありません: {fixture_dir}")
        with transaction.atomic():
            report = {}
            report.update(load_structure(fixture_dir=fixture_dir))
            report.update(load_indicators(fixture_dir=fixture_dir))
            report.update(load_budgets(fixture_dir=fixture_dir))
        if options["verbosity"] >= 1:
            for key, value in report.items():
                self.stdout.write(f"{key}: {value}")
            self.stdout.write(self.style.SUCCESS("計画を読み込みました。"))
