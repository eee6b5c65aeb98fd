"""Every figure of an indicator reads the same wherever it appears.

A spread of approved actuals (five pillars, counts, ratios, an exact target, a reference indicator, one ratio of
49/400) is entered once; then the status counts per pillar, the cumulative, the 達成率, the status, the
年度末見込み and the 評定の目安 are read from the overview, each pillar page, each indicator page, the review
page and the workbook's 指標 sheet, and must be the same text everywhere. A few are also computed by hand, so
that the pages agreeing on a wrong figure fails too."""

import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Actual, Indicator
from reports.workbook import export_context_build, workbook_write

D = Decimal
AS_OF = 2

# code: the approved figures of Q1 and Q2 (a number, or (numerator, denominator) for a ratio)
SPREAD = {
    "1-1": (300, 275),  # 社, target 1,000: 575 → 57.5 %, forecast 1,150社
    "1-3": ((49, 400), None),  # 12.25 % → 12.3 %
    "2-2": (100, 101),  # 件, target 1,500: 201 → 13.4 %
    "3-2": (80, 90),  # 社, target 330: 170 → 51.5 %
    "3-3": ((140, 200), (150, 200)),  # 290/400 = 72.5 %
    "4-9": (16000, 15000),  # 者, target 60,000: 31,000 → 51.7 %, forecast 62,000者
    "4-10": (80, 70),  # exact 300件
    "5-3": (20000, 23000),  # 人日, target 92,800: 43,000 → 46.3 %
    "R2-4-1": (12, 30),  # reference: counted, no rating
}

# Hand-computed: (cumulative as the pages show it, 達成率, 年度末見込み)
BY_HAND = {
    "1-1": ("575社", "57.5%", "1,150社"),
    "2-2": ("201件", "13.4%", "402件"),
    "3-2": ("170社", "51.5%", "340社"),
    "4-9": ("31,000者", "51.7%", "62,000者"),
    "5-3": ("43,000人日", "46.3%", "86,000人日"),
}
# The cumulative of a ratio is Σ分子/Σ分母.
RATIO_BY_HAND = {"1-3": "12.3%", "3-3": "72.5%"}


def cell_texts(fragment: str) -> list[str]:
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", fragment, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]


def first(text: str) -> str:
    """The figure itself, without what follows it in the same cell (（49／400）, a bar, ペース比 …)."""
    return text.split(" ")[0].split("（")[0]


def table_row(html: str, code: str) -> list[str]:
    match = re.search(rf'<tr[^>]*data-code="{re.escape(code)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, code
    return cell_texts(match.group(1))


COLUMNS = {
    "actual": "累計実績（承認済み）",
    "rate": "達成率",
    "status": "状況",
    "forecast": "年度末見込み（予測）",
    "grade": "評定の目安",
}


def row_figures(html: str, code: str) -> dict:
    """The figures of the progress table's row, found by column heading (the pillar pages have no 柱 column)."""
    table = next(t for t in re.findall(r"<table.*?</table>", html, re.S) if f'data-code="{code}"' in t)
    headings = cell_texts(re.search(r"<thead[^>]*>(.*?)</thead>", table, re.S).group(1))
    cells = table_row(table, code)
    return {
        key: (
            cells[headings.index(heading)]
            if key in ("status", "grade")
            else first(cells[headings.index(heading)])
        )
        for key, heading in COLUMNS.items()
    }


def card_figures(html: str) -> dict:
    def card(name):
        match = re.search(rf'data-figure="{name}"><span class="label">.*?</span>(.*?)</div>', html, re.S)
        assert match, name
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()

    return {
        "actual": first(card("actual")),
        "rate": first(card("rate")),
        "status": card("status"),
        "forecast": first(card("forecast")),
        "grade": card("grade"),
    }


def status_counts(fragment: str) -> dict[str, int]:
    return {
        s: int(n) for s, n in re.findall(r'data-status="(\w+)">[^<]*<span class="n">(\d+)</span>', fragment)
    }


def pillar_cards(html: str) -> dict[int, dict[str, int]]:
    cards = re.findall(r'data-pillar="(\d+)">(.*?)</section>', html, re.S)
    return {int(n): status_counts(body) for n, body in cards}


def excel_text(cell) -> str:
    """What a spreadsheet shows for the cell, for the formats the sheet uses ('#,##0', '#,##0.0', '0.0"%"' …)."""
    value, fmt = cell.value, cell.number_format
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    decimals = len(re.search(r"0(?:\.(0+))?", fmt).group(1) or "")
    shown = D(str(value)).quantize(D(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{shown:,.{decimals}f}" if "," in fmt else f"{shown:.{decimals}f}"
    return text + ("%" if "%" in fmt else "")


@pytest.fixture
def spread(fiscal_year):
    for code, quarters in SPREAD.items():
        indicator = Indicator.objects.get(code=code, plan=fiscal_year.plan)
        for quarter, figure in enumerate(quarters, start=1):
            if figure is None:
                continue
            values = (
                {"numerator": D(figure[0]), "denominator": D(figure[1])}
                if isinstance(figure, tuple)
                else {"value": D(figure)}
            )
            Actual.objects.create(
                indicator=indicator, fiscal_year=fiscal_year, quarter=quarter, state="approved", **values
            )
    return fiscal_year


@pytest.fixture
def pages(spread, manager_client):
    overview = manager_client.get(reverse("dashboard:overview"), {"q": AS_OF}).content.decode()
    pillars = {
        n: manager_client.get(reverse("dashboard:pillar", args=[2024, n]), {"q": AS_OF}).content.decode()
        for n in range(1, 6)
    }
    indicators = {
        code: manager_client.get(
            reverse("dashboard:indicator", args=[Indicator.objects.get(code=code, plan=spread.plan).pk]),
            {"q": AS_OF},
        ).content.decode()
        for code in SPREAD
    }
    review = manager_client.get(reverse("entry:review", args=[2024, AS_OF])).content.decode()
    ctx = export_context_build(year=2024, quarter=AS_OF, include_drafts=False, exported_by="kansa")
    buffer = io.BytesIO()
    workbook_write(ctx=ctx, output=buffer)
    buffer.seek(0)
    return {
        "overview": overview,
        "pillars": pillars,
        "indicators": indicators,
        "review": review,
        "sheet": load_workbook(buffer)["指標"],
    }


def sheet_figures(ws, code: str) -> dict:
    headers = {cell.value: cell.column for cell in ws[3]}
    row = next(r[0].row for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value == code)

    def shown(heading):
        return excel_text(ws.cell(row, headers[heading]))

    return {
        "actual": shown("累計"),
        "rate": shown("達成率"),
        "status": shown("状況"),
        "forecast": shown("年度末見込み"),
        "grade": shown("評定の目安"),
        "quarter": shown(f"第{AS_OF}四半期"),
    }


def without_unit(text: str) -> str:
    """「1,150社」 → 「1,150」: the sheet keeps the unit in its own column."""
    return re.sub(r"[^\d,.%—-]+$", "", text)


@pytest.mark.parametrize("code", [c for c in SPREAD if not c.startswith("R")])
def test_an_indicator_reads_the_same_on_every_page_and_in_the_workbook(pages, code):
    overview = row_figures(pages["overview"], code)
    pillar = int(code.split("-")[0])
    assert row_figures(pages["pillars"][pillar], code) == overview
    assert card_figures(pages["indicators"][code]) == overview
    sheet = sheet_figures(pages["sheet"], code)
    # The sheet keeps the unit in a column of its own; a ratio's 累計 row is the ratio (Σ分子 and Σ分母 follow).
    for figure in ("actual", "rate", "forecast"):
        assert sheet[figure] == without_unit(overview[figure]), figure
    for label in ("status", "grade"):
        assert sheet[label] == overview[label], label


@pytest.mark.parametrize("code", list(BY_HAND))
def test_count_figures_are_the_hand_computed_ones(pages, code):
    actual, rate, forecast = BY_HAND[code]
    assert {
        k: v for k, v in row_figures(pages["overview"], code).items() if k in ("actual", "rate", "forecast")
    } == {
        "actual": actual,
        "rate": rate,
        "forecast": forecast,
    }


@pytest.mark.parametrize(("code", "ratio"), list(RATIO_BY_HAND.items()))
def test_ratio_figures_are_the_hand_computed_ones(pages, code, ratio):
    assert row_figures(pages["overview"], code)["actual"] == ratio
    assert card_figures(pages["indicators"][code])["actual"] == ratio


def test_the_quarter_value_reads_the_same_on_the_review_page_and_in_the_sheet(pages):
    for code, quarters in SPREAD.items():
        figure = quarters[AS_OF - 1]
        row = re.search(rf'<tr id="actual-{re.escape(code)}"[^>]*>(.*?)</tr>', pages["review"], re.S)
        if figure is None:
            assert row is None, code
            continue
        shown = cell_texts(row.group(1))[2]
        if isinstance(figure, tuple):
            assert shown.startswith(f"{figure[0]:,}／{figure[1]:,}（"), code
        else:
            assert without_unit(shown) == f"{figure:,}", code
            assert sheet_figures(pages["sheet"], code)["quarter"] == f"{figure:,}", code


def test_status_counts_per_pillar_are_the_same_on_the_overview_and_each_pillar_page(pages):
    cards = pillar_cards(pages["overview"])
    assert sorted(cards) == [1, 2, 3, 4, 5]
    for number in range(1, 6):
        page_counts = status_counts(
            re.search(r'<ul class="status-counts">(.*?)</ul>', pages["pillars"][number], re.S).group(1)
        )
        assert page_counts == cards[number], number
        # …and they count the statuses of that pillar's rows in the overview table.
        codes = re.findall(rf'data-code="({number}-[\d-]+)"', pages["overview"])
        assert sum(cards[number].values()) == len(set(codes)), number
    # Pillars 1 and 2 differ (the old pillar page showed pillar 1's counts everywhere).
    assert cards[1] != cards[2]
