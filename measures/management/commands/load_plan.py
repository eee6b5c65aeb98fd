from django.core.management.base import BaseCommand
from django.db import transaction

from budgets.loaders import load_budgets
from indicators.loaders import load_indicators
from measures.loaders import load_structure


class Command(BaseCommand):
    help = "計画（構造・施策・指標・予算表）をfixtures/から読み込みます。何度実行しても重複しません。"

    def handle(self, *args, **options):
        with transaction.atomic():
            report = {}
            report.update(load_structure())
            report.update(load_indicators())
            report.update(load_budgets())
        if options["verbosity"] >= 1:
            for key, value in report.items():
                self.stdout.write(f"{key}: {value}")
            self.stdout.write(self.style.SUCCESS("計画を読み込みました。"))
