from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports.workbook import export_context_build, workbook_write
from smrj_plan import formatting
from smrj_plan.as_of import PeriodNotFound


class Command(BaseCommand):
    help = "監査用のExcel（表紙・指標・勘定別の予算表・予算執行・端数差異・変更履歴）を出力します。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度（西暦）。令和6年度なら2024")
        parser.add_argument("--output", required=True, help="出力するファイル（.xlsx）")
        parser.add_argument(
            "--quarter",
            type=int,
            choices=[1, 2, 3, 4],
            help="基準四半期（既定: 承認済みの実績がある最後の四半期、なければ第1四半期）",
        )
        parser.add_argument(
            "--include-drafts", action="store_true", help="下書き・提出済み（未承認）の値も集計する"
        )
        parser.add_argument(
            "--user", default="", help="表紙に記載する出力者のユーザー名（既定: 管理コマンド）"
        )

    def handle(self, *args, **options):
        exported_by = "管理コマンド（export_excel）"
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"ユーザー「{options['user']}」が見つかりません。")
            exported_by = formatting.person_name(user, with_username=True)
        try:
            ctx = export_context_build(
                year=options["year"],
                quarter=options["quarter"],
                include_drafts=options["include_drafts"],
                exported_by=exported_by,
            )
        except PeriodNotFound:
            raise CommandError(f"{options['year']}年度の計画が読み込まれていません。") from None
        output = Path(options["output"])
        if output.suffix.lower() != ".xlsx":
            raise CommandError("出力ファイルの拡張子は .xlsx にしてください。")
        counts = workbook_write(ctx=ctx, output=str(output))
        if options["verbosity"] >= 1:
            details = "、".join(f"{k} {v}" for k, v in counts.items())
            self.stdout.write(
                self.style.SUCCESS(f"{output} を出力しました（{ctx.quarter_label}、{details}）。")
            )
