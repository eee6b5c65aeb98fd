"""The workbook as a registry: each app contributes its sheets in `<app>.sheets`, reports finds them through the
installed apps and writes them after the cover, in order."""

import io
import sys
import textwrap

import pytest
from django.apps import AppConfig
from openpyxl import load_workbook

from reports import registry, workbook
from reports.workbook import export_context_build, workbook_write
from smrj_plan.xlsx.spec import SheetSpec

ACCOUNTS = [
    "一般勘定",
    "産業基盤整備勘定",
    "施設整備等勘定",
    "小規模企業共済勘定",
    "中小企業倒産防止共済勘定",
    "出資承継勘定",
]


def _export():
    ctx = export_context_build(year=2024, quarter=1, include_drafts=False, exported_by="kansa")
    buffer = io.BytesIO()
    counts = workbook_write(ctx=ctx, output=buffer)
    buffer.seek(0)
    return load_workbook(buffer), counts


@pytest.fixture
def extra_app(tmp_path, monkeypatch):
    """An app outside the project with a `sheets.py`, as a new room would add one."""
    package = tmp_path / "extra_sheets_app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "sheets.py").write_text(
        textwrap.dedent(
            """
            from smrj_plan.xlsx import cells
            from smrj_plan.xlsx.spec import SheetSpec


            def write(wb, ctx, data):
                ws = wb.create_sheet("追加の表")
                ws.append([cells.text(ws, f"{ctx.year_label} {ctx.quarter_label}")])
                return 1


            SHEETS = [SheetSpec(order=350, title="追加の表", description="新しい部屋の表", write=write,
                                count_label="追加")]
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield AppConfig.create("extra_sheets_app")
    sys.modules.pop("extra_sheets_app.sheets", None)
    sys.modules.pop("extra_sheets_app", None)


def test_the_apps_contribute_their_sheets_in_order():
    specs = registry.sheets_discover()
    assert [(s.order, s.title) for s in specs] == [
        (100, "指標"),
        (150, "施策"),
        (200, "一般勘定〜出資承継勘定"),
        (300, "予算執行"),
        (400, "端数差異"),
        (900, "変更履歴"),
    ]
    # Each sheet is written by the app whose selectors it reads.
    assert [s.write.__module__ for s in specs] == [
        "indicators.sheets",
        "evaluation.sheets",
        "budgets.sheets",
        "budgets.sheets",
        "budgets.sheets",
        "reports.sheets",
    ]
    assert registry.sheet_guide()[0][0] == "表紙"


def test_an_app_without_a_sheets_module_contributes_nothing():
    from django.apps import apps

    assert registry.sheets_discover([apps.get_app_config("measures"), apps.get_app_config("dashboard")]) == []


@pytest.mark.django_db
def test_the_workbook_is_the_cover_then_the_registered_sheets(db):
    wb, counts = _export()
    assert wb.sheetnames == ["表紙", "指標", "施策", *ACCOUNTS, "予算執行", "端数差異", "変更履歴"]
    assert list(counts) == ["施策", "勘定", "予算執行", "端数差異", "変更履歴"]
    assert counts["勘定"] == 6 and counts["端数差異"] == 103
    guide = [r[0].value for r in wb["表紙"].iter_rows() if r[0].value]
    start = guide.index("シート")
    assert guide[start + 1 :][:7] == [
        "表紙",
        "指標",
        "施策",
        "一般勘定〜出資承継勘定",
        "予算執行",
        "端数差異",
        "変更履歴",
    ]


@pytest.mark.django_db
def test_a_new_apps_sheet_lands_in_its_place_and_on_the_cover(extra_app, monkeypatch):
    from django.apps import apps

    specs = tuple(registry.sheets_discover([*apps.get_app_configs(), extra_app]))
    monkeypatch.setattr(workbook, "sheet_registry", lambda: specs)
    monkeypatch.setattr(registry, "sheet_registry", lambda: specs)
    wb, counts = _export()
    names = wb.sheetnames
    assert names.index("予算執行") < names.index("追加の表") == names.index("端数差異") - 1
    assert wb["追加の表"]["A1"].value == "令和6年度（2024年度） 第1四半期（4–6月）末時点"
    assert counts["追加"] == 1
    cover = {r[0].value: r[1].value for r in wb["表紙"].iter_rows() if r[0].value}
    assert cover["追加の表"] == "新しい部屋の表"


def test_two_sheets_may_not_share_an_order_or_a_title():
    def write(wb, ctx, data):
        return 0

    first = SheetSpec(order=100, title="指標", description="", write=write)
    with pytest.raises(ValueError, match="order"):
        _discover_with([first, SheetSpec(order=100, title="別の表", description="", write=write)])
    with pytest.raises(ValueError, match="title"):
        _discover_with([first, SheetSpec(order=101, title="指標", description="", write=write)])
    with pytest.raises(TypeError, match="SheetSpec"):
        _discover_with([("指標", write)])


def _discover_with(specs):
    """Discovery over one fake app whose `sheets` module holds `specs`."""
    import types
    from unittest import mock

    package = types.ModuleType("fake_app")
    package.__path__ = []
    module = types.ModuleType("fake_app.sheets")
    module.SHEETS = specs
    config = mock.Mock(module=package)
    config.name = "fake_app"
    with (
        mock.patch.dict(sys.modules, {"fake_app": package, "fake_app.sheets": module}),
        mock.patch.object(registry, "module_has_submodule", return_value=True),
    ):
        return registry.sheets_discover([config])
