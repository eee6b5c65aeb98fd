"""A request's period: which fiscal year and which as-of quarter a page or an export is about.

The year and the quarter arrived five ways (the path, `?year`, `?q`, the report form, "the latest year"); pages
and the workbook now resolve them here, with one default: the latest fiscal year with a plan, and the last
quarter of that year with an approved actual (`indicators.selectors.actual_last_approved_quarter`'s rule), else
第1四半期. Views call `period_from_request` (a 404 for a year without a plan or a malformed value); code without
a request (the export command, the report form once validated) calls `period_resolve`.

This module sits above the figures (it reads the actuals) and below the pages that use it."""

from __future__ import annotations

from django.http import Http404

from indicators.selectors import fiscal_year_list_with_last_approved
from smrj_plan.period import Period, quarter_parse, year_parse


class PeriodNotFound(Exception):
    """The year has no plan (or no year has one); the message says which, in Japanese."""


def period_resolve(*, year: int | None = None, quarter: int | None = None) -> Period:
    """The period for `year` (None: the latest with a plan) as of `quarter` (None: the default as-of quarter).

    Raises PeriodNotFound when there is no such plan year, ValueError for a quarter outside 1–4."""
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ValueError("四半期は1〜4で指定してください。")
    years = fiscal_year_list_with_last_approved()
    if not years:
        raise PeriodNotFound("計画が読み込まれていません。")
    if year is None:
        fiscal_year = years[0]
    else:
        fiscal_year = next((fy for fy in years if fy.year == year), None)
        if fiscal_year is None:
            raise PeriodNotFound(f"{year}年度の計画が読み込まれていません。")
    as_of = quarter or fiscal_year.last_approved_quarter or 1
    return Period(fiscal_year=fiscal_year, as_of_quarter=as_of, requested_quarter=quarter, years=years)


def period_from_request(
    request, *, year: int | None = None, quarter: int | None = None, quarter_param: str = "q"
) -> Period:
    """The period of a request: the path's year and quarter when the URL has them (the converters checked
    them), else `?year=` and `?q=` (or `quarter_param`). A malformed value or a year without a plan is a 404."""
    try:
        if year is None:
            year = year_parse(request.GET.get("year"))
        if quarter is None:
            quarter = quarter_parse(request.GET.get(quarter_param))
        return period_resolve(year=year, quarter=quarter)
    except ValueError:
        raise Http404("年度・四半期の指定が正しくありません。") from None
    except PeriodNotFound as exc:
        raise Http404(str(exc)) from None
