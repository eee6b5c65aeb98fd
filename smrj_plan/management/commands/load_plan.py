import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from budgets.loaders import load_budgets
from indicators.loaders import load_indicators
from measures.loaders import FIXTURE_DIR, load_structure
from smrj_plan.management.plan_text import (
    PlanTextError,
    changes_count,
    plan_text_apply,
    plan_text_read,
    plan_text_report,
)


class Command(BaseCommand):
    help = (
        "計画（構造・施策・指標・予算表）を読み込みます。既定は fixtures/ から。--text を付けると公表された"
        "年度計画の本文から読み込み、その年度の計画が既にあれば改訂として記録します。何度実行しても重複しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture-dir",
            default=str(FIXTURE_DIR),
            help="読み込むfixtureのフォルダ（既定: fixtures/plan_r6）",
        )
        parser.add_argument("--text", help="年度計画の本文（UTF-8のテキストファイル）")
        parser.add_argument("--year", type=int, help="--text の年度（西暦。令和7年度なら2025）")
        parser.add_argument(
            "--dry-run", action="store_true", help="読み取った内容と変更点を表示するだけで、何も書き込まない"
        )
        parser.add_argument("--date", help="改訂の日付 YYYY-MM-DD（本文に新しい「…変更」の日付がないとき）")
        parser.add_argument("--note", default="", help="改訂の説明（改訂の一覧と報告書に表示）")

    def handle(self, *args, **options):
        if options["text"]:
            return self._from_text(options)
        if options["year"] or options["dry_run"] or options["date"]:
            raise CommandError("--year・--dry-run・--date は --text と一緒に指定してください。")
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

    def _from_text(self, options):
        if options["year"] is None:
            raise CommandError("--text には --year（西暦の年度）が必要です。")
        date = None
        if options["date"]:
            try:
                date = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date は YYYY-MM-DD で指定してください: {options['date']}") from exc
        note = options["note"].strip()
        if len(note) > 2000:
            raise CommandError("--note は2,000文字以内にしてください。")
        try:
            load = plan_text_read(path=Path(options["text"]), year=options["year"])
        except PlanTextError as exc:
            raise CommandError(str(exc)) from exc
        if options["dry_run"]:
            for line in plan_text_report(load):
                self.stdout.write(line)
            if load.errors:
                raise CommandError(f"読み込めない問題が{len(load.errors)}件あります（上の一覧）。")
            self.stdout.write(self.style.WARNING("--dry-run: 何も書き込んでいません。"))
            return
        try:
            revision, counts = plan_text_apply(load, date=date, note=note)
        except PlanTextError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] < 1:
            return
        if revision is None:
            self.stdout.write(self.style.SUCCESS("計画は読み込み済みの内容と同じです。変更はありません。"))
            return
        for key, value in counts.items():
            self.stdout.write(f"{key}: {value}")
        for line in (
            load.unplaced and [f"読み取れなかった行: {len(load.unplaced)}行（--dry-run で一覧）"]
        ) or []:
            self.stdout.write(self.style.WARNING(line))
        if load.existing is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{revision}として記録しました（変更点 {changes_count(load.changes)}件）。"
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{load.parsed.title}を読み込みました。"))
