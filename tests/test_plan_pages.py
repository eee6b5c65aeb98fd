"""Plan overview, chapter pages, indicator list and detail: login required, real figures, constant queries."""

import re

import pytest
from django.urls import reverse

from indicators.models import Indicator
from measures.models import Chapter

pytestmark = pytest.mark.django_db


def _page_urls():
    urls = [reverse("measures:overview"), reverse("indicators:list")]
    urls += [reverse("measures:chapter", args=[n]) for n in range(1, 11)]
    urls += [reverse("indicators:detail", args=[pk]) for pk in Indicator.objects.values_list("pk", flat=True)]
    return urls


def test_it_sends_anonymous_visitors_of_every_plan_page_to_the_login_page(client):
    urls = _page_urls()
    assert len(urls) == 2 + 10 + 28
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next="), url


def test_every_plan_page_opens_for_each_role(staff_client, manager_client, auditor_client, sysadmin_client):
    for client in (staff_client, manager_client, auditor_client, sysadmin_client):
        for url in _page_urls():
            assert client.get(url).status_code == 200, url


def test_overview_shows_plan_dates_fiscal_year_and_pillar_targets(staff_client):
    html = staff_client.get(reverse("measures:overview")).content.decode()
    assert "独立行政法人中小企業基盤整備機構 令和6年度計画" in html
    assert "令和6年3月29日策定" in html
    assert "令和7年3月26日変更" in html
    assert "令和6年度（2024年度）" in html
    assert "60,000者以上" in html
    # The targets' column shows the normalised value; the published 「１，０００社以上」 stays on the detail page.
    assert "1,000社以上" in html and "１，０００社以上" not in html
    assert "92,800人日以上" in html
    assert "期間: 令和6年4月1日〜令和7年3月31日（2024年4月1日〜2025年3月31日）" in html
    assert "連携事業継続力強化計画支援件数" in html and "300件" in html
    # The effort sub-target sits under its parent in pillar 3.
    assert "（3-1のうち）" in html
    for title in [
        "柱1 地域牽引・成長志向の中小企業への支援",
        "柱2 企業の成長段階に応じた新市場開拓支援",
        "柱3 スタートアップの創出・成長への支援",
        "柱4 事業継続・経営体力強化への支援",
        "柱5 経営環境変化対応への支援",
    ]:
        assert title in html
    assert "施策 <strong>199</strong>件" in html
    assert "指標 <strong>24</strong>件・参考指標 <strong>4</strong>件" in html


def test_overview_lists_every_measure_of_all_ten_chapters(staff_client):
    html = staff_client.get(reverse("measures:overview")).content.decode()
    assert len(re.findall(r'<li id="measure-\d+"', html)) == 199
    for chapter in Chapter.objects.all():
        assert f'id="chapter-{chapter.number}"' in html
    # Wrapped source lines are shown joined back.
    assert "ベンチャーキャピタルの裾野の拡大と多様化を促進するため" in html
    # Chapter VIII's paragraph before its bullets, and the preamble.
    assert "各勘定に剰余金が発生した時には、後年度負担に配慮しつつ" in html
    assert "以上を踏まえ、令和６年度計画を以下の通り定める。" in html


def test_chapter_page_shows_one_chapter_only(staff_client):
    html = staff_client.get(reverse("measures:chapter", args=[8])).content.decode()
    assert "剰余金の使途" in html
    assert len(re.findall(r'<li id="measure-\d+"', html)) == 7
    assert "職員の資質向上のための研修等" in html
    assert "60,000者以上" not in html


def test_chapter_page_of_a_chapter_the_plan_lacks_is_404(staff_client):
    assert staff_client.get(reverse("measures:chapter", args=[11])).status_code == 404


def test_indicator_list_shows_all_28_with_targets(staff_client):
    response = staff_client.get(reverse("indicators:list"))
    html = response.content.decode()
    assert len(response.context["table"].rows) == 28
    assert "1,000社以上" in html and "１，０００社以上" not in html
    assert "60,000者以上" in html
    assert "2,000機関以上" in html


def test_indicator_list_filters_by_pillar_department_and_category(staff_client, department):
    pillar3 = Indicator.objects.get(code="3-1").section
    response = staff_client.get(reverse("indicators:list"), {"section": pillar3.pk})
    assert [r.record.code for r in response.context["table"].rows] == ["3-1", "3-1-1", "3-2", "3-2-1", "3-3"]

    response = staff_client.get(reverse("indicators:list"), {"department": department.pk})
    assert [r.record.code for r in response.context["table"].rows] == ["1-1", "1-2", "1-3"]

    response = staff_client.get(reverse("indicators:list"), {"category": "reference"})
    assert [r.record.code for r in response.context["table"].rows] == [
        "R1-5-1",
        "R2-4-1",
        "R2-6-1",
        "R10-2-1",
    ]


def test_indicator_list_sorts_by_target(staff_client):
    response = staff_client.get(reverse("indicators:list"), {"category": "main", "sort": "-target_text"})
    codes = [r.record.code for r in response.context["table"].rows]
    # 92,800人日 is the largest target, then 60,000者.
    assert codes[:2] == ["5-3", "4-9"]


def test_indicator_list_ignores_nonsense_filter_values(staff_client):
    response = staff_client.get(
        reverse("indicators:list"), {"section": "abc", "department": "-1", "sort": "x"}
    )
    assert response.status_code == 200
    assert len(response.context["table"].rows) == 28


def test_indicator_detail_shows_the_published_target_and_links(staff_client):
    indicator = Indicator.objects.get(code="3-1")
    html = staff_client.get(reverse("indicators:detail", args=[indicator.pk])).content.decode()
    assert "各ファンド（再生ファンドを除く）への出資件数を14本以上" in html
    assert "14本以上" in html
    assert "3-1-1" in html and "4本以上" in html and "努力目標" in html
    assert "内外のベンチャーキャピタルが運営するファンドに出資する" in html  # a linked measure
    assert "ファンド出資部" in html or indicator.department.name in html

    sub = Indicator.objects.get(code="3-1-1")
    html = staff_client.get(reverse("indicators:detail", args=[sub.pk])).content.decode()
    assert "親指標" in html and "14本以上" in html


def test_indicator_detail_of_benchmark_kind_shows_the_multiplier(staff_client):
    indicator = Indicator.objects.get(code="1-2")
    html = staff_client.get(reverse("indicators:detail", args=[indicator.pk])).content.decode()
    assert "中小企業実態基本調査のデータの２割以上、上回る" in html
    assert "1.2倍" in html
    assert "※「付加価値額」＝営業利益＋人件費＋減価償却費" in html


def test_indicator_detail_of_unknown_pk_is_404(staff_client):
    assert staff_client.get(reverse("indicators:detail", args=[999999])).status_code == 404


def test_plan_pages_keep_a_constant_query_count(staff_client, django_assert_max_num_queries):
    # Session, user, groups (+ profile), the data version and one query per table of the outline: never one per
    # chapter, heading, measure or indicator. Once rendered, the outline comes from the cache until the data
    # version changes: the outline's queries are not made at all.
    with django_assert_max_num_queries(11):
        staff_client.get(reverse("measures:overview"))
    with django_assert_max_num_queries(6):
        staff_client.get(reverse("measures:overview"))
    with django_assert_max_num_queries(12):
        staff_client.get(reverse("measures:chapter", args=[1]))
    with django_assert_max_num_queries(9):
        staff_client.get(reverse("indicators:list"))
    with django_assert_max_num_queries(9):
        staff_client.get(reverse("indicators:list"), {"category": "main", "sort": "department"})
    for code in ("1-1", "3-1", "R10-2-1"):
        pk = Indicator.objects.get(code=code).pk
        # +1 for the target history however many targets it has had, +3 for its figures in every year of the
        # period (the same code's indicators, their approved actuals, each year's last approved quarter).
        with django_assert_max_num_queries(11):
            staff_client.get(reverse("indicators:detail", args=[pk]))


def test_overview_query_count_does_not_grow_with_more_measures(staff_client, plan, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from measures.models import Heading, Measure, Section

    with CaptureQueriesContext(connection) as before:
        staff_client.get(reverse("measures:overview"))
    section = Section.objects.get(chapter__number=2, number=3)
    heading = Heading.objects.create(section=section, order=1, label="(1)", title="追加の見出し")
    for i in range(5):
        Measure.objects.create(
            plan=plan,
            chapter=section.chapter,
            section=section,
            heading=heading,
            order=1000 + i,
            text=f"追加{i}",
        )
    with django_assert_num_queries(len(before.captured_queries)):
        html = staff_client.get(reverse("measures:overview")).content.decode()
    assert "追加の見出し" in html and "追加4" in html


def test_the_admin_lists_headings_and_measures(sysadmin_client):
    html = sysadmin_client.get(
        reverse("admin:measures_measure_changelist"), {"is_sub_item__exact": "1"}
    ).content.decode()
    assert html.count("なりわい再建資金利子補給事業") == 2
    assert sysadmin_client.get(reverse("admin:measures_heading_changelist")).status_code == 200
