"""One history read model: the history pages and the workbook's 変更履歴 sheet show the same rows (who, when, what,
old → new, state, reason), computed by one diff (`smrj_plan.history`)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from budgets import services as budget_services
from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators import rating_services, services
from indicators.models import Actual, Indicator
from measures.periods import quarter_label
from reports.workbook import export_context_build, workbook_write
from smrj_plan.history import HistorySource, field_changes, history_rows

REGION = "地域牽引・成長志向企業支援業務"


def _save(indicator, fiscal_year, user, data, version, quarter=1):
    return services.actual_save(
        indicator=indicator,
        fiscal_year=fiscal_year,
        quarter=quarter,
        user=user,
        data=data,
        expected_version=version,
    )


@pytest.fixture
def story(fiscal_year, staff_user, manager):
    """Two indicators and one budget line, each saved, corrected, submitted, returned or approved, by a staff
    member and a manager who both have names (so the sheet and the page must agree on how a name reads)."""
    manager.last_name, manager.first_name = "管理", "花子"
    manager.save(update_fields=["last_name", "first_name"])
    count = Indicator.objects.get(code="1-1")
    ratio = Indicator.objects.get(code="1-3")

    a = _save(count, fiscal_year, staff_user, {"value": Decimal("6000")}, 0)
    a = _save(count, fiscal_year, staff_user, {"value": Decimal("6250"), "note": "集計し直し"}, a.version)
    a = services.actual_submit(actual=a, user=staff_user, expected_version=a.version)
    a = services.actual_return(
        actual=a, user=manager, reason="内訳を確認してください", expected_version=a.version
    )
    a = _save(count, fiscal_year, staff_user, {"value": Decimal("6200")}, a.version)
    a = services.actual_submit(actual=a, user=staff_user, expected_version=a.version)
    services.actual_approve(actual=a, user=manager, expected_version=a.version)
    rating_services.final_rating_set(
        indicator=count, fiscal_year=fiscal_year, grade="A", reason="目標を大きく上回った", user=manager
    )

    r = _save(ratio, fiscal_year, staff_user, {"numerator": Decimal("49"), "denominator": Decimal("400")}, 0)
    r = services.actual_submit(actual=r, user=staff_user, expected_version=r.version)
    services.actual_approve(actual=r, user=manager, expected_version=r.version)
    r = _save(
        ratio, fiscal_year, staff_user, {"numerator": Decimal("49"), "denominator": Decimal("400")}, 0, 2
    )

    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.get(table=row.table, segment=REGION)
    e = budget_services.execution_save(
        row=row,
        column=column,
        quarter=1,
        amount=Decimal("1000.5"),
        user=staff_user,
        expected_version=0,
    )
    e = budget_services.execution_save(
        row=row,
        column=column,
        quarter=1,
        amount=Decimal("1200"),
        user=staff_user,
        expected_version=e.version,
    )
    e = budget_services.execution_submit(execution=e, user=staff_user, expected_version=e.version)
    e = budget_services.execution_return(
        execution=e, user=manager, reason="金額の根拠を添付", expected_version=e.version
    )
    return {"count": count, "ratio": ratio, "execution": BudgetExecution.objects.get(pk=e.pk)}


def _number(value):
    """Numbers compare as Decimals (the sheet reads back ints and floats, the page holds Decimals)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return Decimal(str(value)).normalize()


def _page_rows(client, url):
    """The page's rows, oldest first: (when, who, quarter, operation, field, old, new, state, reason)."""
    page = client.get(url).context["page"]
    rows = [row for entry in reversed(page.entries) for row in entry.rows]
    return [
        (
            timezone.localtime(r.when).replace(tzinfo=None),
            r.who,
            r.kind,
            quarter_label(r.quarter) if r.quarter else "年度",
            r.operation,
            r.label,
            _number(r.old),
            _number(r.new),
            r.state,
            r.reason,
        )
        for r in rows
    ]


def _sheet_rows(wb, *, target, kind=None, quarter=None):
    out = []
    for cells in wb["変更履歴"].iter_rows(min_row=4, values_only=True):
        when, who, row_kind, row_target, row_quarter, op, label, old, new, state, reason = cells
        if row_target != target or (kind and row_kind != kind) or (quarter and row_quarter != quarter):
            continue
        out.append(
            (when, who, row_kind, row_quarter, op, label, _number(old), _number(new), state, reason or "")
        )
    return out


def _assert_same(page, sheet):
    assert len(page) == len(sheet) > 0
    for p, s in zip(page, sheet, strict=True):
        # Excel keeps time to the millisecond; everything else is identical.
        assert abs(p[0] - s[0]) < dt.timedelta(milliseconds=1), (p, s)
        assert p[1:] == s[1:]


def _workbook():
    ctx = export_context_build(year=2024, quarter=None, include_drafts=True, exported_by="kansa")
    buffer = io.BytesIO()
    workbook_write(ctx=ctx, output=buffer)
    buffer.seek(0)
    return load_workbook(buffer)


@pytest.mark.django_db
def test_indicator_pages_and_the_sheet_show_the_same_changes_for_two_indicators(story, auditor_client):
    wb = _workbook()
    for indicator in (story["count"], story["ratio"]):
        page = _page_rows(auditor_client, reverse("entry:history_indicator", args=[indicator.pk]))
        sheet = _sheet_rows(wb, target=f"{indicator.code} {indicator.name}")
        _assert_same(page, sheet)
    count_page = _page_rows(auditor_client, reverse("entry:history_indicator", args=[story["count"].pk]))
    corrections = [r for r in count_page if r[5] == "実績値" and r[4] == "変更"]
    assert [(r[1], r[6], r[7]) for r in corrections] == [("tanto", 6000, 6250), ("tanto", 6250, 6200)]
    returned = next(r for r in count_page if r[9] == "内訳を確認してください")
    assert (returned[1], returned[5:9]) == ("管理 花子（kanri）", ("状態", "提出済み", "差戻し", "差戻し"))
    rating = [r for r in count_page if r[2] == "評定"]
    assert [(r[5], r[7]) for r in rating] == [("評定", "A"), ("理由", "目標を大きく上回った")]
    ratio_page = _page_rows(auditor_client, reverse("entry:history_indicator", args=[story["ratio"].pk]))
    assert {(r[3], r[5], r[7]) for r in ratio_page if r[4] == "新規"} >= {
        ("第1四半期", "分子", 49),
        ("第1四半期", "分母", 400),
        ("第2四半期", "分子", 49),
    }


@pytest.mark.django_db
def test_the_execution_page_and_the_sheet_show_the_same_changes(story, auditor_client):
    entry = story["execution"]
    page = _page_rows(auditor_client, reverse("budgets:execution_history", args=[entry.pk]))
    target = f"一般勘定 予算計画 運営費交付金／{entry.column}"
    sheet = _sheet_rows(_workbook(), target=target, kind="執行額", quarter="第1四半期")
    _assert_same(page, sheet)
    amounts = [(r[6], r[7]) for r in page if r[5] == "執行額（百万円）"]
    assert amounts == [(None, Decimal("1000.5")), (Decimal("1000.5"), Decimal("1200"))]
    assert page[-1][1] == "管理 花子（kanri）" and page[-1][9] == "金額の根拠を添付"


@pytest.mark.django_db
def test_the_pages_read_names_and_numbers_as_the_sheet_does(story, auditor_client, manager_client):
    body = auditor_client.get(reverse("entry:history_indicator", args=[story["count"].pk])).content.decode()
    assert '<span class="old">6,000</span> → <span class="new">6,250</span>' in body
    assert "管理 花子（kanri）" in body and "提出済み → 差戻し" in body
    quarter = manager_client.get(reverse("entry:history_quarter", args=[2024, 1])).content.decode()
    assert '<span class="old">6,250</span> → <span class="new">6,200</span>' in quarter
    assert "1-3 " in quarter and "（新規）→ 下書き" in quarter
    execution = auditor_client.get(
        reverse("budgets:execution_history", args=[story["execution"].pk])
    ).content.decode()
    assert '<span class="old">1,000.5</span> → <span class="new">1,200</span>' in execution


@pytest.mark.django_db
def test_a_long_history_page_shows_the_newest_records_and_says_so(story, auditor_client, monkeypatch):
    from indicators import history_views

    monkeypatch.setattr(history_views, "PAGE_RECORDS", 3)
    response = auditor_client.get(reverse("entry:history_indicator", args=[story["count"].pk]))
    page = response.context["page"]
    records = Actual.history.filter(indicator=story["count"]).count() + 1  # and one final 評定
    assert (len(page.entries), page.total) == (3, records)
    assert page.entries[0].kind == "評定"  # newest first
    assert f"新しい3件を表示しています（全{records}件）" in response.content.decode()


@pytest.mark.django_db
def test_the_history_page_costs_the_same_queries_however_long_the_history(
    story, fiscal_year, staff_user, manager, auditor_client, django_assert_max_num_queries
):
    url = reverse("entry:history_indicator", args=[story["count"].pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        auditor_client.get(url)
    actual = Actual.objects.get(indicator=story["count"], quarter=1)
    actual = services.actual_reopen(
        actual=actual, user=manager, reason="再開", expected_version=actual.version
    )
    for step in range(30):
        actual = _save(
            story["count"], fiscal_year, staff_user, {"value": Decimal(7000 + step)}, actual.version
        )
    with django_assert_max_num_queries(len(before)):
        auditor_client.get(url)


def test_the_diff_reports_creations_changes_and_deletions():
    assert field_changes(None, {"value": Decimal("1.50"), "note": ""}, ["value", "note"]) == [
        ("value", None, Decimal("1.50"))
    ]
    # 1.5 and 1.50, "" and None are the same value to an auditor.
    assert (
        field_changes(
            {"value": Decimal("1.5"), "note": None}, {"value": Decimal("1.50"), "note": ""}, ["value", "note"]
        )
        == []
    )
    assert field_changes({"value": Decimal("2")}, None, ["value"]) == [("value", Decimal("2"), None)]


@pytest.mark.django_db
def test_history_rows_hold_one_snapshot_per_object_and_label_choices(story):
    rows = list(
        history_rows(
            HistorySource(
                kind="実績",
                model=Actual,
                queryset=Actual.history.filter(indicator=story["ratio"]),
                fields=["numerator", "state"],
                target=lambda snap: "1-3",
                quarter=lambda snap: snap["quarter"],
                extra=("quarter",),
            )
        )
    )
    # Q1: created (分子 49, 下書き), submitted, approved; Q2: created. Q2's creation is not diffed against Q1.
    assert [(r.quarter, r.operation, r.field, r.old, r.new) for r in rows] == [
        (1, "新規", "numerator", None, Decimal("49.00")),
        (1, "新規", "state", None, "下書き"),
        (1, "変更", "state", "下書き", "提出済み"),
        (1, "変更", "state", "提出済み", "承認済み"),
        (2, "新規", "numerator", None, Decimal("49.00")),
        (2, "新規", "state", None, "下書き"),
    ]


def test_the_diff_streams_a_long_history_in_flat_memory():
    """50,000 saved records of 50 objects: the diff holds one snapshot per object, whatever the length."""
    import tracemalloc

    n_records, n_objects = 50_000, 50
    start = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)

    class Records:
        """Stands for a historical queryset: yields value tuples one by one, as `.iterator()` does."""

        def order_by(self, *fields):
            return self

        def values_list(self, *columns):
            self.columns = columns
            return self

        def iterator(self, chunk_size):
            for i in range(n_records):
                yield (
                    start + dt.timedelta(seconds=i),
                    i + 1,
                    "+" if i < n_objects else "~",
                    "訂正",
                    i % n_objects,
                    "tanto",
                    "",
                    "",
                    1,
                    Decimal(i),
                    "draft",
                )

    source = HistorySource(
        kind="実績",
        model=Actual,
        queryset=Records(),
        fields=["value", "state"],
        extra=("quarter",),
        target=lambda snap: "1-1",
        quarter=lambda snap: snap["quarter"],
    )
    tracemalloc.start()
    count = 0
    last = None
    for row in history_rows(source, chunk_size=2000):
        count += 1
        last = row
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # One row per record (the value changes every time; the state only on creation) plus the creations' state.
    assert count == n_records + n_objects
    assert (last.old, last.new, last.operation) == (
        Decimal(n_records - 1 - n_objects),
        Decimal(n_records - 1),
        "変更",
    )
    assert peak < 1024 * 1024, f"peak {peak / 1e6:.2f} MB"
