"""What a 部署 still owes for a quarter (docs/domain.md「1年の流れ」): one list for the 担当者's page and the
督促メール.

An item is owed while it is not on its way to approval: an indicator due in the quarter with no actual yet, or
an actual or executed amount in 下書き or 差戻し. Each app that holds reviewed figures contributes its items in
an `owed` module (`indicators/owed.py`, `budgets/owed.py`, `evaluation/owed.py`) with `owed_items(*, fiscal_year, quarters,
department_id)`; this module finds them through the installed apps, the way the workbook finds its sheets, so
the apps never import one another and nothing here imports an app."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from measures.periods import QUARTERS, quarter_label
from smrj_plan import data_version
from smrj_plan.workflow import EntryState

MODULE = "owed"
MISSING = "未入力"


@dataclass(frozen=True)
class OwedItem:
    """One figure a department has not submitted for a quarter."""

    department_id: int
    year: int  # the fiscal year, western (2024)
    quarter: int
    kind: str  # 「指標」「予算執行」「施策」
    code: str  # the indicator's number, the account for an executed amount
    name: str
    state: str | None  # None: nothing entered yet
    reason: str  # the manager's 差戻し reason
    path: str  # where the 担当者 enters it (a path on this site)
    review_path: str = ""  # where a 管理者 reviews it
    order: tuple = ()

    @property
    def state_label(self) -> str:
        return MISSING if self.state is None else EntryState(self.state).label

    @property
    def is_returned(self) -> bool:
        return self.state == EntryState.RETURNED

    @property
    def quarter_label(self) -> str:
        return quarter_label(self.quarter)

    @property
    def title(self) -> str:
        """「指標 1-1 …」「予算執行 一般勘定 …」."""
        return f"{self.kind} {self.code} {self.name}"


@cache
def owed_sources() -> tuple:
    """The `owed_items` functions of the installed apps that have an `owed` module, found once per process."""
    sources = []
    for app_config in apps.get_app_configs():
        if app_config.name != "smrj_plan" and module_has_submodule(app_config.module, MODULE):
            sources.append(import_module(f"{app_config.name}.{MODULE}").owed_items)
    return tuple(sources)


def owed_items(
    *, fiscal_year, quarters: Sequence[int] = QUARTERS, department_id: int | None = None
) -> list[OwedItem]:
    """Everything owed for `quarters` of `fiscal_year` (a FiscalYear), by one department or (None) by all,
    returned items first within each quarter, then in plan order. Kept in the object cache under the data version
    (a 管理者's entry page counts every department's, some 4,000 items a year)."""
    return list(
        data_version.cached(
            "owed_items",
            fiscal_year.pk,
            tuple(quarters),
            department_id,
            compute=lambda: _owed_items(
                fiscal_year=fiscal_year, quarters=quarters, department_id=department_id
            ),
        )
    )


def _owed_items(*, fiscal_year, quarters: Sequence[int], department_id: int | None) -> list[OwedItem]:
    items: list[OwedItem] = []
    for source in owed_sources():
        items.extend(source(fiscal_year=fiscal_year, quarters=list(quarters), department_id=department_id))
    return sorted(items, key=lambda i: (i.quarter, not i.is_returned, i.kind != "指標", i.order, i.code))


def owed_by_department(items: Iterable[OwedItem]) -> dict[int, list[OwedItem]]:
    grouped: dict[int, list[OwedItem]] = defaultdict(list)
    for item in items:
        grouped[item.department_id].append(item)
    return dict(grouped)
