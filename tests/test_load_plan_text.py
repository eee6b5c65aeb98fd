"""`load_plan --text`: the FY2024 seed read straight from its text gives exactly the rows the fixtures give.

Every row of the plan's tables is compared by its natural keys (not by primary key, which a fresh load
renumbers): plan, revisions, chapters, sections, headings, measures, departments, indicators with their
departments, parents and linked measures, target history, accounts, budget tables, columns, rows and cells.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from budgets.models import Account, BudgetCell, BudgetColumn, BudgetRow, BudgetTable
from indicators.models import Indicator, TargetRevision
from measures.models import (
    Chapter,
    Department,
    FiscalYear,
    Heading,
    Measure,
    PlanDocument,
    PlanRevision,
    Section,
)

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed" / "r6_plan.txt"

pytestmark = pytest.mark.django_db


def _table_key(t):
    return (t.fiscal_year.year, t.account.code, t.kind)


def plan_rows() -> dict[str, list]:
    """Every row of the plan's tables, keyed by what it is rather than by its id."""
    return {
        "plans": sorted(
            (p.fiscal_year.year, p.title, p.organization, p.preamble)
            for p in PlanDocument.objects.select_related("fiscal_year")
        ),
        "revisions": sorted(
            (r.plan.fiscal_year.year, r.kind, r.date)
            for r in PlanRevision.objects.select_related("plan__fiscal_year")
        ),
        "chapters": sorted((c.number, c.numeral, c.title, c.intro) for c in Chapter.objects.all()),
        "sections": sorted(
            (s.chapter.number, s.number, s.title, s.intro) for s in Section.objects.select_related("chapter")
        ),
        "headings": sorted(
            (
                h.section.chapter.number,
                h.section.number,
                h.order,
                h.parent.order if h.parent_id else None,
                h.label,
                h.title,
                h.intro,
            )
            for h in Heading.objects.select_related("section__chapter", "parent")
        ),
        "measures": sorted(
            (
                m.order,
                m.chapter.number,
                m.section.number if m.section_id else None,
                (m.heading.section.number, m.heading.order) if m.heading_id else None,
                m.text,
                m.is_sub_item,
                m.source_line,
            )
            for m in Measure.objects.select_related("chapter", "section", "heading__section")
        ),
        "departments": sorted(Department.objects.values_list("code", "name", "order")),
        "indicators": sorted(
            (
                i.code,
                i.order,
                (i.section.chapter.number, i.section.number),
                i.parent.code if i.parent_id else None,
                i.category,
                i.kind,
                i.name,
                i.text,
                i.target,
                i.target_text,
                i.unit,
                i.comparison,
                i.direction,
                i.benchmark_multiplier,
                i.is_effort_target,
                i.frequency,
                i.department.code,
                i.note,
                i.needs_review,
                i.review_note,
                tuple(sorted(m.order for m in i.measures.all())),
            )
            for i in Indicator.objects.select_related(
                "section__chapter", "parent", "department"
            ).prefetch_related("measures")
        ),
        "target_revisions": sorted(
            (
                t.indicator.code,
                t.effective_date,
                t.source,
                t.plan_revision.kind if t.plan_revision_id else None,
                t.kind,
                t.target,
                t.target_text,
                t.unit,
                t.comparison,
                t.benchmark_multiplier,
            )
            for t in TargetRevision.objects.select_related("indicator", "plan_revision")
        ),
        "accounts": sorted(Account.objects.values_list("code", "name", "order")),
        "tables": sorted(
            (*_table_key(t), t.unit, t.note, repr(t.header), t.source_line)
            for t in BudgetTable.objects.select_related("fiscal_year", "account")
        ),
        "columns": sorted(
            (
                *_table_key(c.table),
                c.order,
                c.segment,
                c.ledger,
                c.role,
                c.department.code if c.department_id else None,
            )
            for c in BudgetColumn.objects.select_related("table__fiscal_year", "table__account", "department")
        ),
        "rows": sorted(
            (
                *_table_key(r.table),
                r.order,
                r.label,
                r.level,
                r.role,
                r.parent.order if r.parent_id else None,
                repr(r.parts),
            )
            for r in BudgetRow.objects.select_related("table__fiscal_year", "table__account", "parent")
        ),
        "cells": sorted(
            (*_table_key(c.row.table), c.row.order, c.column.order, c.amount)
            for c in BudgetCell.objects.select_related(
                "row__table__fiscal_year", "row__table__account", "column"
            )
        ),
    }


def wipe_plan_data():
    """An empty database as far as the plan goes (the test's transaction is rolled back afterwards)."""
    BudgetTable.objects.all().delete()
    Account.objects.all().delete()
    Indicator.objects.filter(parent__isnull=False).delete()
    Indicator.objects.all().delete()
    PlanDocument.objects.all().delete()
    FiscalYear.objects.all().delete()
    Department.objects.all().delete()


def test_the_seed_text_gives_every_row_the_fixtures_give():
    from_fixtures = plan_rows()
    wipe_plan_data()
    assert Measure.objects.count() == 0 and BudgetCell.objects.count() == 0

    call_command("load_plan", text=str(SEED), year=2024, verbosity=0)

    from_text = plan_rows()
    for name, rows in from_fixtures.items():
        assert from_text[name] == rows, name
    # The figures the README states, so that two empty loads cannot pass as equal.
    assert len(from_text["measures"]) == 199
    assert len(from_text["indicators"]) == 28
    assert len(from_text["cells"]) == 1276
    assert len(from_text["target_revisions"]) == 28
    assert Indicator.objects.get(code="1-1").department.code == "keiei-shien"
    assert Indicator.objects.get(code="R2-4-1").unit == "件"


def test_loading_the_seed_text_over_the_fixtures_changes_nothing_and_records_no_revision(capsys):
    before = plan_rows()
    revisions = PlanRevision.objects.count()
    call_command("load_plan", text=str(SEED), year=2024)
    assert "変更はありません" in capsys.readouterr().out
    assert plan_rows() == before
    assert PlanRevision.objects.count() == revisions == 2


def test_dry_run_reports_counts_targets_totals_and_writes_nothing(capsys):
    wipe_plan_data()
    call_command("load_plan", text=str(SEED), year=2024, dry_run=True)
    out = capsys.readouterr().out
    assert PlanDocument.objects.count() == 0 and Indicator.objects.count() == 0
    assert BudgetCell.objects.count() == 0
    assert (
        "I. 国民に対して提供するサービスその他の業務の質の向上に関する目: 項目 5、見出し 21、施策 92、指標 24、参考指標 1"
        in out
    )
    assert "X. その他業務運営に関する重要事項: 項目 4、見出し 0、施策 18、指標 0、参考指標 1" in out
    assert "  計: 施策 199、指標 28" in out
    assert "■ 指標と目標（28件、要確認 0件）" in out
    assert (
        "1-1      ハンズオン支援における事前ヒアリングや調査を実施した事業者数（ハンズオン支援に至らない事業者も含む）：１，０００社以上 → 件数等（四半期合計）、1,000社、以上"
        in out
    )
    assert "4-10     連携事業継続力強化計画支援件数：300件 → 目標値（以上なし）、300件、目標値" in out
    assert (
        "3-2-1    中小企業支援ファンド（バイアウト型）によるスタートアップ・中小企業等への投資件数：32社以上 → 件数等（四半期合計）、32社、以上、努力目標"
        in out
    )
    assert (
        "1-2      支援の派遣開始から２年経過後の「売上高」または「付加価値額」※の伸び率：中小企業実態基本調査のデータの２割以上、上回る → 基準比（実態調査比）、基準の1.2倍、以上"
        in out
    )
    assert "予算計画（一般勘定）: 収入 計 415,095、支出 計 1,281,273（端数差異 11件、不一致 0件）" in out
    assert "合計の突合: 端数差異 103件、不一致 0件" in out
    assert (
        "[端数差異] 予算計画（一般勘定） 計 × 経営環境変化対応支援業務（合計）（行の合計）: 公表 1,119,085、"
        "内訳の和 1,119,083、差 2" in out
    )
    assert "■ 読み取れなかった行（0行）" in out
    assert "--dry-run: 何も書き込んでいません。" in out


def test_a_text_for_another_year_is_refused_before_anything_is_written():
    before = plan_rows()
    with pytest.raises(CommandError, match="令和6年度（2024年度）の計画です（--year 2025 と食い違います）"):
        call_command("load_plan", text=str(SEED), year=2025, verbosity=0)
    assert plan_rows() == before


def test_a_year_outside_the_mid_term_period_is_refused(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("令和6年度計画", "令和11年度計画", 1)
    path = tmp_path / "r11.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="第5期中期目標期間"):
        call_command("load_plan", text=str(path), year=2029, verbosity=0)
    assert not PlanDocument.objects.filter(fiscal_year__year=2029).exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe\x00I", "UTF-8"),
        ("令和6年度計画\n令和6年3月29日策定\n独立行政法人\nI. 章\n- ・施策。\n".encode(), "「以上」"),
        (b"", "本文がありません"),
    ],
)
def test_unreadable_texts_get_a_japanese_message(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("load_plan", text=str(path), year=2024, verbosity=0)


def test_text_options_need_each_other():
    with pytest.raises(CommandError, match="--year"):
        call_command("load_plan", text=str(SEED), verbosity=0)
    with pytest.raises(CommandError, match="--text"):
        call_command("load_plan", year=2024, verbosity=0)
    with pytest.raises(CommandError, match="開けません"):
        call_command("load_plan", text="/nonexistent/plan.txt", year=2024, verbosity=0)


def test_values_too_long_or_too_large_for_their_columns_are_refused_with_their_place(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("：１，０００社以上", "：１２３４５６７８９０１２３４社以上")
    text = text.replace("- ・拠点への研修受講者数：800人以上", "- ・" + "長" * 301 + "：800人以上")
    text = text.replace("運営費交付金\t102,976", "運営費交付金\t102,976,000,000,000,000")
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    before = plan_rows()
    with pytest.raises(CommandError) as info:
        call_command("load_plan", text=str(path), year=2024, date="2025-03-31", verbosity=0)
    message = str(info.value)
    assert "36行目の指標: 目標値「12345678901234」は桁数が多すぎます（整数12桁・小数2桁まで）。" in message
    assert "175行目の指標: 指標名が300文字を超えています（301文字）。" in message
    assert "495行目の表「運営費交付金」: 金額（百万円）「102976000000000000」は桁数が多すぎます" in message
    assert plan_rows() == before


def test_the_work_is_bounded_before_it_is_done(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    many = text.replace(
        "- ・当該制度の活用を図るため、金融機関を中心に周知を行う。\n", "- ・周知を行う。\n" * 3001
    )
    path = tmp_path / "many.txt"
    path.write_text(many, encoding="utf-8")
    with pytest.raises(CommandError, match="施策が多すぎます（3,199件、上限3,000件）"):
        call_command("load_plan", text=str(path), year=2024, dry_run=True, verbosity=0)

    long_item = text.replace("- ・拠点への研修受講者数：800人以上", "- ・" + "研修" * 600 + "：800人以上")
    path.write_text(long_item, encoding="utf-8")
    from indicators.target_text import classify_target
    from measures.seed_parser import read_plan_text

    item = next(i for i in read_plan_text(long_item).indicators if i.text.startswith("研修研修"))
    spec = classify_target(item.text)
    assert spec.needs_review and spec.target is None
    assert spec.review_note == "指標の文が長すぎます（1,207文字）。本文を確認してください。"

    too_big = tmp_path / "big.txt"
    too_big.write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    with pytest.raises(CommandError, match="計画本文が大きすぎます"):
        call_command("load_plan", text=str(too_big), year=2024, verbosity=0)
