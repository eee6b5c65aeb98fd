"""The period a page is about (docs/domain.md「暦」): path converters for the fiscal year and the quarter, and
the resolved `Period` (fiscal year and as-of quarter) the views pass on.

`<fy:year>` matches a four-digit 西暦 fiscal year and `<quarter:quarter>` 1–4, so /entry/2024/5/ is a 404 at
routing and no view sees a quarter it must check. Resolving a request's period (with the default as-of quarter)
needs the actuals and lives in `smrj_plan.as_of`."""

from __future__ import annotations

from dataclasses import dataclass, field

QUARTERS = (1, 2, 3, 4)


class FiscalYearConverter:
    """<fy:year>: 2024 for 令和6年度. Four digits; whether the year has a plan is the view's question (404)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        year = int(getattr(value, "year", value))
        if not 1000 <= year <= 9999:
            raise ValueError(f"fiscal year out of range: {value!r}")
        return str(year)


class QuarterConverter:
    """<quarter:quarter>: 1–4 (第1四半期 4–6月 … 第4四半期 1–3月)."""

    regex = "[1-4]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        quarter = int(value)
        if quarter not in QUARTERS:
            raise ValueError(f"quarter out of range: {value!r}")
        return str(quarter)


CONVERTERS = {"fy": FiscalYearConverter, "quarter": QuarterConverter}


def register_converters() -> None:
    """Register <fy:…> and <quarter:…>; called once by the root URLconf before the apps' URL modules load."""
    from django.urls import register_converter
    from django.urls.converters import get_converters

    registered = get_converters()
    for name, converter in CONVERTERS.items():
        if name not in registered:
            register_converter(converter, name)


def quarter_parse(text: str | None) -> int | None:
    """A quarter typed in a query string: 「3」 → 3; blank → None; anything else raises ValueError."""
    if text is None or text == "":
        return None
    if len(text) != 1 or text not in "1234":
        raise ValueError(f"not a quarter: {text!r}")
    return int(text)


def year_parse(text: str | None) -> int | None:
    """A fiscal year typed in a query string: 「2024」 → 2024; blank → None; anything else raises ValueError."""
    if text is None or text == "":
        return None
    if len(text) != 4 or not text.isascii() or not text.isdigit():
        raise ValueError(f"not a fiscal year: {text!r}")
    return int(text)


@dataclass(frozen=True)
class Period:
    """What a page or an export is about: the fiscal year (a `measures.FiscalYear`) and the as-of quarter.

    `requested_quarter` is the quarter the request named (None: the default was taken, the last quarter with an
    approved actual, else 第1四半期); `years` the fiscal years on offer, latest first."""

    fiscal_year: object
    as_of_quarter: int
    requested_quarter: int | None = None
    years: list = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.fiscal_year.year

    @property
    def is_default_quarter(self) -> bool:
        return self.requested_quarter is None
