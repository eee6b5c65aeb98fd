"""The workbook's 施策 sheet: every measure by 評価項目 with its 部署, its status per quarter and its latest 取組状況,
counting what the workbook counts (approved only, or drafts too; quarters up to the as-of quarter)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from evaluation import services
from evaluation.sheets import write_measures
from measures.models import Measure
from reports.workbook import export_context_build, workbook_write

pytestmark = pytest.mark.django_db


def _entry(measure, fiscal_year, user, quarter, status, narrative, *, approve_by=None, submit=True):
    entry = services.progress_save(
        measure=measure,
        fiscal_year=fiscal_year,
        quarter=quarter,
        user=user,
        data={"status": status, "narrative": narrative, "evidence": "議事録"},
        expected_version=0,
    )
    if submit:
        entry = services.progress_submit(entry=entry, user=user, expected_version=entry.version)
    if approve_by is not None:
        entry = services.progress_approve(entry=entry, user=approve_by, expected_version=entry.version)
    return entry


@pytest.fixture
def progress(fiscal_year, staff_user, manager):
    one, three = Measure.objects.get(order=1), Measure.objects.get(order=3)
    _entry(one, fiscal_year, staff_user, 1, "on_schedule", "第1四半期の取組", approve_by=manager)
    _entry(one, fiscal_year, staff_user, 2, "ahead", "第2四半期の取組（未承認）")
    _entry(three, fiscal_year, staff_user, 1, "delayed", "人員不足で遅れた", approve_by=manager)
    _entry(three, fiscal_year, staff_user, 3, "done", "第3四半期に完了", approve_by=manager)


def _rows(tmp_path, *, quarter, include_drafts=False):
    ctx = export_context_build(year=2024, quarter=quarter, include_drafts=include_drafts, exported_by="試験")
    workbook_write(ctx=ctx, output=str(tmp_path / "wb.xlsx"))
    ws = load_workbook(tmp_path / "wb.xlsx")["施策"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    return ws, {r[0]: r for r in rows if r[0] and str(r[0]).startswith("施策")}, rows


def test_every_measure_with_its_department_and_approved_statuses(progress, tmp_path):
    ws, by_measure, rows = _rows(tmp_path, quarter=2)
    assert [c.value for c in ws[3]] == [
        "施策",
        "見出し",
        "施策の本文",
        "担当部署",
        "第1四半期",
        "第2四半期",
        "第3四半期",
        "第4四半期",
        "最新の状況",
        "最新の取組状況",
        "根拠資料",
        "承認状況",
    ]
    assert len(by_measure) == 199
    bands = [r[0] for r in rows if not str(r[0]).startswith("施策")]
    assert bands[:2] == [
        "I-1 地域牽引・成長志向の中小企業への支援",
        "I-2 企業の成長段階に応じた新市場開拓支援",
    ]
    assert len(bands) == 13
    one = by_measure["施策1"]
    assert one[3:12] == [
        "経営支援部",
        "予定どおり",
        None,  # submitted, not approved: not counted
        None,
        None,
        "予定どおり",
        "第1四半期の取組",
        "議事録",
        "提出済み 1・承認済み 1",
    ]
    # As of 第2四半期 the 第3四半期's completion is not counted yet.
    assert by_measure["施策3"][4:10] == ["遅れ", None, None, None, "遅れ", "人員不足で遅れた"]
    assert by_measure["施策2"][8] == "未報告" and by_measure["施策2"][11] == "未入力"
    assert by_measure["施策199"][3] == "デジタル推進部"


def test_drafts_count_when_the_export_includes_them(progress, tmp_path):
    _ws, by_measure, _rows_ = _rows(tmp_path, quarter=4, include_drafts=True)
    assert by_measure["施策1"][4:10] == [
        "予定どおり",
        "前倒し",
        None,
        None,
        "前倒し",
        "第2四半期の取組（未承認）",
    ]
    assert by_measure["施策3"][4:10] == ["遅れ", None, "完了", None, "完了", "第3四半期に完了"]


def test_the_sheet_reads_the_same_number_of_rows_whatever_the_entries(fiscal_year, staff_user, manager):
    ctx = export_context_build(year=2024, quarter=4, include_drafts=False, exported_by="試験")

    def queries() -> int:
        wb = Workbook(write_only=True)
        with CaptureQueriesContext(connection) as captured:
            assert write_measures(wb, ctx) == 199
        wb.save(io.BytesIO())  # a write-only sheet's writer must be closed
        return len(captured.captured_queries)

    before = queries()
    for order in (1, 2, 3):
        _entry(
            Measure.objects.get(order=order), fiscal_year, staff_user, 1, "done", "完了", approve_by=manager
        )
    assert queries() == before == 2


def test_the_history_sheet_holds_progress_department_and_self_evaluation_changes(
    fiscal_year, plan, staff_user, manager, tmp_path
):
    from evaluation import self_services
    from evaluation.items import evaluation_item_get
    from measures.models import Department
    from smrj_plan.roles import Role
    from tests.conftest import make_user

    measure = Measure.objects.get(order=3)
    entry = _entry(measure, fiscal_year, staff_user, 1, "delayed", "人員不足")
    services.progress_return(
        entry=entry, user=manager, reason="遅れの理由を具体的に", expected_version=entry.version
    )
    services.measure_department_set(
        measure=Measure.objects.get(order=5),
        department=Department.objects.get(code="jinji"),
        user=manager,
        reason="所管替え",
    )
    writer = make_user("kanri-w", Role.MANAGER)
    self_services.self_evaluation_save(
        fiscal_year=fiscal_year,
        item=evaluation_item_get(plan=plan, code="2"),
        user=writer,
        data={"assessment": "本文", "grade": "B", "grade_reason": "理由"},
        expected_version=0,
    )
    ctx = export_context_build(year=2024, quarter=1, include_drafts=False, exported_by="試験")
    workbook_write(ctx=ctx, output=str(tmp_path / "wb.xlsx"))
    ws = load_workbook(tmp_path / "wb.xlsx")["変更履歴"]
    header = [c.value for c in ws[3]]
    rows = [dict(zip(header, (c.value for c in row), strict=False)) for row in ws.iter_rows(min_row=4)]
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row["区分"], []).append(row)
    progress = by_kind["取組状況"]
    assert {(r["項目"], r["変更前"], r["変更後"]) for r in progress} >= {
        ("状況", None, "遅れ"),
        ("状態", "提出済み", "差戻し"),
        ("差戻し・再開の理由", None, "遅れの理由を具体的に"),
    }
    assert all(r["対象"].startswith("施策3 ") and r["四半期"] == "第1四半期" for r in progress)
    # Only the 管理者's change of 部署, not the 199 defaults load_plan wrote.
    departments = by_kind["担当部署"]
    assert [(r["対象"][:3], r["変更前"], r["変更後"], r["理由"]) for r in departments] == [
        ("施策5", "販路支援部", "人事部", "所管替え")
    ]
    assessments = {(r["項目"], r["変更後"]) for r in by_kind["自己評価"]}
    assert {("自己評価", "本文"), ("評定", "B"), ("状態", "下書き")} <= assessments
    assert by_kind["自己評価"][0]["対象"].startswith("II 業務運営の効率化")
