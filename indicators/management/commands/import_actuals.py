"""Import a filled quarterly template from the command line, with the same checks as the upload page."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators import xlsx_import


class Command(BaseCommand):
    help = "実績入力テンプレート（.xlsx）を取り込みます。誤りが1つでもあれば何も保存せず、問題を表示して終了コード1で終わります。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="入力済みのテンプレート（.xlsx）")
        parser.add_argument("--user", required=True, help="入力者（担当者）のユーザー名")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"ユーザー「{options['user']}」が見つかりません。") from None
        if not path.is_file():
            raise CommandError(f"ファイル「{path}」が見つかりません。")
        size = path.stat().st_size
        if size > xlsx_import.max_bytes():
            raise CommandError(
                f"ファイルが大きすぎます（{size:,}バイト）。上限は{xlsx_import.max_bytes():,}バイトです。"
            )
        result = xlsx_import.actuals_import(user=user, filename=path.name, content=path.read_bytes())
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.more_problems:
                self.stderr.write(f"ほか {result.more_problems} 件")
            raise CommandError(f"{result.problem_count}件の問題があるため、何も保存していません。")
        self.stdout.write(
            f"{result.fiscal_year.short_label} 第{result.quarter}四半期：{len(result.saved)}件の実績を取り込みました。"
        )
