"""`start_year 2025 --from 2024`: a new year opened without its text, then its targets set and its text loaded."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budgets.models import BudgetCell
from indicators.models import Indicator, TargetRevision
from indicators.target_services import indicator_target_set
from measures.models import Chapter, Heading, Measure, PlanDocument, PlanRevision, Section

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.django_db


def of(year):
    return {"plan__fiscal_year__year": year}


@pytest.fixture
def opened():
    call_command("start_year", "2025", "--from", "2024", verbosity=0)
    return PlanDocument.objects.get(fiscal_year__year=2025)


def test_the_structure_is_copied(opened):
    assert opened.title == "令和7年度計画" and opened.organization == "独立行政法人中小企業基盤整備機構"
    assert Chapter.objects.filter(plan=opened).count() == 10
    assert Section.objects.filter(chapter__plan=opened).count() == 27
    assert Measure.objects.filter(plan=opened).count() == 199
    headings = Heading.objects.filter(
        section__chapter__plan=opened, section__chapter__number=1, section__number=4
    )
    assert [(h.label, h.parent.label if h.parent else None) for h in headings.order_by("order")][:3] == [
        ("(1)", None),
        ("①", "(1)"),
        ("②", "(1)"),
    ]
    assert all(
        h.section.chapter.plan_id == opened.pk for h in Heading.objects.filter(section__chapter__plan=opened)
    )
    assert not PlanRevision.objects.filter(plan=opened).exists()
    # FY2024 is untouched.
    assert Measure.objects.filter(**of(2024)).count() == 199


def test_indicators_keep_their_codes_departments_and_links_with_empty_targets(opened):
    old = {i.code: i for i in Indicator.objects.filter(**of(2024)).select_related("department")}
    new = {i.code: i for i in Indicator.objects.filter(plan=opened).select_related("department", "parent")}
    assert set(new) == set(old) and len(new) == 28
    for code, indicator in new.items():
        assert indicator.department_id == old[code].department_id, code
        assert (indicator.kind, indicator.unit, indicator.order) == (
            old[code].kind,
            old[code].unit,
            old[code].order,
        )
        assert (
            indicator.target is None
            and indicator.target_text == ""
            and indicator.benchmark_multiplier is None
        )
        assert sorted(indicator.measures.values_list("text", flat=True)) == sorted(
            old[code].measures.values_list("text", flat=True)
        ), code
        assert all(m.plan_id == opened.pk for m in indicator.measures.all())
    assert new["3-1-1"].parent == new["3-1"] and new["3-2-1"].parent == new["3-2"]
    flagged = {code for code, i in new.items() if i.needs_review}
    assert len(flagged) == 24 and "1-2" in flagged and "R1-5-1" not in flagged
    assert new["1-1"].review_note == "令和6年度から複製した指標です。目標値を設定してください。"
    assert Indicator.objects.get(code="1-1", **of(2024)).target == Decimal("1000")
    opening = TargetRevision.objects.get(indicator=new["1-1"])
    assert (opening.source, opening.effective_date, opening.target) == ("opened", dt.date(2025, 4, 1), None)


def test_it_refuses_a_year_that_exists_a_missing_source_and_years_outside_the_period(opened):
    with pytest.raises(CommandError, match="既にあります"):
        call_command("start_year", "2025", "--from", "2024", verbosity=0)
    with pytest.raises(CommandError, match="令和5年度（2023年度）の計画がありません"):
        call_command("start_year", "2026", "--from", "2023", verbosity=0)
    with pytest.raises(CommandError, match="第5期中期目標期間"):
        call_command("start_year", "2029", "--from", "2024", verbosity=0)
    with pytest.raises(CommandError, match="前の年度"):
        call_command("start_year", "2024", "--from", "2025", verbosity=0)
    assert PlanDocument.objects.count() == 2


def test_a_manager_sets_the_targets_then_the_published_text_takes_over(opened, manager):
    indicator = Indicator.objects.get(code="1-1", plan=opened)
    indicator_target_set(
        indicator=indicator,
        user=manager,
        kind="count",
        target=Decimal("1050"),
        unit="社",
        comparison="gte",
        benchmark_multiplier=None,
        target_text="",
        reason="本文の公表までの暫定値",
    )
    indicator.refresh_from_db()
    assert (indicator.target, indicator.target_text, indicator.needs_review) == (
        Decimal("1050"),
        "1,050社以上",
        False,
    )

    call_command("load_plan", text=str(DATA / "r7_plan.txt"), year=2025, verbosity=0)
    indicator.refresh_from_db()
    assert (indicator.target, indicator.target_text) == (Decimal("1100"), "１，１００社以上")
    sources = [
        t.source for t in TargetRevision.objects.filter(indicator=indicator).order_by("effective_date", "pk")
    ]
    assert sources == ["opened", "manager", "adopted"]
    revision = PlanRevision.objects.get(plan=opened)
    assert (revision.kind, revision.date) == ("adopted", dt.date(2025, 3, 28))
    change = next(c for c in revision.changes["indicators"] if c["code"] == "1-1")
    assert change["fields"]["目標値"] == ["1,050", "1,100"]
    tables = {c["table"] for c in revision.changes["budget_cells"]}
    assert len(tables) == 18 and "予算計画（一般勘定）" in tables
    assert BudgetCell.objects.filter(row__table__fiscal_year__year=2025).count() == 1276


def test_the_next_years_text_matches_indicators_by_wording_not_position():
    call_command("load_plan", text=str(DATA / "r7_plan.txt"), year=2025, verbosity=0)
    plan = PlanDocument.objects.get(fiscal_year__year=2025)
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan).select_related("department")}
    assert len(indicators) == 29
    # The new indicator printed first in pillar 4 gets the next free code; the others keep theirs.
    assert indicators["4-11"].name == "事業承継・引継ぎ支援センターの相談社数"
    assert indicators["4-11"].target == Decimal("25000") and indicators["4-11"].needs_review
    assert indicators["4-1"].name == "支援機関等の支援する者への支援件数"
    assert indicators["4-1"].department.code == "shien-kikan"
    assert indicators["4-11"].order < indicators["4-1"].order
    # A target that cannot be read is stored for review, not guessed.
    unreadable = indicators["5-4"]
    assert (unreadable.name, unreadable.target, unreadable.target_text) == (
        "研修受講による業務への貢献数",
        None,
        "前年度実績を上回る",
    )
    assert unreadable.needs_review and "目標の形式を読み取れませんでした" in unreadable.review_note
    assert indicators["1-1"].target == Decimal("1100")
    assert PlanRevision.objects.get(plan=plan).changes == {}
    assert Indicator.objects.filter(**of(2024)).count() == 28
