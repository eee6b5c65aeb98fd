"""The workbook's sheets, contributed by the installed apps (after django-oscar's report generators, and found
the way Django's admin finds `admin.py`).

Each app that has a `sheets` module (`indicators/sheets.py`, the `budgets/sheets/` package, `reports/sheets.py`)
lists its sheets there as `SHEETS = [SheetSpec(…)]`. The registry imports `<app>.sheets` for every installed app
that has one and orders the descriptors; the apps never import `reports`. A new sheet: write its function in the
app whose selectors it reads and add a `SheetSpec` to that app's `SHEETS`."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from smrj_plan.xlsx.spec import SheetSpec

MODULE = "sheets"
COVER = ("表紙", "この一覧、年度・基準四半期・出力日時・出力者・集計の対象")


def sheets_discover(app_configs: Iterable | None = None) -> list[SheetSpec]:
    """The sheets of every app in `app_configs` (the installed apps by default), in workbook order.

    Two sheets may not share an order or a title: the order would depend on the order of INSTALLED_APPS, and a
    workbook cannot hold two sheets of one name."""
    specs: list[SheetSpec] = []
    for app_config in apps.get_app_configs() if app_configs is None else app_configs:
        if not module_has_submodule(app_config.module, MODULE):
            continue
        module = import_module(f"{app_config.name}.{MODULE}")
        for spec in getattr(module, "SHEETS", ()):
            if not isinstance(spec, SheetSpec):
                raise TypeError(
                    f"{app_config.name}.{MODULE}.SHEETS に SheetSpec 以外のものがあります: {spec!r}"
                )
            specs.append(spec)
    specs.sort(key=lambda spec: spec.order)
    for key in ("order", "title"):
        values = [getattr(spec, key) for spec in specs]
        duplicates = sorted({v for v in values if values.count(v) > 1}, key=str)
        if duplicates:
            raise ValueError(f"シートの{key}が重複しています: {duplicates}")
    return specs


@cache
def sheet_registry() -> tuple[SheetSpec, ...]:
    """The installed apps' sheets, discovered once per process (the installed apps do not change)."""
    return tuple(sheets_discover())


def sheet_guide() -> list[tuple[str, str]]:
    """(name, what it holds) for the cover's sheet list and the report page: 表紙, then every registered sheet."""
    return [COVER, *((spec.title, spec.description) for spec in sheet_registry())]
