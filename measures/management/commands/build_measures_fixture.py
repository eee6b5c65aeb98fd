import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from measures.seed_parser import SeedFormatError, parse_plan_file

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed" / "r6_plan.txt"
OUTPUT = Path(settings.BASE_DIR) / "fixtures" / "plan_r6" / "measures.json"


def render(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class Command(BaseCommand):
    help = "計画本文（fixtures/seed/r6_plan.txt）から見出し・施策のfixture（measures.json）を作り直します。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", default=str(SEED), help="計画本文のテキストファイル")
        parser.add_argument("--output", default=str(OUTPUT), help="書き出すJSONファイル")
        parser.add_argument(
            "--check", action="store_true", help="書き出さずに、fixtureが本文と一致するかだけを確かめる"
        )

    def handle(self, *args, **options):
        try:
            data = parse_plan_file(Path(options["seed"]))
        except (OSError, SeedFormatError) as exc:
            raise CommandError(f"計画本文を読めません: {exc}") from exc
        text = render(data)
        output = Path(options["output"])
        summary = f"章 {len(data['chapters'])}、施策 {len(data['measures'])}"
        if options["check"]:
            current = output.read_text(encoding="utf-8") if output.exists() else ""
            if current != text:
                raise CommandError(f"{output} は計画本文と一致しません。--check なしで作り直してください。")
            self.stdout.write(self.style.SUCCESS(f"一致しています（{summary}）。"))
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"{output} を書き出しました（{summary}）。"))
