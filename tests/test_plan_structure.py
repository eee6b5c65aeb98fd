"""The plan's structure against the seed text: chapters, pillars, headings and every measure (「・」 bullet)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from measures.models import Chapter, Heading, Measure, PlanDocument, Section
from measures.seed_parser import SeedFormatError, parse_plan_file, parse_plan_text

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed" / "r6_plan.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")

# Counted by hand from the seed, bullet by bullet (line numbers of fixtures/seed/r6_plan.txt):
# 柱1: 27, 28 | 32                                                   = 3
# 柱2: 46–50 | 54–56                                                 = 8
# 柱3: 67, 71–77 | 81–84                                             = 12
# 柱4: ①105 ②109–115 ③119–123, 127–130 ④134 | ①140–145 ②149–151, 153–156 ③160 | 164–168 = 37
# 柱5: 187–189 | ①195–203 ②207–210, 214 | 222, 223, 225–236, 240     = 32
MEASURES_PER_PILLAR = {1: 3, 2: 8, 3: 12, 4: 37, 5: 32}
# II: 13+5+2+5+2+12, III: 15+8+1+1, IV: tables only, V: 395, VI: 399–403, VII: 407, VIII: 413–419,
# IX: 1+1+1+7+1, X: 9+7+1+1
MEASURES_PER_CHAPTER = {1: 92, 2: 39, 3: 25, 4: 0, 5: 1, 6: 5, 7: 1, 8: 7, 9: 11, 10: 18}
PILLARS = {
    1: "地域牽引・成長志向の中小企業への支援",
    2: "企業の成長段階に応じた新市場開拓支援",
    3: "スタートアップの創出・成長への支援",
    4: "事業継続・経営体力強化への支援",
    5: "経営環境変化対応への支援",
}


def _measure(**kwargs) -> Measure:
    return Measure.objects.get(plan__fiscal_year__year=2024, **kwargs)


@pytest.mark.django_db
def test_the_five_pillars_are_chapter_one_sections_with_their_titles():
    pillars = Section.objects.filter(chapter__number=1).order_by("number")
    assert {s.number: s.title for s in pillars} == PILLARS
    for number, title in PILLARS.items():
        assert f"{number}. {title}" in SEED_TEXT


@pytest.mark.django_db
def test_the_plan_has_ten_chapters_in_order():
    chapters = list(Chapter.objects.filter(plan__fiscal_year__year=2024).order_by("number"))
    assert [c.numeral for c in chapters] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    assert chapters[7].title == "剰余金の使途"
    assert chapters[3].title == "予算（人件費の見積りを含む。）、収支計画及び資金計画"
    assert [s.title for s in chapters[3].sections.order_by("number")] == [
        "予算計画（別紙1）",
        "収支計画（別紙2）",
        "資金計画（別紙3）",
    ]


@pytest.mark.django_db
def test_it_counts_the_measures_of_each_pillar_and_chapter_as_counted_by_hand():
    for number, expected in MEASURES_PER_PILLAR.items():
        assert Measure.objects.filter(section__chapter__number=1, section__number=number).count() == expected
    for number, expected in MEASURES_PER_CHAPTER.items():
        assert Measure.objects.filter(chapter__number=number).count() == expected, number
    assert Measure.objects.count() == 199
    assert sum(MEASURES_PER_PILLAR.values()) == MEASURES_PER_CHAPTER[1]


@pytest.mark.django_db
def test_measures_keep_the_plan_order_and_their_source_lines():
    orders = list(Measure.objects.order_by("order").values_list("order", "source_line"))
    assert [o for o, _ in orders] == list(range(1, 200))
    lines = [line for _, line in orders]
    assert lines == sorted(lines)
    assert lines[0] == 27 and lines[-1] == 485


@pytest.mark.django_db
def test_every_measure_text_is_in_the_seed_once_line_breaks_are_removed():
    joined = SEED_TEXT.replace("\n", "")
    for text in Measure.objects.values_list("text", flat=True):
        assert text in joined, text


@pytest.mark.django_db
def test_wrapped_bullets_are_joined_back_into_one_measure():
    vc = _measure(source_line=67)
    assert vc.text == (
        "「スタートアップ育成5か年計画」等を踏まえ、スタートアップ等へのリスクマネーの供給を促進するため、"
        "成長初期段階やグローバル展開等を目指すスタートアップ等に投資を行う内外のベンチャーキャピタルが運営する"
        "ファンドに出資する。また、ベンチャーキャピタルの裾野の拡大と多様化を促進するため、設立間もない初号・2号"
        "ファンドに対する出資や若手キャピタリストが組成するファンドへ積極的に出資を行う。"
    )
    assert vc.heading.title == "スタートアップ、成長志向の中小企業へのリスクマネーの供給"

    kaizen = _measure(source_line=123)
    assert kaizen.text == (
        "経営改善計画策定支援事業については、「挑戦する中小企業応援パッケージ」に基づき金融機関による早期経営改善計画の"
        "利用が開始されたことを受け、金融機関向けのFAQ等を整備するとともに、協議会に対する情報提供機能を強化する。"
    )
    assert (kaizen.heading.label, kaizen.heading.parent.label) == ("③", "(1)")

    push = _measure(source_line=210)
    assert push.text.endswith("経営課題や支援ニーズに即した支援をプッシュ型で提供する方策を検討する。")

    customer = _measure(source_line=257)
    assert customer.text == (
        "顧客重視の視点で支援現場のニーズに即した柔軟な発想による取組や支援施策への反映を行い、"
        "実効性のある質の高い支援の実現を目指す。"
    )
    safety = _measure(source_line=350)
    assert "回収専門人材（経営セーフティ共済相談員)の活用等により" in safety.text
    # A second sentence on the next line without a blank line stays with its bullet.
    noto = _measure(source_line=223)
    assert noto.text.endswith(
        "専門家の派遣等を通じた相談・助言を行う。また、被災した地方公共団体からの求めに応じ、"
        "地方公共団体が整備する仮設施設に対する技術支援及び整備等費用の助成を行う。"
    )


@pytest.mark.django_db
def test_the_nariwai_interest_subsidies_are_sub_items_of_the_supplementary_budget_bullet():
    parent = _measure(source_line=235)
    first = _measure(source_line=236)
    second = _measure(source_line=240)
    assert parent.text.endswith("以下の事業に活用する。") and not parent.is_sub_item
    assert (
        first.text
        == "令和2年7月豪雨において被害を受けた地域の中小企業等の復旧・復興を図るためのなりわい再建資金利子補給事業"
    )
    assert second.text == (
        "令和6年能登半島地震等において被害を受けた地域の中小企業等の復旧・復興を図るためのなりわい再建資金利子補給事業"
    )
    assert first.is_sub_item and second.is_sub_item
    assert (first.order, second.order) == (parent.order + 1, parent.order + 2)
    assert Measure.objects.filter(is_sub_item=True).count() == 2


@pytest.mark.django_db
def test_indicator_bullets_and_notes_are_not_measures():
    for fragment in [
        "ハンズオン支援における事前ヒアリングや調査を実施した事業者数",
        "小規模企業共済の新規加入者数",
        "各ファンド（再生ファンドを除く）への出資件数",
        "特設サイトを充実化する",
        "PMOによるPJMOへの支援実績",
        "一者応札・応募案件の平均比率を上回る",
        "DX人材育成計画を策定する。",
        "付加価値額」＝営業利益",
        "起業支援ファンド、中小企業成長支援ファンド",
    ]:
        assert not Measure.objects.filter(text__contains=fragment).exists(), fragment


@pytest.mark.django_db
def test_headings_nest_the_circled_numbers_under_the_preceding_parenthesised_heading():
    pillar4 = Section.objects.get(chapter__number=1, number=4)
    headings = list(pillar4.headings.order_by("order"))
    assert [(h.label, h.parent.label if h.parent else None) for h in headings] == [
        ("(1)", None),
        ("①", "(1)"),
        ("②", "(1)"),
        ("③", "(1)"),
        ("④", "(1)"),
        ("（２）", None),
        ("①", "（２）"),
        ("②", "（２）"),
        ("③", "（２）"),
        ("(3)", None),
    ]
    assert headings[4].title == "全国のよろず支援拠点への支援"
    assert Heading.objects.filter(section__chapter__number=1).count() == 2 + 2 + 2 + 10 + 5
    assert Heading.objects.count() == 21 + 4  # II-1 (1)(2), II-4 (1)(2)
    # Full-width and half-width forms are both kept as published.
    assert Heading.objects.get(section__chapter__number=1, section__number=3, order=2).label == "（2）"


@pytest.mark.django_db
def test_sections_chapters_and_plan_keep_their_intro_paragraphs():
    plan = PlanDocument.objects.get(fiscal_year__year=2024)
    assert plan.preamble.startswith("中小企業・小規模事業者（以下、「中小企業等」という。）を取り巻く環境は")
    assert plan.preamble.endswith("以上を踏まえ、令和６年度計画を以下の通り定める。")
    chapter1 = Chapter.objects.get(number=1)
    assert chapter1.intro.startswith("第５期中期目標・中期計画をうけて")
    assert chapter1.intro.endswith("具体的には、令和６年度においては以下の取組を実施する。")
    assert Chapter.objects.get(number=8).intro == (
        "各勘定に剰余金が発生した時には、後年度負担に配慮しつつ、各々の勘定の負担に帰属すべき次の使途に充当する。"
    )
    assert Section.objects.get(chapter__number=9, number=4).intro.startswith(
        "前中期目標期間の最終事業年度において"
    )
    # The indicator-block markers are neither measures nor intro text.
    assert not Section.objects.filter(intro__contains="参考指標とする").exists()
    assert not Heading.objects.filter(intro__contains="参考指標とする").exists()


@pytest.mark.django_db
def test_the_plan_text_stops_at_ijo_before_the_budget_tables():
    last = Measure.objects.order_by("-order").first()
    assert last.chapter.number == 10 and last.section.number == 4
    assert last.text.startswith("最近のサイバー攻撃の動向")
    assert not Measure.objects.filter(text__contains="百万円").exists()


def test_measures_fixture_is_in_sync_with_the_seed():
    call_command("build_measures_fixture", "--check", verbosity=0)


def test_parser_joins_a_wrapped_bullet_after_a_blank_line_only_when_its_sentence_is_unfinished():
    text = "\n".join(
        [
            "独立行政法人中小企業基盤整備機構",
            "I. 章",
            "1. 項目",
            "- ・前半の文が途中で",
            "",
            "終わる。",
            "",
            "本文の段落。",
            "・次の施策。",
            "○指標",
            "- ・指標の箇条：10件以上",
            "以上",
            "- ・以上の後は読まない。",
        ]
    )
    data = parse_plan_text(text)
    assert [m["text"] for m in data["measures"]] == ["前半の文が途中で終わる。", "次の施策。"]
    assert data["chapters"][0]["sections"][0]["intro"] == "本文の段落。"


def test_parser_refuses_a_text_without_the_closing_ijo():
    with pytest.raises(SeedFormatError):
        parse_plan_text("独立行政法人中小企業基盤整備機構\nI. 章\n- ・施策。\n")


def test_parser_reads_the_seed_file_into_199_measures():
    data = parse_plan_file(SEED)
    assert len(data["measures"]) == 199
    assert len(data["chapters"]) == 10
