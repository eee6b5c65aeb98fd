"""表紙: what the workbook is, for which year and quarter, when and by whom it was exported, what it counts."""

from __future__ import annotations

from smrj_plan import formatting
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext

COVER_TITLE = "表紙"

ROUNDING_NOTES = [
    "予算計画・収支計画・資金計画は公表の数値をそのまま記載しています（単位：百万円、△は負の値、「-」は金額なし（0とは別））。",
    "※端数処理の関係で合計が合わないことがある。（公表資料の注記。差異は「端数差異」シートに一覧）",
]


def write_cover(wb, ctx: ExportContext, *, rounding_rule: str, guide: list[tuple[str, str]]) -> None:
    """表紙: the plan, year, quarter, who and when, what is counted, and `guide` (each sheet and what it holds)."""
    ws = wb.create_sheet(COVER_TITLE)
    cells.set_widths(ws, [22, 110])
    cells.print_setup(ws, title_rows=None, landscape=True)

    ws.append(
        [
            cells.text(
                ws, f"{ctx.plan.organization} {ctx.plan.title} 監査用データ", bold=True, size=14, border=False
            )
        ]
    )
    ws.append([])
    revisions = {r.kind: r.date for r in ctx.plan.revisions.all()}
    rows = [
        ("計画", f"{ctx.plan.organization} {ctx.plan.title}"),
        ("策定", _date_label(revisions.get("adopted"))),
        ("変更", _date_label(revisions.get("amended"))),
        ("年度", ctx.year_label),
        ("基準四半期", ctx.quarter_label),
        ("出力日時", ctx.exported_at_label),
        ("出力者", ctx.exported_by),
        ("集計の対象", ctx.scope_label),
        ("達成率の丸め", rounding_rule),
    ]
    for label, value in rows:
        ws.append([cells.header(ws, label), cells.text(ws, value, wrap=True)])
    for index, note in enumerate(ROUNDING_NOTES):
        ws.append([cells.header(ws, "端数・表記" if index == 0 else ""), cells.text(ws, note, wrap=True)])
    ws.append([])
    ws.append([cells.header(ws, "シート"), cells.header(ws, "内容")])
    for name, description in guide:
        ws.append([cells.text(ws, name, bold=True), cells.text(ws, description, wrap=True)])
    ws.append([])
    ws.append(
        [
            cells.text(
                ws,
                "数値はすべて数値セル（書式で表示）です。利用者の入力した文字列は式として評価されないよう文字列として格納しています。",
                border=False,
            )
        ]
    )


def _date_label(day) -> str:
    return formatting.wareki_with_western(day)
