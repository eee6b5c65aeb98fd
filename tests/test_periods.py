import datetime as dt

import pytest

from measures import periods


def test_reiwa_6_is_fiscal_2024_april_to_march():
    assert periods.fiscal_year_label(2024) == "令和6年度（2024年度）"
    assert periods.fiscal_year_start(2024) == dt.date(2024, 4, 1)
    assert periods.fiscal_year_end(2024) == dt.date(2025, 3, 31)


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        (2, dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        (3, dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        (4, dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    ],
)
def test_quarter_spans(quarter, start, end):
    span = periods.quarter_span(2024, quarter)
    assert (span.start, span.end) == (start, end)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 4, 1), (2024, 1)),
        (dt.date(2024, 9, 30), (2024, 2)),
        (dt.date(2024, 12, 31), (2024, 3)),
        (dt.date(2025, 1, 1), (2024, 4)),
        (dt.date(2025, 3, 31), (2024, 4)),
        (dt.date(2025, 4, 1), (2025, 1)),
    ],
)
def test_quarter_of(day, expected):
    assert periods.quarter_of(day) == expected


def test_wareki_dates():
    assert periods.wareki_date(dt.date(2024, 3, 29)) == "令和6年3月29日"
    assert periods.wareki_date(dt.date(2025, 3, 26)) == "令和7年3月26日"


def test_it_rejects_a_fifth_quarter():
    with pytest.raises(ValueError):
        periods.quarter_span(2024, 5)
