"""How every figure reads, on the pages and in the auditors' workbook: the one place for the display rules.

Pure functions over Decimal (no Django models, no float). Each text rule has the Excel number format that
shows the same digits next to it, and the workbook writes the VALUE already rounded the way the page rounds
it, so a cell and the page cannot disagree (Excel's own display rounding is half away from zero; a value that
is already rounded never reaches it).

Rules (README「表示の書式（一か所で定義）」):

- Counts with units: thousands separators, no trailing zeros (1,234.5社, 6,000件); no figure is 「—」.
- Percentages: rounded once to 0.1 % half-up (`round_percent`), always shown with one decimal (12.3%).
- 百万円: 「△」 for negatives, 「-」 for no amount (None), which is not 0; 執行額 (entered to 千円) always with
  three decimals so a column reads one way (41.000 / 40.320).
- Forecasts (年度末見込み): whole units, half-up (1,166.67 → 1,167社); a ratio's forecast is a percentage.
- Dates in 和暦 (令和7年3月26日, 令和元年5月1日), times in Asia/Tokyo.
- Names family name first (山田 太郎), the login name when no name is recorded.
- Targets in tables: the normalised value (1,000社以上) built from the numeric target; the published wording
  (「１，０００社以上」) stays on the indicator pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

DASH = "—"  # no figure yet (未入力, not applicable)
NO_AMOUNT = "-"  # a published 「-」: no amount, which is not 0
NEGATIVE_MARK = "△"
TOKYO = ZoneInfo("Asia/Tokyo")

# ---------------------------------------------------------------------------------------------------------------
# Rounding: the one place (DOMAIN rule「Compute with Decimal and state the rounding once」).
# ---------------------------------------------------------------------------------------------------------------

PERCENT_QUANTUM = Decimal("0.1")
PERCENT_ROUNDING = ROUND_HALF_UP
WHOLE = Decimal("1")
EXECUTED_PLACES = 3  # 執行額 are entered to 千円 = 0.001 百万円
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(7))  # 1, 0.1, … 0.000001


def round_percent(value: Decimal) -> Decimal:
    """Round a percentage to 0.1 % half-up (12.25 → 12.3, 107.142857… → 107.1, 79.95 → 80.0)."""
    return value.quantize(PERCENT_QUANTUM, rounding=PERCENT_ROUNDING)


def round_whole(value: Decimal) -> Decimal:
    """Round to whole units half-up, as a forecast is shown (1,166.67 → 1,167; 2.5 → 3)."""
    return value.quantize(WHOLE, rounding=ROUND_HALF_UP)


def as_decimal(value) -> Decimal | None:
    """Decimal from a Decimal, int or numeric string; None for None/"" (no figure). Floats are refused: they
    would bring binary rounding into figures that must read exactly as entered."""
    if type(value) is Decimal:  # the common case, first: pages format thousands of figures
        return value
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"a Decimal is expected, got {value!r}")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def places_of(value: Decimal) -> int:
    """Digits after the point once trailing zeros are dropped: 40.320 → 2, 6000 → 0, 1.5E+3 → 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# ---------------------------------------------------------------------------------------------------------------
# Texts (pages, messages)
# ---------------------------------------------------------------------------------------------------------------


def number(value) -> str:
    """Thousands separators, no trailing zeros: 1234.50 → 「1,234.5」, 6000 → 「6,000」; None → 「—」."""
    value = as_decimal(value)
    if value is None:
        return DASH
    if not value:
        return "0"  # also for -0 and 0E-2
    # normalize() drops trailing zeros (1234.50 → 1234.5, 6000 → 6E+3); ",f" writes it out with separators.
    return format(value.normalize(), ",f")


def count(value, unit: str = "") -> str:
    """A count with its unit: 「1,683社」, 「92,800.5人日」; None → 「—」 (no unit after a dash)."""
    text = number(value)
    return text if text == DASH else f"{text}{unit}"


def percent(value) -> str:
    """A percentage through `round_percent`: 12.25 → 「12.3%」, 120 → 「120.0%」; None → 「—」."""
    value = as_decimal(value)
    if value is None:
        return DASH
    return f"{round_percent(value):,f}%"  # quantized to one decimal, so ",f" writes exactly one


def figure(value, unit: str = "", *, is_percent: bool = False) -> str:
    """An indicator's figure: a percentage for ratio kinds, else a count with its unit."""
    return percent(value) if is_percent else count(value, unit)


def forecast(value, unit: str = "", *, is_percent: bool = False) -> str:
    """年度末見込み: whole units (1,166.67 → 「1,167社」), a ratio's forecast as a percentage; None → 「—」."""
    value = as_decimal(value)
    if value is None:
        return DASH
    return percent(value) if is_percent else count(round_whole(value), unit)


def ratio_pair(numerator, denominator) -> str:
    """Σ分子／Σ分母 as shown beside a ratio: 「1,683／2,098」."""
    return f"{number(numerator)}／{number(denominator)}"


def million(amount, places: int = 0) -> str:
    """百万円: 「1,234」, 「△1,234」, 0 → 「0」, None (no amount) → 「-」; `places` decimals half-up, kept even
    when zero so a column reads one way."""
    value = as_decimal(amount)
    if value is None:
        return NO_AMOUNT
    places = max(0, int(places))
    value = value.quantize(
        _QUANTA[places] if places < len(_QUANTA) else Decimal(1).scaleb(-places), ROUND_HALF_UP
    )
    text = format(abs(value), ",f")
    return f"{NEGATIVE_MARK}{text}" if value < 0 else text


def executed(amount) -> str:
    """執行額 in 百万円 to 千円: 41 → 「41.000」, 40.32 → 「40.320」, -1234.5 → 「△1,234.500」, None → 「-」."""
    return million(amount, EXECUTED_PLACES)


def multiplier(value) -> str:
    """A benchmark multiplier: 1.200 → 「1.2倍」."""
    text = number(value)
    return text if text == DASH else f"{text}倍"


def amount_input(value) -> str:
    """An amount put back into an input field: separators, no trailing zeros, a plain minus (the parser
    accepts it); None → ""."""
    value = as_decimal(value)
    return "" if value is None else number(value)


# Targets ------------------------------------------------------------------------------------------------------

COMPARISON_SUFFIX = {"gte": "以上", "lte": "以下"}
_WIDE_TO_NARROW = str.maketrans("０１２３４５６７８９，．％", "0123456789,.%")


def shorten(text: str, length: int) -> str:
    """At most `length` characters, the last one 「…」 when cut (as Django's truncatechars writes it, without its
    Unicode normalisation: a 200-row list spent half its time there)."""
    return text if len(text) <= length else text[: length - 1] + "…"


def normalise_width(text: str) -> str:
    """Full-width digits and their separators as half-width: 「１，０００社以上」 → 「1,000社以上」. Only these
    characters change; the words stay as published."""
    return (text or "").translate(_WIDE_TO_NARROW)


def target_label(*, target, unit: str, comparison: str, text: str = "") -> str:
    """A target as tables show it: built from the numeric target (1,000社以上, 70%以上, 300件) so every row
    reads the same way; a target with no number keeps its wording with half-width digits; none → 「—」."""
    value = as_decimal(target)
    if value is not None:
        return f"{count(value, unit)}{COMPARISON_SUFFIX.get(comparison, '')}"
    return normalise_width(text) or DASH


# Dates and names ----------------------------------------------------------------------------------------------

_ERAS = (  # (first day, name), newest first
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
)


def wareki_year(day: dt.date) -> str:
    """「令和7年」 for 2025-03-26; the first year of an era is 元年 (令和元年)."""
    for start, era in _ERAS:
        if day >= start:
            n = day.year - start.year + 1
            return f"{era}{'元' if n == 1 else n}年"
    return f"{day.year}年"


def wareki(day: dt.date | dt.datetime | None) -> str:
    """和暦の日付: 2025-03-26 → 「令和7年3月26日」; a datetime is first put in Japan time; None → 「—」."""
    if day is None:
        return DASH
    if isinstance(day, dt.datetime):
        day = japan_time(day).date()
    return f"{wareki_year(day)}{day.month}月{day.day}日"


def wareki_datetime(moment: dt.datetime | None) -> str:
    """「令和7年1月15日 09:30:00」 in Japan time (a naive datetime is taken as Japan time already)."""
    if moment is None:
        return DASH
    local = japan_time(moment)
    return f"{wareki(local.date())} {local:%H:%M:%S}"


def wareki_with_western(day: dt.date | None) -> str:
    """「令和7年3月26日（2025年3月26日）」: both calendars, as DOMAIN asks for dates of record."""
    if day is None:
        return DASH
    return f"{wareki(day)}（{day.year}年{day.month}月{day.day}日）"


def japan_time(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is None else moment.astimezone(TOKYO)


def full_name(family: str, given: str) -> str:
    """「山田 太郎」: family name first; either part may be missing."""
    return " ".join(part for part in ((family or "").strip(), (given or "").strip()) if part)


def person_name(user, *, with_username: bool = False) -> str:
    """A person as every page and sheet names them: 「山田 太郎」 (family name first), the login name when no
    name is recorded, 「—」 for nobody. `with_username` adds the login for records (「山田 太郎（yamada）」).

    Reads `last_name`, `first_name` and `username` (or `get_username()`) only, so it takes a User or any
    record with those attributes."""
    if user is None:
        return DASH
    get_username = getattr(user, "get_username", None)
    username = get_username() if callable(get_username) else getattr(user, "username", "")
    name = full_name(getattr(user, "last_name", ""), getattr(user, "first_name", ""))
    if not name:
        return username or DASH
    return f"{name}（{username}）" if with_username and username else name


# ---------------------------------------------------------------------------------------------------------------
# Excel: the number formats that show the same digits as the texts above
# ---------------------------------------------------------------------------------------------------------------

# Published 百万円 amounts. A published 「-」 is written as the text 「-」 (not a number a SUM would count); a
# published 0 is a number and shows 「0」, as the plan prints it (e.g. 財務費用 0 beside 「-」).
AMOUNT_XLSX = '#,##0;"△"#,##0;0'
# 執行額, their 累計 and 差額: one format for the column, three decimals (千円).
EXECUTED_XLSX = '#,##0.000;"△"#,##0.000;0.000'
# Computed 百万円 figures (sums of published amounts, differences): △ for negatives, a real 0 shows 0.
SIGNED_XLSX = '#,##0;"△"#,##0;0'
# Percentages are stored as percent numbers (75.0 means 75.0 %), rounded by round_percent.
PERCENT_XLSX = '#,##0.0"%"'
WHOLE_XLSX = "#,##0"  # forecasts, after round_whole
DATETIME_XLSX = "yyyy/mm/dd hh:mm:ss"


def count_xlsx(value: Decimal) -> str:
    """The count format showing exactly `number(value)`'s digits: 6000 → '#,##0', 40.32 → '#,##0.00'."""
    places = places_of(value)
    return WHOLE_XLSX if places == 0 else f"#,##0.{'0' * places}"


def multiplier_xlsx(value: Decimal) -> str:
    """1.2 → '#,##0.0"倍"' (shows 1.2倍, the cell stays the number 1.2)."""
    places = places_of(value)
    return f'#,##0{"." + "0" * places if places else ""}"倍"'


def xlsx_figure(value, *, is_percent: bool = False) -> tuple[Decimal | None, str]:
    """(cell value, number format) of an indicator's figure, showing what `figure()` shows."""
    value = as_decimal(value)
    if value is None:
        return None, WHOLE_XLSX
    if is_percent:
        return round_percent(value), PERCENT_XLSX
    return value, count_xlsx(value)


def xlsx_forecast(value, *, is_percent: bool = False) -> tuple[Decimal | None, str]:
    """(cell value, number format) of a forecast, showing what `forecast()` shows: the value itself is rounded
    to whole units, so a formula over the cell uses the figure the page prints."""
    value = as_decimal(value)
    if value is None:
        return None, WHOLE_XLSX
    if is_percent:
        return round_percent(value), PERCENT_XLSX
    return round_whole(value), WHOLE_XLSX
