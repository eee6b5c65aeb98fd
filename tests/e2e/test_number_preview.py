"""The entry page's live ratio reads numbers exactly as the server does (smrj_plan/numbers.py): 「1,580」
「１５８０」「1580.0」 give the same preview, and what the server would refuse is said to be unreadable."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import expect

from smrj_plan.formatting import round_percent
from smrj_plan.numbers import parse_decimal
from tests.e2e.conftest import SETUP_COMMANDS, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def e2e_server():
    """A server of its own: the entry flow on the shared server approves 1-3's 第1四半期, which this walk types
    into."""
    with running_server(SETUP_COMMANDS) as base:
        yield base


UNREADABLE = "数値として読めない入力があります"
PAIRS = [
    ("1,580", "2,000"),
    ("１５８０", "２０００"),
    ("1580.0", "2000.00"),
    ("１，５８０", "２，０００．０"),
    (" 1,580 ", "\u30002000\u3000"),
    ("75", "100"),
    ("1", "3"),
    ("2", "3"),
    (".5", "4"),
    ("12.", "80"),
    ("0.125", "1"),  # three decimals that matter: refused
    ("1.250", "4"),  # a trailing zero does not count
    ("1,58", "2000"),
    ("1e3", "2000"),
    ("-5", "10"),
    ("１２３４５６７８９０１２３", "1"),  # 13 integer digits
    ("abc", "10"),
    ("1 580", "2000"),
]


def server_preview(numerator: str, denominator: str) -> str:
    """What the server makes of the pair: the % the saved row will show, or that it refuses an input."""
    try:
        num = parse_decimal(numerator, max_digits=14, decimal_places=2)
        den = parse_decimal(denominator, max_digits=14, decimal_places=2)
    except ValidationError:
        return UNREADABLE
    if num < 0 or den < 0:
        return UNREADABLE
    if den == 0:
        return "分母が0では計算できません"
    if num > den:
        return "分子が分母を超えています"
    return f"{round_percent(num * Decimal(100) / den)}%"


def test_the_live_ratio_agrees_with_the_server_for_every_way_of_typing(e2e_server, page, login):
    login(page, "tanto")
    page.goto(e2e_server + "/entry/2024/1/")
    row = page.locator('section.entry-row[data-indicator="1-3"]')
    output = row.locator("[data-ratio-output]")
    for numerator, denominator in PAIRS:
        row.get_by_label("分子（該当数）").fill(numerator)
        row.get_by_label("分母（回答数等）").fill(denominator)
        expect(output).to_have_text(server_preview(numerator, denominator))
    assert server_preview("１５８０", "２０００") == "79.0%"  # the expectation itself, by hand: 1580/2000

    # Saved as typed with full-width digits: the server stores and shows the same 79.0 %.
    row.get_by_label("分子（該当数）").fill("１，５８０")
    row.get_by_label("分母（回答数等）").fill("２０００")
    expect(output).to_have_text("79.0%")
    page.get_by_role("button", name="下書き保存").click()
    expect(page.locator(".messages")).to_contain_text("1件の実績を下書き保存しました。")
    expect(row.get_by_label("分子（該当数）")).to_have_value("1580")
    expect(output).to_have_text("79.0%")
