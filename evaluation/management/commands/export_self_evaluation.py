from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluation import self_selectors
from evaluation.documents import document_build, document_filename
from evaluation.items import evaluation_item_list
from smrj_plan.as_of import PeriodNotFound, period_resolve


class Command(BaseCommand):
    help = "自己評価書（評価項目ごとに1つの .docx）をフォルダに書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度（西暦）。令和6年度なら2024")
        parser.add_argument("--output", required=True, help="書き出すフォルダ（なければ作ります）")
        parser.add_argument(
            "--quarter",
            type=int,
            choices=[1, 2, 3, 4],
            help="指標の時点（既定: 承認済みの実績がある最後の四半期、なければ第1四半期）",
        )
        parser.add_argument(
            "--item",
            action="append",
            default=[],
            help="評価項目のコード（例: 1-1、2）。繰り返し指定可。既定はすべて",
        )

    def handle(self, *args, **options):
        try:
            period = period_resolve(year=options["year"], quarter=options["quarter"])
        except PeriodNotFound as exc:
            raise CommandError(str(exc)) from None
        fiscal_year = period.fiscal_year
        output = Path(options["output"])
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} はフォルダではありません。")
        items = evaluation_item_list(plan=fiscal_year.plan)
        wanted = options["item"]
        unknown = sorted(set(wanted) - {item.code for item in items})
        if unknown:
            codes = "、".join(item.code for item in items)
            raise CommandError(f"評価項目「{'」「'.join(unknown)}」はありません（あるのは {codes}）。")
        if wanted:
            items = [item for item in items if item.code in wanted]
        output.mkdir(parents=True, exist_ok=True)
        for item in items:
            detail = self_selectors.self_evaluation_detail(
                fiscal_year=fiscal_year, item=item, as_of_quarter=period.as_of_quarter
            )
            path = output / document_filename(detail)
            # Write beside the target and rename, so an interrupted run never leaves half a document.
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(
                document_build(detail=detail, exported_by="管理コマンド（export_self_evaluation）")
            )
            tmp.replace(path)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{path}")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{len(items)}件の自己評価書を書き出しました。"))
