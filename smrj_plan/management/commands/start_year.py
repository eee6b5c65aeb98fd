from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators.target_services import indicators_open_from
from measures import periods
from measures.models import Department, PlanDocument, StaffProfile
from measures.services import plan_open_from


class Command(BaseCommand):
    help = (
        "新しい年度を前年度の計画から開きます（本文の公表前）。章・項目・見出し・施策と指標（同じ指標番号）を"
        "複製し、目標は空のまま（管理者が /indicators/targets/ で設定）。部署と職員は年度をまたいでそのまま使います。"
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="開く年度（西暦。令和7年度なら2025）")
        parser.add_argument("--from", dest="source", type=int, required=True, help="複製元の年度（西暦）")

    def handle(self, *args, **options):
        year, source_year = options["year"], options["source"]
        if source_year >= year:
            raise CommandError("--from には開く年度より前の年度を指定してください。")
        source = (
            PlanDocument.objects.filter(fiscal_year__year=source_year).select_related("fiscal_year").first()
        )
        if source is None:
            raise CommandError(f"{periods.fiscal_year_label(source_year)}の計画がありません。")
        try:
            with transaction.atomic():
                plan, sections, measures = plan_open_from(source=source, year=year)
                copied, to_set = indicators_open_from(
                    source_plan=source, plan=plan, sections=sections, measures=measures
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(f"章・項目: {len(sections)}項目、施策: {len(measures)}件、指標: {copied}件")
            self.stdout.write(
                f"部署 {Department.objects.count()}・職員 {StaffProfile.objects.count()}人はそのまま引き継ぎます。"
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{periods.fiscal_year_label(year)}を開きました。目標を設定する指標が{to_set}件あります"
                    "（/indicators/targets/）。予算表は年度計画の本文を load_plan --text で読み込むと入ります。"
                )
            )
