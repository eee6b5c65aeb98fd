"""The pure progress module: 達成率, pace, status, forecast and 評定の目安 on hand-computed examples."""

from decimal import Decimal as D

import pytest

from indicators.progress import (
    Grade,
    IndicatorSpec,
    QuarterFigure,
    Status,
    grade_for_rate,
    progress_compute,
    round_percent,
)

COUNT_1000 = IndicatorSpec(kind="count", target=D("1000"))  # 1-1: 1,000社以上
EXACT_300 = IndicatorSpec(kind="exact", target=D("300"), comparison="eq")  # 4-10: 300件
RATIO_70 = IndicatorSpec(kind="ratio", target=D("70"))  # 1-3: 70%以上
BENCHMARK = IndicatorSpec(kind="benchmark", benchmark_multiplier=D("1.2"), frequency="annual")  # 1-2
LOWER_100 = IndicatorSpec(kind="count", target=D("100"), comparison="lte", direction="lower")
LOWER_RATIO_20 = IndicatorSpec(kind="ratio", target=D("20"), comparison="lte", direction="lower")


def counts(*values, state="approved"):
    return [QuarterFigure(quarter=q, state=state, value=D(v)) for q, v in enumerate(values, start=1)]


def ratios(*pairs):
    return [
        QuarterFigure(quarter=q, numerator=D(n), denominator=D(d)) for q, (n, d) in enumerate(pairs, start=1)
    ]


def bench(growth, benchmark, quarter=4, judgement=""):
    return [
        QuarterFigure(
            quarter=quarter, growth_rate=D(growth), benchmark_rate=D(benchmark), manual_judgement=judgement
        )
    ]


# --- rounding and grade bands ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [
        (D("107.142857"), D("107.1")),
        (D("79.95"), D("80.0")),
        (D("79.949"), D("79.9")),
        (D("119.95"), D("120.0")),
        (D("0.05"), D("0.1")),
        (D("100"), D("100.0")),
    ],
)
def test_percentages_round_half_up_to_one_decimal(raw, rounded):
    assert round_percent(raw) == rounded
    assert str(round_percent(raw)) == str(rounded)


@pytest.mark.parametrize(
    ("rate", "grade"),
    [
        ("150.0", Grade.A),
        ("120.0", Grade.A),
        ("119.9", Grade.B),
        ("100.0", Grade.B),
        ("99.9", Grade.C),
        ("80.0", Grade.C),
        ("79.9", Grade.D),
        ("0.0", Grade.D),
    ],
)
def test_grade_bands_at_their_edges(rate, grade):
    assert grade_for_rate(D(rate)) == grade


def test_grade_is_never_s_and_none_without_a_rate():
    assert grade_for_rate(D("999.9")) == Grade.A
    assert grade_for_rate(None) is None


# --- counts -----------------------------------------------------------------------------------------------------


def test_count_300_plus_200_by_q2_is_on_pace():
    p = progress_compute(spec=COUNT_1000, figures=counts("300", "200"), as_of_quarter=2)
    assert p.actual == D("500")
    assert p.achievement_rate == D("50.0")
    assert p.pace == D("500")
    assert p.pace_rate == D("100.0")
    assert p.status == Status.ON_TRACK and p.status_label == "順調"
    assert p.forecast == D("1000")
    assert p.forecast_rate == D("100.0")
    assert p.grade == Grade.B and p.grade_is_forecast
    assert p.grade_label == "B（見込み）"
    assert [(q.quarter, q.value, q.cumulative) for q in p.quarters] == [
        (1, D("300"), D("300")),
        (2, D("200"), D("500")),
    ]


def test_count_exactly_80_percent_of_pace_is_caution():
    p = progress_compute(spec=COUNT_1000, figures=counts("200"), as_of_quarter=1)
    assert p.pace == D("250")
    assert p.pace_rate == D("80.0")
    assert p.status == Status.CAUTION and p.status_label == "要注意"
    assert p.forecast == D("800")
    assert p.grade == Grade.C


def test_count_below_80_percent_of_pace_is_behind():
    p = progress_compute(spec=COUNT_1000, figures=counts("199"), as_of_quarter=1)
    assert p.pace_rate == D("79.6")
    assert p.status == Status.BEHIND and p.status_label == "遅れ"
    assert p.grade == Grade.D


def test_count_pace_rate_is_judged_after_rounding():
    # 199.9 / 250 = 79.96 % → shown as 80.0 % → 要注意, not 遅れ.
    p = progress_compute(spec=COUNT_1000, figures=counts("199.9"), as_of_quarter=1)
    assert p.pace_rate == D("80.0")
    assert p.status == Status.CAUTION


def test_count_already_met_mid_year_is_achieved():
    p = progress_compute(spec=COUNT_1000, figures=counts("400", "400", "250"), as_of_quarter=3)
    assert p.actual == D("1050")
    assert p.achievement_rate == D("105.0")
    assert p.status == Status.ACHIEVED and p.status_label == "達成済み"
    assert p.forecast == D("1400")
    assert p.forecast_rate == D("140.0")
    assert p.grade == Grade.A and p.grade_is_forecast


@pytest.mark.parametrize(
    ("q4", "rate", "grade", "status"),
    [
        ("500", "120.0", Grade.A, Status.ACHIEVED),  # 1,200
        ("499.4", "119.9", Grade.B, Status.ACHIEVED),  # 1,199.4 → 119.94 %
        ("499.5", "120.0", Grade.A, Status.ACHIEVED),  # 1,199.5 → 119.95 % → 120.0 % (half-up)
        ("300", "100.0", Grade.B, Status.ACHIEVED),  # 1,000
        ("299", "99.9", Grade.C, Status.CAUTION),  # 999
        ("100", "80.0", Grade.C, Status.CAUTION),  # 800
        ("99", "79.9", Grade.D, Status.BEHIND),  # 799
    ],
)
def test_count_at_year_end_grades_on_the_actual(q4, rate, grade, status):
    p = progress_compute(spec=COUNT_1000, figures=counts("300", "200", "200", q4), as_of_quarter=4)
    assert p.achievement_rate == D(rate)
    assert p.grade == grade
    assert not p.grade_is_forecast
    assert p.grade_label == str(grade)
    assert p.status == status
    assert p.pace == D("1000")
    assert p.forecast is None  # the year is complete: the actual is final


def test_count_drafts_are_left_out_unless_asked_for():
    # Q2's 200 is a draft: not counted and not 0 either. The figures stand as of Q1: 300 of pace 250.
    figures = counts("300") + [QuarterFigure(quarter=2, state="draft", value=D("200"))]
    approved = progress_compute(spec=COUNT_1000, figures=figures, as_of_quarter=2)
    assert approved.actual == D("300")
    assert approved.pace == D("250") and approved.pace_rate == D("120.0")
    assert approved.status == Status.PENDING
    with_drafts = progress_compute(spec=COUNT_1000, figures=figures, as_of_quarter=2, include_unapproved=True)
    assert with_drafts.actual == D("500")
    assert with_drafts.status == Status.ON_TRACK
    assert not with_drafts.is_pending


def test_count_figures_after_the_as_of_quarter_are_ignored():
    p = progress_compute(spec=COUNT_1000, figures=counts("300", "200", "900"), as_of_quarter=2)
    assert p.actual == D("500")


def test_count_with_only_a_submitted_figure_waits_for_approval():
    figures = [QuarterFigure(quarter=1, state="submitted", value=D("300"))]
    p = progress_compute(spec=COUNT_1000, figures=figures, as_of_quarter=1)
    assert p.status == Status.PENDING and p.status_label == "承認待ち"
    assert p.pending_quarter == 1 and p.basis_quarter == 0
    assert p.pending_text == "第1四半期が承認待ち（承認済みの値はまだありません）"
    assert not p.has_data
    assert p.actual is None and p.achievement_rate is None and p.grade is None and p.pace is None
    assert p.is_rated
    assert progress_compute(spec=COUNT_1000, figures=[], as_of_quarter=4).status == Status.NO_DATA


def test_an_empty_draft_row_is_not_waiting_for_anything():
    figures = counts("300") + [QuarterFigure(quarter=2, state="draft")]
    p = progress_compute(spec=COUNT_1000, figures=figures, as_of_quarter=2)
    assert not p.is_pending
    assert p.actual == D("300") and p.pace == D("500") and p.pace_rate == D("60.0")
    assert p.status == Status.BEHIND


def test_count_of_zero_is_data_not_missing():
    p = progress_compute(spec=COUNT_1000, figures=counts("0"), as_of_quarter=1)
    assert p.has_data
    assert p.actual == D("0")
    assert p.achievement_rate == D("0.0")
    assert p.status == Status.BEHIND


def test_annual_count_has_no_pace_before_the_year_end():
    spec = IndicatorSpec(kind="count", target=D("14"), frequency="annual")
    assert progress_compute(spec=spec, figures=[], as_of_quarter=3).status == Status.NO_DATA
    p = progress_compute(spec=spec, figures=[QuarterFigure(quarter=4, value=D("15"))], as_of_quarter=4)
    assert p.achievement_rate == D("107.1")
    assert p.pace == D("14")
    assert p.status == Status.ACHIEVED and p.grade == Grade.B


def test_invalid_as_of_quarter_is_refused():
    with pytest.raises(ValueError):
        progress_compute(spec=COUNT_1000, figures=[], as_of_quarter=5)


# --- exact target (4-10: 300件) -----------------------------------------------------------------------------------


def test_exact_target_is_actual_over_300():
    p = progress_compute(spec=EXACT_300, figures=counts("80", "70"), as_of_quarter=2)
    assert p.actual == D("150")
    assert p.achievement_rate == D("50.0")
    assert p.pace == D("150")
    assert p.status == Status.ON_TRACK
    final = progress_compute(spec=EXACT_300, figures=counts("80", "70", "90", "90"), as_of_quarter=4)
    assert final.actual == D("330")
    assert final.achievement_rate == D("110.0")
    assert final.status == Status.ACHIEVED
    assert final.grade == Grade.B


# --- ratio ------------------------------------------------------------------------------------------------------


def test_ratio_75_against_70_is_107_1_and_b():
    p = progress_compute(spec=RATIO_70, figures=ratios(("75", "100")), as_of_quarter=1)
    assert p.actual == D("75")
    assert p.achievement_rate == D("107.1")
    assert p.status == Status.ON_TRACK  # in-year: compared with the target directly
    assert p.grade == Grade.B
    assert p.forecast == D("75") and p.grade_is_forecast
    assert p.pace is None


def test_ratio_is_sum_over_sum_never_an_average_of_quarters():
    # Q1 9/10 = 90 %, Q2 60/90 = 66.7 %: the average of % would be 78.3 % (111.9 %); Σ/Σ is 69/100 = 69 %.
    p = progress_compute(spec=RATIO_70, figures=ratios(("9", "10"), ("60", "90")), as_of_quarter=2)
    assert p.numerator_total == D("69") and p.denominator_total == D("100")
    assert p.actual == D("69")
    assert p.achievement_rate == D("98.6")
    assert p.status == Status.CAUTION
    assert p.grade == Grade.C
    assert [round_percent(q.value) for q in p.quarters] == [D("90.0"), D("66.7")]
    assert [round_percent(q.cumulative) for q in p.quarters] == [D("90.0"), D("69.0")]


def test_ratio_at_year_end_meeting_the_target_is_achieved():
    p = progress_compute(
        spec=RATIO_70, figures=ratios(("14", "20"), ("14", "20"), ("14", "20"), ("14", "20")), as_of_quarter=4
    )
    assert p.actual == D("70")
    assert p.achievement_rate == D("100.0")
    assert p.status == Status.ACHIEVED
    assert p.grade == Grade.B and not p.grade_is_forecast
    assert p.forecast is None


@pytest.mark.parametrize(
    ("numerator", "rate", "status", "grade"),
    [
        ("84", "120.0", Status.ON_TRACK, Grade.A),  # 84 % / 70 %
        ("70", "100.0", Status.ON_TRACK, Grade.B),
        ("56", "80.0", Status.CAUTION, Grade.C),
        ("55.9", "79.9", Status.BEHIND, Grade.D),
    ],
)
def test_ratio_edges_in_year(numerator, rate, status, grade):
    p = progress_compute(spec=RATIO_70, figures=ratios((numerator, "100")), as_of_quarter=2)
    assert p.achievement_rate == D(rate)
    assert p.status == status
    assert p.grade == grade


def test_ratio_with_no_respondents_is_not_entered_not_zero():
    p = progress_compute(spec=RATIO_70, figures=ratios(("0", "0")), as_of_quarter=1)
    assert p.status == Status.NO_DATA
    assert p.actual is None and p.achievement_rate is None and p.grade is None
    assert p.denominator_total == D("0")
    assert "分母" in p.note
    assert p.quarters[0].value is None


def test_ratio_quarter_without_respondents_does_not_disturb_the_cumulative():
    p = progress_compute(spec=RATIO_70, figures=ratios(("0", "0"), ("15", "20")), as_of_quarter=2)
    assert p.actual == D("75")
    assert p.achievement_rate == D("107.1")
    assert p.quarters[0].cumulative is None


def test_lower_is_better_ratio_is_target_over_actual():
    p = progress_compute(spec=LOWER_RATIO_20, figures=ratios(("25", "100")), as_of_quarter=4)
    assert p.achievement_rate == D("80.0")
    assert p.status == Status.CAUTION
    assert p.grade == Grade.C
    ok = progress_compute(spec=LOWER_RATIO_20, figures=ratios(("16", "100")), as_of_quarter=4)
    assert ok.achievement_rate == D("125.0")
    assert ok.status == Status.ACHIEVED and ok.grade == Grade.A


# --- benchmark --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("growth", "benchmark", "rate", "grade", "status"),
    [
        ("6.0", "2.5", "200.0", Grade.A, Status.ACHIEVED),  # (6.0/2.5)/1.2 = 2.0
        ("3.6", "2.5", "120.0", Grade.A, Status.ACHIEVED),
        ("3.0", "2.5", "100.0", Grade.B, Status.ACHIEVED),  # exactly 1.2 × benchmark
        ("2.4", "2.5", "80.0", Grade.C, Status.CAUTION),
        ("2.0", "2.5", "66.7", Grade.D, Status.BEHIND),
    ],
)
def test_benchmark_is_actual_over_benchmark_over_1_2(growth, benchmark, rate, grade, status):
    p = progress_compute(spec=BENCHMARK, figures=bench(growth, benchmark), as_of_quarter=4)
    assert p.actual == D(growth)
    assert p.benchmark == D(benchmark)
    assert p.required == D(benchmark) * D("1.2")
    assert p.achievement_rate == D(rate)
    assert p.grade == grade
    assert p.status == status


@pytest.mark.parametrize("benchmark", ["0", "-1.5"])
def test_benchmark_at_or_below_zero_cannot_be_judged(benchmark):
    p = progress_compute(spec=BENCHMARK, figures=bench("3.0", benchmark), as_of_quarter=4)
    assert p.status == Status.UNDETERMINABLE and p.status_label == "判定不能"
    assert p.achievement_rate is None
    assert p.grade is None
    assert p.needs_manual_judgement
    assert "手動判定" in p.note


def test_benchmark_manual_judgement_decides_when_the_benchmark_is_not_positive():
    achieved = progress_compute(
        spec=BENCHMARK, figures=bench("3.0", "-1.0", judgement="achieved"), as_of_quarter=4
    )
    assert achieved.status == Status.ACHIEVED
    assert not achieved.needs_manual_judgement
    assert achieved.grade is None and achieved.achievement_rate is None
    missed = progress_compute(
        spec=BENCHMARK, figures=bench("-3.0", "-1.0", judgement="not_achieved"), as_of_quarter=4
    )
    assert missed.status == Status.BEHIND


def test_annual_benchmark_reads_only_the_fourth_quarter_entry():
    assert progress_compute(spec=BENCHMARK, figures=bench("6", "2.5", quarter=2), as_of_quarter=4).status == (
        Status.NO_DATA
    )
    assert (
        progress_compute(spec=BENCHMARK, figures=bench("6", "2.5"), as_of_quarter=3).status == Status.NO_DATA
    )


# --- lower is better --------------------------------------------------------------------------------------------


def test_lower_is_better_count_within_pace_is_on_track():
    p = progress_compute(spec=LOWER_100, figures=counts("20", "20"), as_of_quarter=2)
    assert p.actual == D("40")
    assert p.pace == D("50")
    assert p.pace_rate == D("125.0")  # pace / actual
    assert p.achievement_rate == D("250.0")  # target / actual
    assert p.status == Status.ON_TRACK
    assert p.forecast == D("80")
    assert p.forecast_rate == D("125.0")
    assert p.grade == Grade.A and p.grade_is_forecast


def test_lower_is_better_count_over_pace_is_caution_and_over_target_is_behind():
    caution = progress_compute(spec=LOWER_100, figures=counts("30", "30"), as_of_quarter=2)
    assert caution.pace_rate == D("83.3")
    assert caution.status == Status.CAUTION
    over = progress_compute(spec=LOWER_100, figures=counts("70", "50"), as_of_quarter=2)
    assert over.status == Status.BEHIND
    assert "超えて" in over.note


def test_lower_is_better_count_at_year_end():
    met = progress_compute(spec=LOWER_100, figures=counts("25", "25", "25", "25"), as_of_quarter=4)
    assert met.achievement_rate == D("100.0")
    assert met.status == Status.ACHIEVED and met.grade == Grade.B
    missed = progress_compute(spec=LOWER_100, figures=counts("25", "25", "25", "50"), as_of_quarter=4)
    assert missed.achievement_rate == D("80.0")
    assert missed.status == Status.BEHIND and missed.grade == Grade.C


def test_lower_is_better_count_of_zero_has_no_rate_but_is_on_track():
    p = progress_compute(spec=LOWER_100, figures=counts("0"), as_of_quarter=1)
    assert p.achievement_rate is None
    assert p.status == Status.ON_TRACK


# --- reference indicators ---------------------------------------------------------------------------------------


def test_milestone_shows_its_latest_status_and_no_rating():
    spec = IndicatorSpec(kind="milestone", comparison="none")
    figures = [
        QuarterFigure(quarter=1, milestone_status="not_started"),
        QuarterFigure(quarter=2, milestone_status="in_progress"),
    ]
    p = progress_compute(spec=spec, figures=figures, as_of_quarter=2)
    assert p.milestone_status == "in_progress"
    assert p.status == Status.REFERENCE and not p.is_rated
    assert p.grade is None and p.achievement_rate is None
    none_yet = progress_compute(spec=spec, figures=[], as_of_quarter=2)
    assert none_yet.status == Status.NO_DATA and not none_yet.is_rated


def test_count_without_target_sums_but_gets_no_rating():
    spec = IndicatorSpec(kind="count_no_target", comparison="none")
    p = progress_compute(spec=spec, figures=counts("12", "8"), as_of_quarter=2)
    assert p.actual == D("20")
    assert p.status == Status.REFERENCE
    assert p.grade is None and p.achievement_rate is None and p.pace is None and p.forecast is None


def test_baseline_comparison_shows_the_latest_ratio_without_rating():
    spec = IndicatorSpec(kind="baseline", comparison="none", frequency="annual")
    p = progress_compute(
        spec=spec, figures=[QuarterFigure(quarter=4, numerator=D("12"), denominator=D("80"))], as_of_quarter=4
    )
    assert p.actual == D("15")
    assert p.actual_display == D("15.0")
    assert p.status == Status.REFERENCE and p.grade is None


def test_count_kind_without_a_target_is_treated_as_reference():
    spec = IndicatorSpec(kind="count", target=None)
    p = progress_compute(spec=spec, figures=counts("5"), as_of_quarter=1)
    assert not p.is_rated and p.grade is None


# --- unapproved is not zero (docs/domain.md「年度途中の進捗」) --------------------------------------------------


def test_count_with_q3_submitted_is_judged_on_q1_q2_not_on_q3_as_zero():
    # 1-1 (1,000社以上): Q1 300 and Q2 200 approved, Q3 250 submitted, as of Q3.
    # Counting Q3 as 0 would give 500 against pace 750 = 66.7 % (遅れ) and a forecast of 500×4/3 = 667 (D).
    # Judged as of Q2: pace 1,000×2/4 = 500, 500/500 = 100.0 %; forecast 500×4/2 = 1,000 → 100.0 % → B（見込み）.
    figures = counts("300", "200") + [QuarterFigure(quarter=3, state="submitted", value=D("250"))]
    p = progress_compute(spec=COUNT_1000, figures=figures, as_of_quarter=3)
    assert p.as_of_quarter == 3 and p.basis_quarter == 2 and p.pending_quarter == 3
    assert p.actual == D("500")
    assert p.achievement_rate == D("50.0")
    assert p.pace == D("500") and p.pace_rate == D("100.0")
    assert p.forecast == D("1000") and p.forecast_display == D("1000") and p.forecast_rate == D("100.0")
    assert p.grade == Grade.B and p.grade_label == "B（見込み）"
    assert p.status == Status.PENDING and p.status_label == "承認待ち"
    assert p.pending_text == "第3四半期が承認待ち（第2四半期までの承認済みの値で計算）"
    # 未承認を含む: 750 against pace 750 = 100.0 % 順調, forecast 750×4/3 = 1,000.
    w = progress_compute(spec=COUNT_1000, figures=figures, as_of_quarter=3, include_unapproved=True)
    assert w.actual == D("750") and w.pace_rate == D("100.0") and w.status == Status.ON_TRACK
    assert w.forecast_display == D("1000")


def test_count_with_q3_submitted_and_a_slow_first_half_still_shows_its_pace():
    # 1-1: Q1 120, Q2 180 approved (300), Q3 400 submitted. As of Q2: pace 500, 300/500 = 60.0 %;
    # forecast 300×4/2 = 600 → 60.0 % → D（見込み）. Status 承認待ち, not 遅れ: the pending Q3 may change it.
    figures = counts("120", "180") + [QuarterFigure(quarter=3, state="submitted", value=D("400"))]
    p = progress_compute(spec=COUNT_1000, figures=figures, as_of_quarter=3)
    assert p.actual == D("300") and p.pace == D("500") and p.pace_rate == D("60.0")
    assert p.forecast == D("600") and p.forecast_rate == D("60.0") and p.grade_label == "D（見込み）"
    assert p.status == Status.PENDING


def test_ratio_with_q3_submitted_is_judged_on_the_approved_quarters():
    # 1-3 (70%以上): Q1 14/20 and Q2 30/40 approved, Q3 5/40 submitted, as of Q3.
    # Σ = 44/60 = 73.333… % → 73.3 %; 達成率 73.333…/70 = 104.76… % → 104.8 %; forecast 73.3 % → B（見込み）.
    figures = ratios(("14", "20"), ("30", "40")) + [
        QuarterFigure(quarter=3, state="submitted", numerator=D("5"), denominator=D("40"))
    ]
    p = progress_compute(spec=RATIO_70, figures=figures, as_of_quarter=3)
    assert p.numerator_total == D("44") and p.denominator_total == D("60")
    assert p.actual_display == D("73.3") and p.achievement_rate == D("104.8")
    assert p.forecast_display == D("73.3") and p.forecast_rate == D("104.8")
    assert p.grade_label == "B（見込み）"
    assert p.status == Status.PENDING and p.basis_quarter == 2 and p.pending_quarter == 3
    # With the pending quarter: 49/100 = 49.0 % → 70.0 % → 遅れ.
    w = progress_compute(spec=RATIO_70, figures=figures, as_of_quarter=3, include_unapproved=True)
    assert w.actual_display == D("49.0") and w.achievement_rate == D("70.0") and w.status == Status.BEHIND


def test_a_quarter_returned_before_the_as_of_quarter_stops_the_count_there():
    # Q1 300 approved, Q2 200 returned (差戻し), Q3 250 approved, as of Q3: the basis is Q1.
    # 300 against pace 250 = 120.0 %; forecast 300×4/1 = 1,200 → 120.0 % → A（見込み）.
    figures = [
        QuarterFigure(quarter=1, value=D("300")),
        QuarterFigure(quarter=2, state="returned", value=D("200")),
        QuarterFigure(quarter=3, value=D("250")),
    ]
    p = progress_compute(spec=COUNT_1000, figures=figures, as_of_quarter=3)
    assert p.basis_quarter == 1 and p.pending_quarter == 2
    assert p.actual == D("300") and p.pace == D("250") and p.pace_rate == D("120.0")
    assert p.forecast == D("1200") and p.grade_label == "A（見込み）"
    assert p.status == Status.PENDING


def test_a_target_already_met_by_approved_quarters_stays_achieved():
    # 400 + 400 + 250 = 1,050 ≥ 1,000 approved; Q4's 100 submitted. As of Q4 judged on Q1–Q3: 105.0 %,
    # forecast 1,050×4/3 = 1,400 → 140.0 % → A（見込み）; the year's actual is not final yet.
    figures = counts("400", "400", "250") + [QuarterFigure(quarter=4, state="submitted", value=D("100"))]
    p = progress_compute(spec=COUNT_1000, figures=figures, as_of_quarter=4)
    assert p.status == Status.ACHIEVED and p.is_pending and p.basis_quarter == 3
    assert p.achievement_rate == D("105.0")
    assert p.forecast == D("1400") and p.forecast_rate == D("140.0") and p.grade_label == "A（見込み）"


def test_an_annual_benchmark_submitted_at_q4_waits_for_approval():
    figures = [QuarterFigure(quarter=4, state="submitted", growth_rate=D("6.5"), benchmark_rate=D("5.0"))]
    p = progress_compute(spec=BENCHMARK, figures=figures, as_of_quarter=4)
    assert p.status == Status.PENDING and p.achievement_rate is None and p.pending_quarter == 4
