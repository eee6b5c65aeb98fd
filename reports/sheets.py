"""The sheets the reports app contributes itself: 変更履歴, which gathers every app's history rows.

(表紙 is not registered: `reports.workbook` writes it first, and it lists the registered sheets.)"""

from reports.history_sheet import write_history
from smrj_plan.xlsx.spec import SheetSpec

SHEETS = [
    SheetSpec(
        order=900,
        title="変更履歴",
        description="実績・執行額・評定・四半期の締め・施策の取組状況と担当部署・自己評価のすべての変更："
        "日時（日本時間）、操作者、対象、変更前→変更後、状態、理由",
        write=lambda wb, ctx, data: write_history(wb, ctx),
        count_label="変更履歴",
    ),
]
