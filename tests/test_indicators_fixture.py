"""The indicators as loaded, pinned against the seed text by hand: 24 numeric targets and 4 参考指標."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from indicators.models import Indicator

SEED_TEXT = (Path(settings.BASE_DIR) / "fixtures" / "seed" / "r6_plan.txt").read_text(encoding="utf-8")
# Indicator lines can wrap in the seed (5-1's 「：3,700件以上」 sits on its own line, 3-2-1 across a blank line).
SEED_JOINED = SEED_TEXT.replace("\n", "")

# code: (target, target_text, unit, comparison, pillar) — typed in from the seed's ○指標 blocks.
NUMERIC_TARGETS = {
    "1-1": ("1000", "１，０００社以上", "社", "gte", 1),
    "1-2": (None, "中小企業実態基本調査のデータの２割以上、上回る", "%", "gte", 1),
    "1-3": ("70", "70%以上", "%", "gte", 1),
    "2-1": ("10000", "10,000件以上", "件", "gte", 2),
    "2-2": ("1500", "1,500件以上", "件", "gte", 2),
    "3-1": ("14", "14本以上", "本", "gte", 3),
    "3-1-1": ("4", "4本以上", "本", "gte", 3),
    "3-2": ("330", "330社以上", "社", "gte", 3),
    "3-2-1": ("32", "32社以上", "社", "gte", 3),
    "3-3": ("70", "70%以上", "%", "gte", 3),
    "4-1": ("20000", "20,000件以上", "件", "gte", 4),
    "4-2": ("150", "150件以上", "件", "gte", 4),
    "4-3": ("70", "70%以上", "%", "gte", 4),
    "4-4": ("800", "800人以上", "人", "gte", 4),
    "4-5": ("80", "80%以上", "%", "gte", 4),
    "4-6": ("16000", "16,000人以上", "人", "gte", 4),
    "4-7": ("2000", "2,000機関以上", "機関", "gte", 4),
    "4-8": ("70", "70%以上", "%", "gte", 4),
    "4-9": ("60000", "60,000者以上", "者", "gte", 4),
    "4-10": ("300", "300件", "件", "eq", 4),
    "5-1": ("3700", "3,700件以上", "件", "gte", 5),
    "5-2": ("440", "440件以上", "件", "gte", 5),
    "5-3": ("92800", "92,800人日以上", "人日", "gte", 5),
    "5-4": ("2340", "2,340件以上", "件", "gte", 5),
}
KINDS = {
    "1-2": "benchmark",
    "1-3": "ratio",
    "3-3": "ratio",
    "4-3": "ratio",
    "4-5": "ratio",
    "4-8": "ratio",
    "4-10": "exact",
}
REFERENCE = {
    # code: (chapter, section, kind, fragment of the seed)
    "R1-5-1": (
        1,
        5,
        "milestone",
        "補助事業を活用して経営の革新を行った支援事例の掲載等、特設サイトを充実化する。",
    ),
    "R2-4-1": (2, 4, "count_no_target", "PMOによるPJMOへの支援実績"),
    "R2-6-1": (
        2,
        6,
        "baseline",
        "第4期中期目標期間における競争性のある契約に占める一者応札・応募案件の平均比率を上回る。",
    ),
    "R10-2-1": (10, 2, "milestone", "DX人材育成計画を策定する。"),
}

pytestmark = pytest.mark.django_db


def test_there_are_24_numeric_targets_and_4_reference_indicators():
    assert Indicator.objects.filter(category="main").count() == 24
    assert Indicator.objects.filter(category="reference").count() == 4
    assert set(Indicator.objects.filter(category="main").values_list("code", flat=True)) == set(
        NUMERIC_TARGETS
    )
    assert Indicator.objects.filter(category="main", parent__isnull=True).count() == 22


def test_each_numeric_target_has_its_published_value_unit_comparison_and_pillar():
    for code, (target, text, unit, comparison, pillar) in NUMERIC_TARGETS.items():
        indicator = Indicator.objects.select_related("section__chapter").get(code=code)
        expected = None if target is None else Decimal(target)
        assert indicator.target == expected, code
        assert indicator.target_text == text, code
        assert indicator.unit == unit, code
        assert indicator.comparison == comparison, code
        assert (indicator.section.chapter.number, indicator.section.number) == (1, pillar), code
        assert indicator.direction == "higher", code
        assert indicator.kind == KINDS.get(code, "count"), code


def test_each_target_text_and_indicator_text_is_in_the_seed():
    for indicator in Indicator.objects.all():
        if indicator.target_text:
            assert indicator.target_text in SEED_JOINED, indicator.code
        assert indicator.text in SEED_JOINED, indicator.code
        assert indicator.name in SEED_JOINED, indicator.code


def test_targets_are_decimals():
    assert all(isinstance(i.target, Decimal) for i in Indicator.objects.exclude(target=None))


def test_the_benchmark_indicator_requires_twenty_percent_above_the_survey():
    indicator = Indicator.objects.get(code="1-2")
    assert indicator.benchmark_multiplier == Decimal("1.2")
    assert indicator.frequency == "annual"
    assert "※「付加価値額」＝営業利益＋人件費＋減価償却費" in indicator.note


def test_sub_targets_are_effort_targets_under_the_fund_indicators():
    sub1 = Indicator.objects.get(code="3-1-1")
    sub2 = Indicator.objects.get(code="3-2-1")
    assert sub1.parent.code == "3-1" and sub2.parent.code == "3-2"
    assert sub1.is_effort_target and sub2.is_effort_target
    assert set(Indicator.objects.filter(is_effort_target=True).values_list("code", flat=True)) == {
        "3-1-1",
        "3-2-1",
    }
    assert set(Indicator.objects.exclude(parent=None).values_list("code", flat=True)) == {"3-1-1", "3-2-1"}
    assert "（上記のうち中小企業支援ファンド（バイアウト型）への出資件数を4本以上に努める）" in SEED_TEXT


def test_reference_indicators_have_their_kinds_and_sections():
    for code, (chapter, section, kind, fragment) in REFERENCE.items():
        indicator = Indicator.objects.select_related("section__chapter").get(code=code)
        assert indicator.category == "reference", code
        assert indicator.kind == kind, code
        assert (indicator.section.chapter.number, indicator.section.number) == (chapter, section), code
        assert indicator.target is None, code
        assert fragment in indicator.text and fragment in SEED_TEXT, code


def test_every_indicator_is_linked_to_the_measures_it_tracks():
    for indicator in Indicator.objects.prefetch_related("measures"):
        measures = list(indicator.measures.all())
        assert measures, indicator.code
        # Linked measures belong to the indicator's own pillar / section.
        assert all(m.section_id == indicator.section_id for m in measures), indicator.code


def test_indicator_measure_links_point_at_the_expected_bullets():
    def linked(code):
        return sorted(m.source_line for m in Indicator.objects.get(code=code).measures.all())

    assert linked("1-1") == [27]
    assert linked("2-1") == [46, 55]
    assert linked("3-1-1") == [71]
    assert linked("3-3") == [82]
    assert linked("4-9") == [164, 165]
    assert linked("4-10") == [168]
    assert linked("R1-5-1") == [208]
    assert linked("R2-4-1") == [314]
    assert linked("R10-2-1") == [473]
