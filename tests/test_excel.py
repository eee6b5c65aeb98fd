"""The auditors' workbook, opened with openpyxl and checked cell by cell against the database and the seed."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from budgets.models import BudgetCell, BudgetColumn, BudgetExecution, BudgetRow, BudgetTable
from indicators import progress
from indicators.models import Actual, FinalRating, Indicator
from reports.workbook import export_context_build, workbook_write
from smrj_plan import formatting
from smrj_plan.models import QuarterLock
from smrj_plan.workflow import EntryState, transition
from smrj_plan.xlsx import cells as excel_cells

INJECTION = '=HYPERLINK("http://x","y")'


def _figures(indicator: Indicator, quarter: int) -> dict:
    """Deterministic figures for one quarter of one indicator, by kind."""
    k = indicator.order + quarter
    if indicator.kind == Indicator.Kind.RATIO:
        return {"numerator": Decimal(60 + quarter), "denominator": Decimal(80 + k % 7)}
    if indicator.kind == Indicator.Kind.BENCHMARK:
        return {"growth_rate": Decimal("12.50"), "benchmark_rate": Decimal("8.00")} if quarter == 4 else {}
    if indicator.kind == Indicator.Kind.MILESTONE:
        return {"milestone_status": "in_progress" if quarter < 4 else "done"}
    if indicator.kind == Indicator.Kind.BASELINE:
        return {"value": Decimal("31.5")} if quarter == 4 else {}
    base = (indicator.target or Decimal("40")) / 4
    return {"value": (base * Decimal("1.05") + quarter).quantize(Decimal("1"))}


def fill_year(fiscal_year, user, reviewer):
    """A full year of actuals: Q1–Q3 approved, Q4 submitted; one approved value reopened, changed and approved
    again (so the history has an old → new value); a returned entry; a final rating; a quarter lock; executed
    amounts on the first 予算計画 lines, one with a formula-like 備考."""
    for indicator in Indicator.objects.filter(plan__fiscal_year=fiscal_year):
        for quarter in (1, 2, 3, 4):
            figures = _figures(indicator, quarter)
            if not figures:
                continue
            actual = Actual(
                indicator=indicator, fiscal_year=fiscal_year, quarter=quarter, updated_by=user, **figures
            )
            actual._change_reason = "下書き保存"
            actual._history_user = user
            actual.save()
            transition(actual, to_state=EntryState.SUBMITTED, user=user)
            if quarter < 4:
                transition(actual, to_state=EntryState.APPROVED, user=reviewer)
    first = Actual.objects.get(indicator__code="1-1", fiscal_year=fiscal_year, quarter=1)
    transition(first, to_state=EntryState.DRAFT, user=reviewer, reason="集計漏れの訂正")
    first.value = first.value + 7
    first.note = INJECTION
    first.updated_by = first._history_user = user
    first.version += 1
    first._change_reason = "訂正"
    first.save()
    transition(first, to_state=EntryState.SUBMITTED, user=user)
    transition(first, to_state=EntryState.APPROVED, user=reviewer)
    returned = Actual.objects.get(indicator__code="2-1", fiscal_year=fiscal_year, quarter=4)
    transition(returned, to_state=EntryState.RETURNED, user=reviewer, reason="+根拠資料を添付してください")
    FinalRating.objects.create(
        indicator=Indicator.objects.get(code="1-1", plan__fiscal_year=fiscal_year),
        fiscal_year=fiscal_year,
        grade="S",
        reason="@質的に顕著な成果",
        set_by=reviewer,
    )
    lock = QuarterLock(
        fiscal_year=fiscal_year, quarter=1, is_locked=True, reason="第1四半期の締め", changed_by=reviewer
    )
    lock.save()
    table = BudgetTable.objects.get(fiscal_year=fiscal_year, kind="budget", account__code="ippan")
    items = list(BudgetRow.objects.filter(table=table, role="item").order_by("order")[:3])
    column = (
        BudgetColumn.objects.filter(table=table, role__in=["segment", "ledger"]).order_by("order").first()
    )
    for index, row in enumerate(items):
        for quarter in (1, 2):
            entry = BudgetExecution(
                row=row,
                column=column,
                quarter=quarter,
                amount=Decimal("1000.5") * (index + 1) + quarter,
                note=INJECTION if (index, quarter) == (0, 1) else "",
                updated_by=user,
            )
            entry._change_reason = "下書き保存"
            entry._history_user = user
            entry.save()
            transition(entry, to_state=EntryState.SUBMITTED, user=user)
            transition(entry, to_state=EntryState.APPROVED, user=reviewer)


def export(*, quarter=None, include_drafts=False, user="kansa"):
    ctx = export_context_build(year=2024, quarter=quarter, include_drafts=include_drafts, exported_by=user)
    buffer = io.BytesIO()
    workbook_write(ctx=ctx, output=buffer)
    buffer.seek(0)
    return load_workbook(buffer), ctx


@pytest.fixture
def year_of_actuals(fiscal_year, staff_user, manager):
    fill_year(fiscal_year, staff_user, manager)
    return fiscal_year


def _sheet_rows(ws):
    return list(ws.iter_rows())


def _find_row(ws, column: int, value) -> int:
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == value:
            return row[0].row
    raise AssertionError(f"{value!r} not found in {ws.title}")


def _table_title(table: BudgetTable) -> str:
    return f"{table.fiscal_year.year}年度計画の{table.get_kind_display()}（{table.attachment}）　<{table.account.name}>"


def test_every_published_budget_cell_is_in_its_account_sheet_as_a_number(db):
    wb, _ctx = export()
    tables = list(BudgetTable.objects.filter(fiscal_year__year=2024).select_related("account", "fiscal_year"))
    assert len(tables) == 18
    checked = dashes = 0
    for table in tables:
        ws = wb[table.account.name]
        title_row = _find_row(ws, 1, _table_title(table))
        assert ws.cell(title_row + 1, len(table.columns.all()) + 1).value == "(単位:百万円)"
        first_data_row = title_row + 2 + max(len(table.header), 1)
        rows = {r.pk: first_data_row + i for i, r in enumerate(table.rows.order_by("order"))}
        columns = {c.pk: 2 + i for i, c in enumerate(table.columns.order_by("order"))}
        labels = {r.pk: r.label for r in table.rows.all()}
        for row_pk, row_number in rows.items():
            assert ws.cell(row_number, 1).value == labels[row_pk]
        present = set()
        for cell in BudgetCell.objects.filter(row__table=table):
            sheet_cell = ws.cell(rows[cell.row_id], columns[cell.column_id])
            present.add((rows[cell.row_id], columns[cell.column_id]))
            if cell.amount is None:
                # A published 「-」 is no amount, not 0: the text 「-」, right-aligned, never a number.
                assert sheet_cell.value == "-" and sheet_cell.data_type == "s"
                assert sheet_cell.alignment.horizontal == "right"
                dashes += 1
            else:
                assert sheet_cell.data_type == "n"
                assert Decimal(str(sheet_cell.value)) == cell.amount
                # △ for negatives; a published 0 shows 0 (the 「-」 cells are text, above), as on the page.
                assert sheet_cell.number_format == '#,##0;"△"#,##0;0'
            checked += 1
        # No extra figures: every other amount cell of the table's body is empty.
        for row_number in rows.values():
            for col in columns.values():
                if (row_number, col) not in present:
                    assert ws.cell(row_number, col).value is None
    assert checked == BudgetCell.objects.filter(row__table__fiscal_year__year=2024).count() == 1276
    assert dashes > 0


def test_budget_sheets_match_published_figures_from_the_plan_text(db):
    wb, _ctx = export()
    ws = wb["一般勘定"]
    values = {(r[0].value, i): [c.value for c in r] for i, r in enumerate(ws.iter_rows()) if r[0].value}
    grant = next(v for (label, _), v in values.items() if label == "運営費交付金")
    # 予算計画 一般勘定 運営費交付金: 102,976 2,403 1,414 5,968 - 5,968 247,979 185 248,164 - 360,925
    assert grant[1:12] == [102976, 2403, 1414, 5968, "-", 5968, 247979, 185, 248164, "-", 360925]
    header = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "区 別")]
    assert header[:2] == ["区 別", "金 額"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert any(m.startswith("B") and m.endswith("5") for m in merged)
    small = wb["産業基盤整備勘定"]
    income = next(r for r in small.iter_rows() if r[0].value == "業務収入")
    assert [c.value for c in income[:5]] == ["業務収入", 85, 12, "-", 98]
    assert income[0].alignment.indent == 1


def test_every_indicator_target_and_counted_actual_is_in_the_indicator_sheet(year_of_actuals):
    wb, ctx = export(quarter=3)
    ws = wb["指標"]
    assert ctx.quarter == 3
    for ind in Indicator.objects.filter(plan__fiscal_year=year_of_actuals):
        row = _find_row(ws, 1, ind.code)
        assert ws.cell(row, 2).value.startswith(ind.name)
        # The target as tables show it (normalised), then as a number to compute with.
        target, target_number = ws.cell(row, 5), ws.cell(row, 6)
        if ind.target is not None:
            assert target.value == formatting.target_label(
                target=ind.target, unit=ind.unit, comparison=ind.comparison, text=ind.target_text
            )
            assert Decimal(str(target_number.value)) == ind.target and target_number.data_type == "n"
        elif ind.kind == "benchmark":
            assert target.value == formatting.normalise_width(ind.target_text)
            assert Decimal(str(target_number.value)) == ind.benchmark_multiplier
        else:
            assert target.value == "—" and target_number.value is None
        figures = [progress.figure_from_actual(a) for a in ind.actuals.all()]
        result = progress.progress_compute(
            spec=progress.spec_from_indicator(ind), figures=figures, as_of_quarter=3
        )
        for actual in ind.actuals.filter(fiscal_year=year_of_actuals, quarter__lte=3, state="approved"):
            cell = ws.cell(row, 6 + actual.quarter)
            if ind.kind == "ratio":
                expected = progress.round_percent(actual.numerator * 100 / actual.denominator)
                assert Decimal(str(cell.value)) == expected
                assert ws.cell(row + 1, 2).value.strip() == "分子"
                assert Decimal(str(ws.cell(row + 1, 6 + actual.quarter).value)) == actual.numerator
                assert Decimal(str(ws.cell(row + 2, 6 + actual.quarter).value)) == actual.denominator
            elif ind.kind == "milestone":
                assert cell.value == actual.get_milestone_status_display()
            else:
                assert Decimal(str(cell.value)) == actual.value and cell.data_type == "n"
        # Q4 was only submitted and lies after the as-of quarter: never counted here.
        assert ws.cell(row, 10).value is None
        cumulative = ws.cell(row, 11).value
        if ind.kind == "milestone":
            assert cumulative == "実施中"
        elif result.actual_display is None:
            assert cumulative is None
        else:
            assert Decimal(str(cumulative)) == result.actual_display
        rate = ws.cell(row, 12).value
        assert (rate is None and result.achievement_rate is None) or Decimal(
            str(rate)
        ) == result.achievement_rate
        assert ws.cell(row, 15).value in (result.grade_label, None)
    # Hand-checked: 1-1 (target 1,000社): Q1 264 + 7 after the correction, Q2 264, Q3 266 → 801, 80.1 %.
    row = _find_row(ws, 1, "1-1")
    q1, q2, q3 = (ws.cell(row, c).value for c in (7, 8, 9))
    assert (q1, q2, q3) == (271, 264, 266)
    assert ws.cell(row, 11).value == 801
    assert Decimal(str(ws.cell(row, 12).value)) == Decimal("80.1")
    assert ws.cell(row, 16).value == "S"


def test_drafts_count_only_when_asked(year_of_actuals):
    approved, _ = export(quarter=4)
    with_drafts, ctx = export(quarter=4, include_drafts=True)
    assert ctx.include_drafts
    row = _find_row(approved["指標"], 1, "2-2")
    assert approved["指標"].cell(row, 10).value is None
    assert with_drafts["指標"].cell(row, 10).value == _figures(Indicator.objects.get(code="2-2"), 4)["value"]
    assert "提出済み 1" in with_drafts["指標"].cell(row, 18).value
    cover = {r[0].value: r[1].value for r in with_drafts["表紙"].iter_rows(min_row=3) if r[0].value}
    assert cover["集計の対象"].startswith("下書き・提出済みを含む")


def test_history_lists_every_change_with_old_and_new_values(year_of_actuals):
    wb, _ = export()
    ws = wb["変更履歴"]
    header = [c.value for c in ws[3]]
    assert header == [
        "日時（日本時間）",
        "操作者",
        "区分",
        "対象",
        "四半期",
        "操作",
        "項目",
        "変更前",
        "変更後",
        "状態",
        "理由",
    ]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    # Every historical record of the year appears (one row per changed field, at least one per record).
    by_kind = {}
    for r in rows:
        by_kind[r[2]] = by_kind.get(r[2], 0) + 1
    assert by_kind["実績"] >= Actual.history.filter(fiscal_year=year_of_actuals).count()
    assert by_kind["執行額"] >= BudgetExecution.history.count()
    assert by_kind["評定"] == 2 and by_kind["締め"] == 2  # grade + reason; is_locked + reason
    # The correction of 1-1 Q1: 264 → 271 with its reason, by the staff member, back in draft.
    target = Indicator.objects.get(code="1-1")
    corrected = [r for r in rows if r[3] == f"1-1 {target.name}" and r[6] == "実績値" and r[5] == "変更"]
    assert len(corrected) == 1
    when, who, _k, _t, quarter, _op, _f, old, new, state, reason = corrected[0]
    assert (quarter, old, new, state, reason, who) == ("第1四半期", 264, 271, "下書き", "訂正", "tanto")
    reopen = [
        r for r in rows if r[3] == f"1-1 {target.name}" and r[10] == "集計漏れの訂正" and r[6] == "状態"
    ]
    assert reopen and reopen[0][7:10] == ["承認済み", "下書き", "下書き"]
    # Times are in Japan time and in order.
    stamps = [r[0] for r in rows]
    assert stamps == sorted(stamps)
    last = Actual.history.order_by("-history_date").first().history_date
    from django.utils import timezone

    assert abs((max(stamps) - timezone.localtime(last).replace(tzinfo=None)).total_seconds()) < 1
    assert ws.auto_filter.ref == f"A3:K{3 + len(rows)}"


def test_user_text_starting_with_formula_characters_is_stored_as_text(year_of_actuals):
    buffer = io.BytesIO()
    ctx = export_context_build(year=2024, quarter=3, include_drafts=True, exported_by="=cmd|' /C calc'!A0")
    workbook_write(ctx=ctx, output=buffer)
    buffer.seek(0)
    wb = load_workbook(buffer)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if (
                    isinstance(cell.value, str)
                    and cell.value[:1] in ("=", "+", "-", "@")
                    and cell.value != "-"
                ):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    found.append((ws.title, cell.value))
    assert ("予算執行", INJECTION) in found
    assert ("指標", INJECTION) in found
    assert ("指標", "@質的に顕著な成果") in found
    assert ("変更履歴", "+根拠資料を添付してください") in found
    assert ("表紙", "=cmd|' /C calc'!A0") in found
    # And the file holds no formula at all.
    import zipfile

    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_formats_fonts_panes_filters_and_print_setup(year_of_actuals):
    wb, _ = export()
    assert wb.sheetnames[:3] == ["表紙", "指標", "施策"]
    assert wb.sheetnames[-4:] == ["予算執行", "端数差異", "変更履歴", "計画の改訂"]
    assert wb.sheetnames[3:-4] == [
        "一般勘定",
        "産業基盤整備勘定",
        "施設整備等勘定",
        "小規模企業共済勘定",
        "中小企業倒産防止共済勘定",
        "出資承継勘定",
    ]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == "游ゴシック", (ws.title, cell.coordinate)
        if ws.title != "表紙":
            assert ws.print_title_rows
            assert ws.freeze_panes
    assert wb["指標"].freeze_panes == "C4" and wb["指標"].print_title_rows == "$3:$3"
    assert wb["一般勘定"].freeze_panes == "B3"
    for name in ("予算執行", "端数差異", "変更履歴"):
        assert wb[name].auto_filter.ref.startswith("A3:")
    # Pillar bands are merged across the indicator table.
    merged = {str(m) for m in wb["指標"].merged_cells.ranges}
    band_row = _find_row(wb["指標"], 1, "柱1 地域牽引・成長志向の中小企業への支援")
    assert f"A{band_row}:T{band_row}" in merged
    reference_row = _find_row(wb["指標"], 1, "参考指標")
    assert reference_row > _find_row(wb["指標"], 1, "5-4")
    assert _find_row(wb["指標"], 1, "3-1-1") == _find_row(wb["指標"], 1, "3-1") + 1
    history_when = wb["変更履歴"]["A4"]
    assert history_when.is_date and history_when.number_format == "yyyy/mm/dd hh:mm:ss"


def test_cover_states_plan_year_quarter_time_who_and_scope(db):
    import datetime as dt

    at = dt.datetime(2025, 1, 15, 0, 30, tzinfo=dt.UTC)
    ctx = export_context_build(
        year=2024, quarter=2, include_drafts=False, exported_by="kansa", exported_at=at
    )
    buffer = io.BytesIO()
    workbook_write(ctx=ctx, output=buffer)
    buffer.seek(0)
    ws = load_workbook(buffer)["表紙"]
    cover = {r[0].value: r[1].value for r in ws.iter_rows(min_row=3) if r[0].value}
    assert ws["A1"].value == "独立行政法人中小企業基盤整備機構 令和6年度計画 監査用データ"
    assert cover["計画"] == "独立行政法人中小企業基盤整備機構 令和6年度計画"
    assert cover["策定"] == "令和6年3月29日（2024年3月29日）"
    assert cover["変更"] == "令和7年3月26日（2025年3月26日）"
    assert cover["年度"] == "令和6年度（2024年度）"
    assert cover["基準四半期"] == "第2四半期（7–9月）末時点"
    assert cover["出力日時"] == "令和7年1月15日 09:30:00（日本時間）"
    assert cover["出力者"] == "kansa"
    assert cover["集計の対象"] == "承認済みの値のみ"
    assert "0.1%単位で四捨五入" in cover["達成率の丸め"]
    texts = [r[1].value for r in ws.iter_rows() if len(r) > 1 and r[1].value]
    assert (
        "※端数処理の関係で合計が合わないことがある。（公表資料の注記。差異は「端数差異」シートに一覧）"
        in texts
    )


def test_reconciliation_and_execution_sheets_use_the_budget_selectors(year_of_actuals):
    from budgets.selectors import budget_execution_summary, budget_reconciliation_list

    wb, _ = export(quarter=3)
    ws = wb["端数差異"]
    items = budget_reconciliation_list(fiscal_year=2024)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert len(rows) == len(items) > 0
    for item, row in zip(items, rows, strict=True):
        assert row[:5] == [
            item.kind_label,
            item.account_name,
            item.row_label,
            item.column_label,
            item.check_label,
        ]
        assert row[7] == item.difference and row[8] == item.severity_label
        if item.severity == "error":
            assert ws.cell(rows.index(row) + 4, 9).font.color.rgb.endswith("C00000")

    ws = wb["予算執行"]
    summary = budget_execution_summary(fiscal_year=2024, account_code="ippan")
    executed = [line for line in summary.lines if line.approved]
    assert len(executed) == 3
    lines = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert len(lines) == sum(
        len(budget_execution_summary(fiscal_year=2024, account_code=code).lines)
        for code in BudgetTable.objects.filter(fiscal_year__year=2024, kind="budget").values_list(
            "account__code", flat=True
        )
    )
    for line in executed:
        row = next(
            r for r in lines if r[0] == "一般勘定" and r[2] == line.row_label and r[3] == line.column_label
        )
        assert row[4] == (line.budget if line.budget is not None else "-")
        assert [Decimal(str(v)) for v in row[5:7]] == [line.approved[1], line.approved[2]]
        assert row[7] is None and row[8] is None
        assert Decimal(str(row[9])) == line.executed
        assert Decimal(str(row[10])) == line.difference
        assert (row[11] is None and line.rate is None) or Decimal(str(row[11])) == line.rate


def test_export_command_writes_the_workbook(year_of_actuals, tmp_path, manager):
    output = tmp_path / "監査用.xlsx"
    call_command(
        "export_excel",
        "--year",
        "2024",
        "--output",
        str(output),
        "--quarter",
        "2",
        "--user",
        "kanri",
        verbosity=0,
    )
    wb = load_workbook(output)
    cover = {r[0].value: r[1].value for r in wb["表紙"].iter_rows(min_row=3) if r[0].value}
    assert cover["出力者"] == "kanri" and cover["基準四半期"].startswith("第2四半期")


def test_export_command_refuses_unknown_year_user_and_extension(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2031年度の計画"):
        call_command("export_excel", "--year", "2031", "--output", str(tmp_path / "a.xlsx"))
    with pytest.raises(CommandError, match="ユーザー"):
        call_command(
            "export_excel", "--year", "2024", "--output", str(tmp_path / "a.xlsx"), "--user", "nobody"
        )
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("export_excel", "--year", "2024", "--output", str(tmp_path / "a.csv"))


def test_history_is_read_in_chunks_not_all_at_once(year_of_actuals, django_assert_max_num_queries):
    """Query count does not grow with the history: the history tables are iterated, not loaded per row."""
    buffer = io.BytesIO()
    ctx = export_context_build(year=2024, quarter=3, include_drafts=False, exported_by="x")
    # 60 before the 施策 sheet (2 queries) and the 取組状況・担当部署・自己評価 histories (7 with their labels).
    with django_assert_max_num_queries(70):
        workbook_write(ctx=ctx, output=buffer)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("=1+1", "=1+1"),
        ("+81-3-1234", "+81-3-1234"),
        ("-2", "-2"),
        ("@SUM(A1)", "@SUM(A1)"),
        ("\tx", "\tx"),
        ("\nx", "\nx"),
        ("\rx", "\nx"),  # XML reads a bare CR back as LF
        (INJECTION, INJECTION),
    ],
)
def test_text_writer_quotes_every_formula_trigger(value, stored):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    ws.append([excel_cells.text(ws, value), excel_cells.text(ws, "ふつうの備考")])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    cell, plain = load_workbook(buffer)["t"][1]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (stored, "s", True)
    assert (plain.value, plain.quotePrefix) == ("ふつうの備考", False)


def test_control_characters_that_xlsx_cannot_hold_are_written_visibly():
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    ws.append([excel_cells.text(ws, "\x01=cmd"), excel_cells.text(ws, "備考\x08")])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    first, second = load_workbook(buffer)["t"][1]
    assert (first.value, second.value) == ("[U+0001]=cmd", "備考[U+0008]")


def test_streamed_history_keeps_memory_flat_however_long():
    """Rows go from the generator into the package as they come: 40,000 rows of 11 cells (≈ 25 MB of XML) are
    written with a small, fixed peak of Python memory, and read back intact."""
    import datetime as dt
    import tracemalloc

    from openpyxl import Workbook

    from smrj_plan.xlsx.streamed import StreamedRows, package_save

    n_rows = 40_000

    def rows():
        start = dt.datetime(2024, 4, 1, 9, 0)
        for i in range(n_rows):
            yield [
                start + dt.timedelta(minutes=i),
                f"user{i % 7}",
                "実績",
                f"指標{i % 250} ハンズオン支援における事前ヒアリングや調査を実施した事業者数",
                "第1四半期",
                "変更",
                "実績値",
                Decimal(i),
                Decimal(i + 1),
                "下書き",
                f"訂正 {i}" if i % 1000 else INJECTION,
            ]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("変更履歴")
    ws.append(["見出し"])
    streamed = StreamedRows(ws, first_row=2, n_columns=11, rows=rows(), filter_header_row=1)
    buffer = io.BytesIO()
    tracemalloc.start()
    package_save(wb, buffer, [streamed])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert streamed.written == n_rows
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    buffer.seek(0)
    sheet = load_workbook(buffer, read_only=True)["変更履歴"]
    last = list(sheet.iter_rows(min_row=n_rows + 1, max_row=n_rows + 1, values_only=True))[0]
    assert last[1:10] == (
        "user1",
        "実績",
        last[3],
        "第1四半期",
        "変更",
        "実績値",
        n_rows - 1,
        n_rows,
        "下書き",
    )
    assert last[0] == dt.datetime(2024, 4, 1, 9, 0) + dt.timedelta(minutes=n_rows - 1)
    first = next(sheet.iter_rows(min_row=2, max_row=2))
    assert first[10].value == INJECTION and first[10].data_type == "s"


def test_published_targets_from_the_plan_text(db):
    wb, _ = export(quarter=1)
    ws = wb["指標"]
    targets = {ws.cell(r, 1).value: ws.cell(r, 6).value for r in range(4, ws.max_row + 1)}
    # 「１，０００社以上」「６０，０００者以上」「９２，８００人日以上」「70%以上」「連携事業継続力強化計画支援件数：300件」
    assert (targets["1-1"], targets["4-9"], targets["5-3"], targets["1-3"], targets["4-10"]) == (
        1000,
        60000,
        92800,
        70,
        300,
    )
    # 1-2 「２割以上、上回る」: the number to compute with is the multiplier on the survey's growth rate.
    assert Decimal(str(targets["1-2"])) == Decimal("1.2")
    row = _find_row(ws, 1, "4-10")
    assert ws.cell(row, 4).value == "目標値"


def test_unapproved_executed_amounts_count_only_when_asked(year_of_actuals, staff_user):
    entry = BudgetExecution.objects.filter(quarter=2).order_by("row__order").first()
    transition(entry, to_state=EntryState.DRAFT, user=staff_user, reason="金額の訂正")
    approved, _ = export(quarter=2)
    with_drafts, _ = export(quarter=2, include_drafts=True)

    def line(wb):
        return next(
            [c.value for c in r]
            for r in wb["予算執行"].iter_rows(min_row=4)
            if r[2].value == entry.row.label and r[0].value == "一般勘定" and r[5].value is not None
        )

    assert line(approved)[6] is None
    assert Decimal(str(line(with_drafts)[6])) == entry.amount
    assert "Q2 下書き" in line(with_drafts)[12]
