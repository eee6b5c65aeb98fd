"""表紙: what the workbook is, for which year and quarter, when and by whom it was exported, what it counts."""

from __future__ import annotations

from smrj_plan import formatting
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext

ROUNDING_NOTES = [
    "予算計画・収支計画・資金計画は公表の数値をそのまま記載しています（単位：百万円、△は負の値、「-」は金額なし（0とは別））。",
    "※端数処理の関係で合計が合わないことがある。（公表資料の注記。差異は「端数差異」シートに一覧）",
]

SHEET_GUIDE = [
    ("表紙", "この一覧、年度・基準四半期・出力日時・出力者・集計の対象"),
    (
        "指標",
        "柱ごとの指標と参考指標：目標と目標値（数値。基準比は倍率）、四半期実績（割合は分子・分母も）、累計、達成率、状況、年度末見込み、評定の目安、評定、承認状況",
    ),
    (
        "施策",
        "評価項目ごとの施策：担当部署、四半期ごとの状況（予定どおり・前倒し・遅れ・未着手・完了）、最新の状況と取組状況、根拠資料、承認状況",
    ),
    (
        "一般勘定〜出資承継勘定",
        "勘定ごと（6枚）に予算計画（別紙1）・収支計画（別紙2）・資金計画（別紙3）を公表の体裁で（単位：百万円）",
    ),
    (
        "予算執行",
        "勘定・予算計画の行・列ごとの予算額、四半期ごとの執行額と累計、差額（執行額－予算額）、執行率、備考",
    ),
    ("端数差異", "公表の合計・小計と内訳の合計が一致しない箇所と差額（端数差異／誤り）"),
    (
        "変更履歴",
        "実績・執行額・評定・四半期の締めのすべての変更：日時（日本時間）、操作者、対象、変更前→変更後、状態、理由",
    ),
]


def write_cover(wb, ctx: ExportContext, *, rounding_rule: str) -> None:
    ws = wb.create_sheet("表紙")
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
    for name, description in SHEET_GUIDE:
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
