"""What an app contributes to the auditors' workbook: sheet descriptors, and the data the sheets of one workbook
share.

An app lists its sheets in `<app>/sheets.py` (or the `sheets` package's `__init__`) as `SHEETS = [SheetSpec(…)]`;
`reports.registry` finds them through the installed apps and `reports.workbook` writes them in `order` after the
cover. The descriptor lives here, below the apps, so an app contributes a sheet without importing `reports`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smrj_plan.xlsx.context import ExportContext


class WorkbookData:
    """Reads shared by several sheets of one workbook, made once: e.g. the budget grids, which the 勘定 sheets
    and 端数差異 both need."""

    def __init__(self, *, reserved_titles: set[str] | frozenset[str] = frozenset()):
        self._values: dict[str, Any] = {}
        # Titles of the sheets whose name is fixed (表紙, 指標, …): a sheet named from data (a 勘定) avoids them.
        self.reserved_titles = frozenset(reserved_titles)

    def once(self, key: str, load: Callable[[], Any]) -> Any:
        if key not in self._values:
            self._values[key] = load()
        return self._values[key]


@dataclass(frozen=True)
class SheetSpec:
    """One sheet (or one group of sheets) of the workbook.

    `order` places it (指標 100, 勘定 200, 予算執行 300, 端数差異 400, 変更履歴 900); `title` and `description`
    are its line in the cover's sheet list and on the report page; `write(wb, ctx, data)` creates it and returns
    how many rows (or sheets) it wrote, or the `StreamedRows` of a streamed sheet; `count_label`, when set, names
    that count in the summary `workbook_write` returns. `fixed_title` is False for a group of sheets named
    from data (the 勘定 sheets), whose names must avoid the fixed ones."""

    order: int
    title: str
    description: str
    write: Callable[[Any, ExportContext, WorkbookData], Any]
    count_label: str | None = None
    fixed_title: bool = True
