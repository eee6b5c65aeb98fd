"""Revised plan texts (tests/data/, described in tests/data/README.md) loaded over the FY2024 plan: what is
recorded, value by value, and what stays attached (actuals, executed amounts, target history)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from budgets.models import BudgetCell, BudgetColumn, BudgetExecution, BudgetRow
from indicators import services
from indicators.loaders import DROPPED_NOTE
from indicators.models import Actual, Indicator, TargetRevision
from measures.models import Measure, PlanRevision, Section

DATA = Path(__file__).parent / "data"
SEED = Path(settings.BASE_DIR) / "fixtures" / "seed" / "r6_plan.txt"

pytestmark = pytest.mark.django_db


def load(path, year=2024, **options):
    call_command("load_plan", text=str(path), year=year, verbosity=0, **options)


def latest_revision(year=2024):
    return PlanRevision.objects.filter(plan__fiscal_year__year=year).order_by("-date", "-pk").first()


def history(code, year=2024):
    return [
        (t.effective_date, t.source, t.target, t.target_text)
        for t in TargetRevision.objects.filter(
            indicator__code=code, indicator__plan__fiscal_year__year=year
        ).order_by("effective_date", "pk")
    ]


def budget_row(label, kind="budget", account="ippan"):
    return BudgetRow.objects.get(
        table__fiscal_year__year=2024, table__kind=kind, table__account__code=account, label=label
    )


def budget_cell(row_label, column_filter, kind="budget", account="ippan"):
    row = budget_row(row_label, kind, account)
    return BudgetCell.objects.get(
        row=row, column=BudgetColumn.objects.get(table=row.table, **column_filter)
    ).amount


def test_a_revised_text_is_recorded_as_a_revision_with_its_date_and_note():
    load(DATA / "r6_revised.txt", note="補正予算と目標の見直し")
    revisions = list(PlanRevision.objects.filter(plan__fiscal_year__year=2024).order_by("date"))
    assert [(r.kind, r.date) for r in revisions] == [
        ("adopted", dt.date(2024, 3, 29)),
        ("amended", dt.date(2025, 3, 26)),
        ("amended", dt.date(2025, 3, 31)),
    ]
    revision = revisions[-1]
    assert revision.note == "補正予算と目標の見直し"
    assert revision.source_name == "r6_revised.txt"
    assert revision.loaded_at is not None
    # The earlier revisions are untouched.
    assert revisions[1].changes == {} and revisions[1].note == ""


def test_changed_targets_are_updated_in_place_and_keep_their_history():
    before = {code: Indicator.objects.get(code=code).pk for code in ("1-1", "4-9", "2-1")}
    load(DATA / "r6_revised.txt")
    i11 = Indicator.objects.get(code="1-1")
    i49 = Indicator.objects.get(code="4-9")
    assert (i11.pk, i11.target, i11.target_text) == (before["1-1"], Decimal("1200"), "１，２００社以上")
    assert (i49.pk, i49.target, i49.target_text) == (before["4-9"], Decimal("62000"), "62,000者以上")
    assert history("1-1") == [
        (dt.date(2024, 3, 29), "adopted", Decimal("1000"), "１，０００社以上"),
        (dt.date(2025, 3, 31), "amended", Decimal("1200"), "１，２００社以上"),
    ]
    assert history("4-9") == [
        (dt.date(2024, 3, 29), "adopted", Decimal("60000"), "60,000者以上"),
        (dt.date(2025, 3, 31), "amended", Decimal("62000"), "62,000者以上"),
    ]
    # An unchanged target gets no new entry.
    assert history("2-1") == [(dt.date(2024, 3, 29), "adopted", Decimal("10000"), "10,000件以上")]
    assert TargetRevision.objects.get(indicator=i11, effective_date=dt.date(2025, 3, 31)).plan_revision == (
        latest_revision()
    )


def test_the_indicator_changes_are_recorded_value_by_value():
    load(DATA / "r6_revised.txt")
    changes = {c["code"]: c for c in latest_revision().changes["indicators"]}
    assert set(changes) == {"1-1", "2-3", "4-4", "4-9"}
    assert changes["1-1"]["change"] == "changed" and changes["1-1"]["target_changed"]
    assert changes["1-1"]["fields"] == {
        "目標値": ["1,000", "1,200"],
        "目標の表記": ["１，０００社以上", "１，２００社以上"],
    }
    assert changes["4-9"]["fields"] == {
        "目標値": ["60,000", "62,000"],
        "目標の表記": ["60,000者以上", "62,000者以上"],
    }
    assert changes["4-4"]["reworded"] and not changes["4-4"]["target_changed"]
    assert changes["4-4"]["fields"] == {"指標名": ["拠点への研修受講者数", "よろず支援拠点への研修受講者数"]}
    assert changes["2-3"]["change"] == "added"
    assert changes["2-3"]["new"] == {"name": "海外展開に関する相談件数", "target_text": "2,000件以上"}


def test_a_reworded_indicator_keeps_its_code_and_row_and_a_new_one_is_flagged_for_its_department():
    pk = Indicator.objects.get(code="4-4").pk
    load(DATA / "r6_revised.txt")
    reworded = Indicator.objects.get(code="4-4")
    assert (reworded.pk, reworded.name, reworded.target) == (
        pk,
        "よろず支援拠点への研修受講者数",
        Decimal("800"),
    )
    new = Indicator.objects.get(code="2-3")
    assert (new.kind, new.target, new.unit, new.comparison) == ("count", Decimal("2000"), "件", "gte")
    assert (new.section.chapter.number, new.section.number) == (1, 2)
    assert new.needs_review and "担当部署" in new.review_note
    assert new.department.code == "hanro-shien"  # provisionally the pillar's other indicators' department
    # Orders follow the new plan: 2-3 right after 2-2, before 3-1.
    orders = dict(Indicator.objects.values_list("code", "order"))
    assert orders["2-2"] < orders["2-3"] < orders["3-1"]
    assert Indicator.objects.count() == 29
    assert Indicator.objects.filter(needs_review=True).count() == 1


def test_measures_added_removed_and_reworded_are_recorded_and_applied():
    load(DATA / "r6_revised.txt")
    changes = latest_revision().changes["measures"]
    assert [(c["change"], c["place"]) for c in changes] == [
        ("added", "I-2 (1)"),
        ("reworded", "I-3 (1)"),
        ("removed", "II-6"),
    ]
    added, reworded, removed = changes
    assert added["new"] == "海外展開の成功事例を取りまとめ、Webで発信する。" and added["old"] is None
    assert reworded["old"] == "当該制度の活用を図るため、金融機関を中心に周知を行う。"
    assert reworded["new"] == "当該制度の活用を図るため、金融機関や支援機関等を中心に周知を行う。"
    assert removed["old"] == "また、入札・契約の適正な実施については、監事等による監査を受けるものとする。"
    assert latest_revision().changes["structure"] == []

    assert Measure.objects.filter(plan__fiscal_year__year=2024).count() == 199  # one added, one removed
    assert Measure.objects.filter(
        text="海外展開の成功事例を取りまとめ、Webで発信する。", section__number=2
    ).exists()
    assert not Measure.objects.filter(text__startswith="また、入札・契約の適正な実施").exists()
    assert Measure.objects.filter(text__contains="金融機関や支援機関等を中心に周知").count() == 1
    # Indicator links follow their measures' text, not their position.
    linked = list(Indicator.objects.get(code="2-2").measures.values_list("text", flat=True))
    assert len(linked) == 3 and any("新価値創造展" in t for t in linked)
    assert list(Indicator.objects.get(code="R2-6-1").measures.values_list("text", flat=True))[0].startswith(
        "令和6年度調達等合理化計画に基づき"
    )


def test_changed_budget_cells_are_recorded_and_stored():
    load(DATA / "r6_revised.txt")
    cells = latest_revision().changes["budget_cells"]
    changed = [(c["row"], c["column"], c["old"], c["new"]) for c in cells if c["old"] is not None]
    assert changed == [
        ("収入 / 運営費交付金", "地域牽引・成長志向企業支援業務（一般経理）", "102,976", "103,976"),
        ("収入 / 運営費交付金", "合計", "360,925", "361,925"),
        ("収入 / 計", "地域牽引・成長志向企業支援業務（一般経理）", "103,088", "104,088"),
        ("収入 / 計", "合計", "415,095", "416,095"),
    ]
    added = [(c["row"], c["new"]) for c in cells if c["old"] is None]
    assert len(added) == 11 and set(added) == {("収入 / 寄附金収入", "-")}
    assert all(c["table"] == "予算計画（一般勘定）" for c in cells)

    segment = {"segment": "地域牽引・成長志向企業支援業務", "ledger": "一般経理"}
    assert budget_cell("運営費交付金", segment) == Decimal("103976")
    assert budget_cell("運営費交付金", {"role": "grand_total"}) == Decimal("361925")
    assert budget_cell("寄附金収入", segment) is None  # published 「-」
    assert BudgetCell.objects.filter(row__table__fiscal_year__year=2024).count() == 1276 + 11


def test_actuals_and_executed_amounts_stay_attached(staff_user, fiscal_year):
    indicator = Indicator.objects.get(code="1-1")
    actual = services.actual_save(
        indicator=indicator,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("250")},
        expected_version=0,
    )
    other_income = budget_row("その他収入")
    column = BudgetColumn.objects.get(table=other_income.table, segment="共通", ledger="一般経理")
    execution = BudgetExecution.objects.create(
        row=other_income, column=column, quarter=1, amount=Decimal("12.5"), updated_by=staff_user
    )
    load(DATA / "r6_revised.txt")
    actual.refresh_from_db()
    execution.refresh_from_db()
    assert actual.indicator_id == indicator.pk and actual.value == Decimal("250.00")
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal("1200")
    # A row was inserted above その他収入: the amount entered against it stays on it.
    assert execution.row.label == "その他収入" and execution.row.pk == other_income.pk
    assert execution.row.order == other_income.order + 1
    assert BudgetRow.objects.get(pk=other_income.pk).table_id == other_income.table_id


def test_full_and_half_width_digits_read_as_the_same_targets_and_amounts():
    load(DATA / "r6_widths.txt", date="2025-03-31")
    revision = latest_revision()
    assert revision.date == dt.date(2025, 3, 31)
    changes = revision.changes
    assert {c["code"]: c["fields"] for c in changes["indicators"]} == {
        "1-1": {"目標の表記": ["１，０００社以上", "1,000社以上"]},
        "1-3": {"目標の表記": ["70%以上", "７０％以上"]},
        "2-1": {"目標の表記": ["10,000件以上", "１０，０００件以上"]},
        "3-1": {"目標の表記": ["14本以上", "１４本以上"]},
    }
    assert changes["measures"] == [] and changes["structure"] == [] and changes["budget_cells"] == []
    values = dict(Indicator.objects.values_list("code", "target"))
    assert (values["1-1"], values["1-3"], values["2-1"], values["3-1"]) == (
        Decimal("1000"),
        Decimal("70"),
        Decimal("10000"),
        Decimal("14"),
    )
    assert Indicator.objects.get(code="1-3").unit == "%"
    assert Section.objects.get(chapter__plan__fiscal_year__year=2024, chapter__number=1, number=2).title == (
        "企業の成長段階に応じた新市場開拓支援"
    )
    assert budget_cell("政府出資金", {"segment": "スタートアップ創出・成長支援業務"}) == Decimal("3000")


def test_a_revision_without_a_new_date_needs_one_and_writes_nothing(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("：１，０００社以上", "：１，５００社以上")
    path = tmp_path / "edited.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="--date"):
        load(path)
    assert Indicator.objects.get(code="1-1").target == Decimal("1000")
    assert PlanRevision.objects.count() == 2
    load(path, date="2025-02-01", note="目標の上方修正")
    revision = latest_revision()
    assert (revision.date, revision.kind, revision.note) == (dt.date(2025, 3, 26), "amended", "")
    revision = PlanRevision.objects.get(date=dt.date(2025, 2, 1))
    assert revision.note == "目標の上方修正"
    assert [c["code"] for c in revision.changes["indicators"]] == ["1-1"]
    # The same text again changes nothing and records nothing.
    load(path)
    assert PlanRevision.objects.count() == 3
    with pytest.raises(CommandError, match="既に記録されています"):
        load(SEED, date="2025-02-01")


def test_dry_run_of_a_revision_lists_the_changes_and_writes_nothing(capsys):
    call_command("load_plan", text=str(DATA / "r6_revised.txt"), year=2024, dry_run=True)
    out = capsys.readouterr().out
    assert "この年度の計画は読み込み済みです: 改訂として読み込みます。" in out
    assert "■ 変更点（22件）" in out  # 4 indicators, 3 measures, 15 budget cells
    assert (
        "指標 目標の変更 1-1 ハンズオン支援における事前ヒアリングや調査を実施した事業者数（ハンズオン支援に至らない事業者も含む） 目標値: 1,000 → 1,200"
        in out
    )
    assert "指標 追加 2-3 海外展開に関する相談件数 目標の表記: — → 2,000件以上" in out
    assert (
        "施策 削除 II-6: また、入札・契約の適正な実施については、監事等による監査を受けるものとする。 → —"
        in out
    )
    assert "予算表 金額の変更 予算計画（一般勘定） 収入 / 計 × 合計: 415,095 → 416,095" in out
    assert (
        "2-3      海外展開に関する相談件数：2,000件以上 → 件数等（四半期合計）、2,000件、以上  【要確認】"
        in out
    )
    assert Indicator.objects.get(code="1-1").target == Decimal("1000")
    assert not Indicator.objects.filter(code="2-3").exists()
    assert PlanRevision.objects.count() == 2


def test_an_indicator_the_revision_drops_is_kept_when_it_has_actuals_and_deleted_otherwise(
    tmp_path, staff_user, fiscal_year
):
    services.actual_save(
        indicator=Indicator.objects.get(code="1-3"),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"numerator": Decimal("7"), "denominator": Decimal("10")},
        expected_version=0,
    )
    text = SEED.read_text(encoding="utf-8")
    for line in (
        "- ・経営アドバイス等の相談・助言利用者の「役立ち度」が5段階評価において上位2段階の評価を得る割合：70%以上\n",
        "- ・研修受講による業務への貢献数：2,340件以上\n",
    ):
        assert line in text
        text = text.replace(line, "")
    path = tmp_path / "dropped.txt"
    path.write_text(text, encoding="utf-8")
    load(path, date="2025-03-30")
    kept = Indicator.objects.get(code="1-3")
    assert kept.needs_review and kept.review_note == DROPPED_NOTE
    assert Actual.objects.filter(indicator=kept).count() == 1
    assert not Indicator.objects.filter(code="5-4").exists()
    removed = {c["code"]: c for c in latest_revision().changes["indicators"] if c["change"] == "removed"}
    assert set(removed) == {"1-3", "5-4"}
    assert removed["5-4"]["old"] == {"name": "研修受講による業務への貢献数", "target_text": "2,340件以上"}


def test_the_revision_page_shows_before_and_after_side_by_side(manager_client, staff_client):
    load(DATA / "r6_revised.txt", note="補正予算の反映")
    revision = latest_revision()
    html = staff_client.get(reverse("measures:revision", args=[revision.pk])).content.decode()
    assert "令和7年3月31日変更" in html and "補正予算の反映" in html
    assert '<td class="before">１，０００社以上</td>' in html
    assert '<td class="after">１，２００社以上</td>' in html
    assert '<td class="before">拠点への研修受講者数</td>' in html
    assert '<td class="num before">102,976</td>' in html and '<td class="num after">103,976</td>' in html
    assert "海外展開の成功事例を取りまとめ、Webで発信する。" in html
    assert "指標 4件" in html and "施策 3件" in html and "予算表 15件" in html
    previous = PlanRevision.objects.get(date=dt.date(2025, 3, 26))
    assert f'href="/plan/revisions/{previous.pk}/"' in html

    listing = manager_client.get(reverse("measures:revisions"), {"year": "2024"}).content.decode()
    assert listing.count('href="/plan/revisions/') == 3
    assert "補正予算の反映" in listing and "15件" in listing
    adopted = PlanRevision.objects.get(kind="adopted")
    first = staff_client.get(reverse("measures:revision", args=[adopted.pk])).content.decode()
    assert "策定時の計画です（比べる前の版はありません）。" in first


def test_revision_pages_query_count_does_not_grow_with_the_changes(
    staff_client, django_assert_max_num_queries
):
    load(DATA / "r6_revised.txt")
    revision = latest_revision()
    with django_assert_max_num_queries(6):
        staff_client.get(reverse("measures:revision", args=[revision.pk]))
    with django_assert_max_num_queries(6):
        staff_client.get(reverse("measures:revisions"))
    assert staff_client.get(reverse("measures:revision", args=[999999])).status_code == 404
    assert staff_client.get(reverse("measures:revisions"), {"year": "2031"}).status_code == 404


def test_the_workbook_lists_each_revision_and_each_target_set_by_a_manager(manager):
    import io

    from openpyxl import load_workbook

    from indicators.target_services import indicator_target_set
    from reports.workbook import export_context_build, workbook_write

    load(DATA / "r6_revised.txt", note="補正予算の反映")
    indicator_target_set(
        indicator=Indicator.objects.get(code="2-3"),
        user=manager,
        kind="count",
        target=Decimal("2000"),
        unit="件",
        comparison="gte",
        benchmark_multiplier=None,
        target_text="",
        reason="担当部署と目標を確認",
    )
    buffer = io.BytesIO()
    workbook_write(
        ctx=export_context_build(year=2024, quarter=1, include_drafts=False, exported_by="t"), output=buffer
    )
    buffer.seek(0)
    ws = load_workbook(buffer)["計画の改訂"]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=4)]
    assert rows[0][:5] == ("令和6年3月29日策定", "2024/03/29", None, None, "策定（比べる前の版なし）")
    assert rows[1][:5] == ("令和7年3月26日変更", "2025/03/26", None, None, "変更点の記録なし")
    target = next(r for r in rows if r[4].startswith("1-1 ") and r[5] == "目標値")
    assert target == (
        "令和7年3月31日変更",
        "2025/03/31",
        "指標",
        "目標の変更",
        "1-1 ハンズオン支援における事前ヒアリングや調査を実施した事業者数（ハンズオン支援に至らない事業者も含む）",
        "目標値",
        "1,000",
        "1,200",
        "補正予算の反映",
    )
    cell = next(r for r in rows if r[2] == "予算表" and r[4].endswith("運営費交付金 × 合計"))
    assert (cell[3], cell[6], cell[7]) == ("金額の変更", "360,925", "361,925")
    manager_row = rows[-1]
    assert manager_row[:8] == (
        "管理者が設定",
        manager_row[1],
        "指標",
        "目標の設定",
        "2-3 海外展開に関する相談件数",
        "目標の表記",
        "2,000件以上",
        "2,000件以上",
    )
    assert manager_row[8] == "担当部署と目標を確認（kanri）"
    # Two revisions without changes, 6 indicator fields (1-1 and 4-9 two each), 3 measures, 15 cells, 1 set.
    assert len(rows) == 2 + 6 + 3 + 15 + 1
