"""One sheet per 勘定 with its 予算計画（別紙1）, 収支計画（別紙2） and 資金計画（別紙3） in the published layout.

The grids come from `budgets.selectors.budget_grid_list`, the same reads the budget pages render. Every published
amount is a number cell with `#,##0;"△"#,##0;"-"`; a published 「-」 (amount None, "no amount", which is not 0)
is the text 「-」 right-aligned, so no SUM ever counts it as 0; a cell the plan leaves empty stays empty."""

from __future__ import annotations

from collections import defaultdict

from openpyxl.worksheet.pagebreak import Break

from budgets.selectors import BudgetGrid, HeaderCell
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext
from smrj_plan.xlsx_text import sheet_title

LABEL_WIDTH = 34
AMOUNT_WIDTH = 13


def _header_layout(grid: BudgetGrid) -> list[list[tuple[int, HeaderCell]]]:
    """Place the published header cells (HTML-like colspan/rowspan) on 1-based sheet columns."""
    header = grid.header_rows
    if not header:
        # No stored layout: 区別 | one column per 業務（経理）.
        header = ((HeaderCell("区 別"),) + tuple(HeaderCell(c.label) for c in grid.columns),)
    occupied: dict[int, set[int]] = defaultdict(set)
    placed: list[list[tuple[int, HeaderCell]]] = []
    for r, header_row in enumerate(header):
        col = 1
        row_cells = []
        for h in header_row:
            while col in occupied[r]:
                col += 1
            row_cells.append((col, h))
            for dr in range(h.rowspan):
                for dc in range(h.colspan):
                    occupied[r + dr].add(col + dc)
            col += h.colspan
        placed.append(row_cells)
    return placed


def write_budget_sheets(wb, ctx: ExportContext, grids: list[BudgetGrid], *, taken: set[str]) -> list[str]:
    """Write one sheet per 勘定 from `budget_grid_list` output; returns the sheet titles in order.

    A 勘定 name is typed in the admin, so its sheet title goes through `sheet_title` (forbidden characters
    replaced, 31 characters, unique among `taken`: the workbook's fixed sheets and the 勘定 before it)."""
    grids_by_account: dict[str, list[BudgetGrid]] = {}
    for grid in grids:
        grids_by_account.setdefault(grid.account_name, []).append(grid)
    titles = []
    for account_name, grids in grids_by_account.items():
        title = sheet_title(account_name, taken=taken, fallback="勘定")
        _write_account(wb, ctx, account_name, grids, title=title)
        titles.append(title)
    return titles


def _write_account(wb, ctx: ExportContext, account_name: str, grids: list[BudgetGrid], *, title: str) -> None:
    width = max(len(g.columns) for g in grids) + 1
    ws = cells.titled_sheet(
        wb,
        title,
        widths=[LABEL_WIDTH] + [AMOUNT_WIDTH] * (width - 1),
        freeze="B3",
        title_rows="1:2",
        title=f"{account_name}　予算計画・収支計画・資金計画　{ctx.year_label}",
        note="公表の数値のまま（単位：百万円、△は負の値、「-」は金額なし）。",
    )
    row_number = 2
    for index, grid in enumerate(grids):
        if index:
            ws.append([])
            row_number += 1
            ws.row_breaks.append(Break(id=row_number))
        row_number = _write_grid(ws, ctx, grid, row_number, width)


def _write_grid(ws, ctx: ExportContext, grid: BudgetGrid, row_number: int, width: int) -> int:
    n_columns = len(grid.columns) + 1
    ws.append(
        [
            cells.text(
                ws,
                f"{ctx.year}年度計画の{grid.kind_label}（{grid.attachment}）　<{grid.account_name}>",
                bold=True,
                size=11,
                border=False,
            )
        ]
    )
    row_number += 1
    unit = [cells.blank(ws, border=False) for _ in range(n_columns - 1)] + [
        cells.text(ws, f"(単位:{grid.unit})", align="right", border=False)
    ]
    ws.append(unit)
    row_number += 1

    for placed in _header_layout(grid):
        row_number += 1
        lines = max(
            cells.lines_needed(h.text, LABEL_WIDTH if col == 1 else AMOUNT_WIDTH * h.colspan)
            for col, h in placed
        )
        cells.set_row_height(ws, row_number, lines)
        by_col = {col: h for col, h in placed}
        row_cells = [cells.header(ws, by_col[c].text if c in by_col else "") for c in range(1, n_columns + 1)]
        ws.append(row_cells)
        for col, h in placed:
            cells.merge(ws, row_number, col, row_number + h.rowspan - 1, col + h.colspan - 1)

    for row in grid.rows:
        row_number += 1
        bold = row.is_heading or row.is_total
        fill = cells.TOTAL_FILL if row.is_total else None
        out = [cells.text(ws, row.label, indent=row.level, bold=bold, fill=fill)]
        for cell in row.cells:
            if not cell.present:
                out.append(cells.blank(ws, fill=fill))
            else:
                out.append(cells.amount(ws, cell.amount, bold=row.is_total, fill=fill))
        ws.append(out)
    if grid.note:
        ws.append([cells.text(ws, grid.note, border=False)])
        row_number += 1
    return row_number
