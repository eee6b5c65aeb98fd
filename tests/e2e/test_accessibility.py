"""axe-core (the copy bundled with axe-playwright-python) on every page, for every role, at desktop and phone
widths: no serious or critical violation. A quarter can be entered with the keyboard alone.

The phone width matters to axe: a table that scrolls in its own box there must be reachable by keyboard
(scrollable-region-focusable), which a desktop check never sees."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.site_pages import QUARTER, ROLES, YEAR, entry_row, open_page, pages_for, seed_quarter, sign_in

pytestmark = pytest.mark.e2e

AXE = Axe()
BLOCKING = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def pks(e2e_server, browser):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    try:
        return seed_quarter(e2e_server, context.new_page())
    finally:
        context.close()


def axe_check(page, label: str, evaluated: set) -> list[str]:
    """The page's serious and critical violations, one line each; records which rules axe evaluated."""
    # The bundled axe-core is injected once per page load; the second check (after a resize) reuses it.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    response = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    evaluated.update(rule["id"] for rule in response["passes"] + response["violations"])
    return [
        f"{label}: {v['id']} ({v['impact']}) {len(v['nodes'])}× e.g. {v['nodes'][0]['target']}: {v['help']}"
        for v in response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_or_critical_axe_violation_on_any_page(e2e_server, browser, pks, role):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    evaluated: set[str] = set()
    problems = []
    try:
        if role == ROLES[0]:
            open_page(page, e2e_server + "/accounts/login/")
            problems += axe_check(page, "/accounts/login/", evaluated)
        sign_in(page, e2e_server, role)
        for _name, path in pages_for(role, pks):
            open_page(page, e2e_server + path)
            problems += axe_check(page, f"{path} {DESKTOP['width']}px", evaluated)
            page.set_viewport_size(PHONE)
            page.wait_for_timeout(100)  # the charts redraw at the new width
            problems += axe_check(page, f"{path} {PHONE['width']}px", evaluated)
            page.set_viewport_size(DESKTOP)
    finally:
        context.close()
    assert problems == []
    # The rules behind today's findings really ran (a check that ran nothing would also find nothing).
    assert {"nested-interactive", "scrollable-region-focusable", "color-contrast", "label"} <= evaluated


def test_a_quarter_can_be_entered_with_the_keyboard_alone(e2e_server, page, login, pks):
    """Tab from the top of the page (through the skip link) to 1-1, type the figure, Enter saves a draft."""
    login(page, "tanto")
    page.goto(f"{e2e_server}/entry/{YEAR}/{QUARTER}/")
    field = entry_row(page, "1-1").get_by_label("実績値（社）")
    field_id = field.get_attribute("id")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "本文へ移動"
    page.keyboard.press("Enter")
    presses = 0
    while page.evaluate("document.activeElement.id") != field_id:
        assert presses < 40, "Tab never reached the 1-1 figure"
        page.keyboard.press("Tab")
        presses += 1
    assert presses <= 10, f"{presses} presses of Tab from the main content to the first figure"
    # Where the focus is can be seen.
    outline = page.evaluate(
        "(s => [s.outlineStyle, s.outlineWidth])(getComputedStyle(document.activeElement))"
    )
    assert outline[0] != "none" and outline[1] != "0px", outline

    page.keyboard.type("321")
    page.keyboard.press("Enter")  # the form's first button: 下書き保存
    expect(page.locator(".messages")).to_contain_text("件の実績を下書き保存しました。")
    expect(entry_row(page, "1-1").locator(".badge")).to_have_text("下書き")
    expect(entry_row(page, "1-1").get_by_label("実績値（社）")).to_have_value("321")
