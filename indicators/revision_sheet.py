"""計画の改訂: the workbook sheet listing what each 策定/変更 of the year's plan changed, and every target a
管理者 set, with 変更前 and 変更後 side by side.

The rows are the revision page's rows (`measures.selectors.revision_change_rows`), so the page, the workbook and
`load_plan --dry-run` cannot disagree."""

from __future__ import annotations

from indicators.models import TargetRevision
from measures.periods import wareki_date
from measures.selectors import plan_revision_list, revision_change_rows
from smrj_plan import formatting
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext

SHEET_NAME = "計画の改訂"
ORDER = 950  # last, after 変更履歴 (900)
DESCRIPTION = (
    "年度計画の策定・変更ごとの変更点（目標・指標・施策・予算表のセル）と管理者が設定した目標：変更前→変更後"
)
HEADERS = ["改訂", "日付", "区分", "変更", "対象", "項目", "変更前", "変更後", "説明・理由"]
WIDTHS = [18, 12, 14, 14, 48, 12, 36, 36, 30]


def revision_sheet_rows(ctx: ExportContext) -> list[list]:
    """[改訂, 日付, 区分, 変更, 対象, 項目, 変更前, 変更後, 説明・理由] for the year's plan: each revision's changes
    in date order, then the targets set by a 管理者 (each against the target it replaced)."""
    rows = []
    for revision in plan_revision_list(plan=ctx.plan):
        label = f"{wareki_date(revision.date)}{revision.get_kind_display()}"
        changes = revision_change_rows(revision.changes)
        if not changes:
            note = (
                "策定（比べる前の版なし）" if revision.kind == revision.Kind.ADOPTED else "変更点の記録なし"
            )
            rows.append([label, revision.date, "", "", note, "", None, None, revision.note])
        for change in changes:
            rows.append(
                [
                    label,
                    revision.date,
                    change.area,
                    change.change,
                    change.subject,
                    change.field,
                    change.old,
                    change.new,
                    revision.note,
                ]
            )
    previous: dict[int, TargetRevision] = {}
    history = (
        TargetRevision.objects.filter(indicator__plan=ctx.plan)
        .select_related("indicator", "set_by")
        .order_by("indicator__order", "effective_date", "pk")
    )
    for target in history:
        before = previous.get(target.indicator_id)
        previous[target.indicator_id] = target
        if target.source != TargetRevision.Source.MANAGER:
            continue
        who = formatting.person_name(target.set_by) if target.set_by else ""
        rows.append(
            [
                target.get_source_display(),
                target.effective_date,
                "指標",
                "目標の設定",
                f"{target.indicator.code} {target.indicator.name}",
                "目標の表記",
                (before.target_text or "（未設定）") if before else None,
                target.target_text or "（未設定）",
                f"{target.reason}（{who}）" if who else target.reason,
            ]
        )
    return rows


def write_revisions(wb, ctx: ExportContext) -> int:
    """Add the 計画の改訂 sheet; returns its number of rows."""
    ws = cells.titled_sheet(
        wb,
        SHEET_NAME,
        widths=WIDTHS,
        freeze="A4",
        title_rows="3:3",
        title=f"計画の改訂　{ctx.year_label}（策定・変更ごとの変更点と、管理者が設定した目標）",
        note="変更前は改訂の直前の計画、変更後はその改訂の計画。予算表の金額は百万円（△は負、「-」は金額なし）。",
    )
    cells.header_row(ws, HEADERS, WIDTHS)
    rows = revision_sheet_rows(ctx)
    for row in rows:
        ws.append(
            [
                cells.text(ws, row[0]),
                cells.text(ws, f"{row[1]:%Y/%m/%d}"),
                *(cells.text(ws, value, wrap=n >= 2) for n, value in enumerate(row[2:], start=2)),
            ]
        )
    ws.auto_filter.ref = f"A3:I{3 + max(len(rows), 1)}"
    return len(rows)
