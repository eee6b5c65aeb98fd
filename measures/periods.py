"""The fiscal calendar (docs/domain.md「暦」): 年度 April–March, quarters, 和暦.

Pure functions only; everything that needs a date or a quarter label comes through here.
"""

import datetime as dt
from dataclasses import dataclass

from smrj_plan import formatting

QUARTERS = (1, 2, 3, 4)
QUARTER_LABELS = {1: "第1四半期", 2: "第2四半期", 3: "第3四半期", 4: "第4四半期"}
QUARTER_MONTHS = {1: "4–6月", 2: "7–9月", 3: "10–12月", 4: "1–3月"}
QUARTER_CHOICES = [(q, f"{QUARTER_LABELS[q]}（{QUARTER_MONTHS[q]}）") for q in QUARTERS]
REIWA_OFFSET = 2018  # 令和N年 = 西暦(2018+N)年
# The 中期目標期間 the annual plans belong to (docs/domain.md「1年の流れ」).
MID_TERM_LABEL = "第5期中期目標期間"
MID_TERM_YEARS = (2024, 2025, 2026, 2027, 2028)


def reiwa_year(western_year: int) -> int:
    return western_year - REIWA_OFFSET


def fiscal_year_label(year: int) -> str:
    """「令和6年度（2024年度）」 for 2024."""
    return f"令和{reiwa_year(year)}年度（{year}年度）"


def fiscal_year_short(year: int) -> str:
    return f"令和{reiwa_year(year)}年度"


def mid_term_label() -> str:
    """「第5期中期目標期間（令和6〜10年度、2024〜2028年度）」."""
    first, last = MID_TERM_YEARS[0], MID_TERM_YEARS[-1]
    return f"{MID_TERM_LABEL}（令和{reiwa_year(first)}〜{reiwa_year(last)}年度、{first}〜{last}年度）"


def fiscal_year_start(year: int) -> dt.date:
    return dt.date(year, 4, 1)


def fiscal_year_end(year: int) -> dt.date:
    return dt.date(year + 1, 3, 31)


@dataclass(frozen=True)
class QuarterSpan:
    fiscal_year: int
    quarter: int
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)


def quarter_span(year: int, quarter: int) -> QuarterSpan:
    if quarter not in QUARTERS:
        raise ValueError(f"quarter must be 1–4, got {quarter}")
    start_month = {1: 4, 2: 7, 3: 10, 4: 1}[quarter]
    calendar_year = year + 1 if quarter == 4 else year
    start = dt.date(calendar_year, start_month, 1)
    end_month = start_month + 2
    next_first = dt.date(calendar_year + (end_month == 12), end_month % 12 + 1, 1)
    return QuarterSpan(year, quarter, start, next_first - dt.timedelta(days=1))


def quarter_label(quarter: int) -> str:
    return QUARTER_LABELS[quarter]


def quarter_long_label(quarter: int) -> str:
    return f"{QUARTER_LABELS[quarter]}（{QUARTER_MONTHS[quarter]}）"


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(fiscal year, quarter) that contains the date."""
    fy = fiscal_year_of(day)
    quarter = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3, 1: 4, 2: 4, 3: 4}[day.month]
    return fy, quarter


def in_fiscal_year(day: dt.date, year: int) -> bool:
    return fiscal_year_start(year) <= day <= fiscal_year_end(year)


def wareki_date(day: dt.date) -> str:
    """令和の日付: 2025-03-26 → 「令和7年3月26日」 (the rule is `smrj_plan.formatting.wareki`)."""
    return formatting.wareki(day)
