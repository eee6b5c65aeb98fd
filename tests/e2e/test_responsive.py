"""On a phone (390×844) every page fits the screen: wide tables scroll inside their own labelled, focusable
container or are laid out as cards, short column headers and buttons stay on one line, indicator names get room;
the dashboard and pillar pages print on A4 landscape without the menus and forms.

One walk per role over all its pages (one server, one browser per module) keeps the suite quick. Screenshots of
every page go to $E2E_SCREENSHOTS (default /tmp/shots) for a person to look at."""

import re

import pytest

from tests.e2e.site_pages import YEAR, open_page, pages_for, screenshot, seed_quarter, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# A4 landscape, 10 mm margins (the @page rule): 277 mm of printable width at 96 px per inch.
A4_LANDSCAPE_PRINTABLE_PX = int(277 / 25.4 * 96)

# Everything measured in one round trip per page.
LAYOUT_PROBE = r"""() => {
  const shown = e => e.offsetWidth > 1 && e.offsetHeight > 1 && getComputedStyle(e).visibility !== 'hidden';
  const text = e => e.textContent.replace(/\s+/g, '');
  // Lines a box's text takes: distinct tops of its text fragments, a few pixels apart counting as one.
  const lines = e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    const tops = Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => r.top).sort((a, b) => a - b);
    return tops.filter((t, i) => i === 0 || t - tops[i - 1] > 6).length;
  };
  // A line that starts between two letters or digits (達成|率, 操|作), not at a space or punctuation (業務|（経理）).
  const WORD = /[\p{L}\p{N}ー]/u;
  const breaksInsideWord = e => {
    const range = document.createRange();
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    let prev = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!shown(node.parentElement)) continue;
      for (let i = 0; i < node.length; i++) {
        const ch = node.data[i];
        if (/\s/.test(ch)) { prev = null; continue; }
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (!rect.width) continue;
        if (prev && rect.top - prev.top > 6 && WORD.test(prev.ch) && WORD.test(ch)) return true;
        prev = {ch, top: rect.top};
      }
    }
    return false;
  };
  const scroller = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return p;
    }
    return null;
  };
  const wideTables = [];
  for (const table of document.querySelectorAll('main table')) {
    if (!shown(table)) continue;
    const box = scroller(table);
    if (!box) continue;
    if (box.scrollWidth > box.clientWidth + 1) {
      wideTables.push({
        caption: (table.className || table.querySelector('th')?.textContent || '').trim().slice(0, 40),
        focusable: box.tabIndex === 0,
        role: box.getAttribute('role'),
        label: box.getAttribute('aria-label') || '',
      });
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // Column headers never break inside a word; short row headers (第1四半期, 一般勘定) stay on one line.
    wrappedHeaders: Array.from(document.querySelectorAll('thead th')).filter(shown).filter(breaksInsideWord).map(text)
      .concat(Array.from(document.querySelectorAll('tbody th')).filter(shown)
        .filter(e => text(e).length <= 6 && lines(e) > 1).map(text)),
    wrappedButtons: Array.from(document.querySelectorAll('main .button, main button')).filter(shown)
      .filter(e => text(e).length <= 10 && lines(e) > 1).map(text),
    wideTables,
  };
}"""


@pytest.fixture(scope="module")
def pks(e2e_server, browser):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    try:
        return seed_quarter(e2e_server, context.new_page())
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def check_fits_the_phone(page, url: str, name: str) -> list[str]:
    open_page(page, url)
    layout = page.evaluate(LAYOUT_PROBE)
    screenshot(page, name)
    problems = []
    if layout["scrollWidth"] > layout["innerWidth"]:
        problems.append(f"{url}: page {layout['scrollWidth']} px wide on a {layout['innerWidth']} px screen")
    if layout["wrappedHeaders"]:
        problems.append(f"{url}: column headers broken over lines: {layout['wrappedHeaders']}")
    if layout["wrappedButtons"]:
        problems.append(f"{url}: buttons broken over lines: {layout['wrappedButtons']}")
    for table in layout["wideTables"]:
        if not (table["focusable"] and table["role"] == "region" and table["label"]):
            problems.append(
                f"{url}: the scrolling box of table {table['caption']!r} is not a labelled, focusable region"
            )
    return problems


@pytest.mark.parametrize("role", ["tanto", "kanri"])
def test_every_page_fits_a_phone_screen(e2e_server, phone, pks, role):
    """担当者 and 管理者: every page they use, at 390×844."""
    problems = check_fits_the_phone(phone, e2e_server + "/accounts/login/", "login")
    sign_in(phone, e2e_server, role)
    pages = pages_for(role, pks)
    for name, path in pages:
        problems += check_fits_the_phone(phone, e2e_server + path, f"{role}_{name}")
    assert problems == [], "\n".join(problems)
    assert len(pages) >= 18


def test_dashboard_gives_indicator_names_room_and_scrolls_the_table_in_its_box(e2e_server, phone, pks):
    sign_in(phone, e2e_server, "kanri")
    for path in ("/dashboard/", f"/dashboard/{YEAR}/pillar/1/", f"/dashboard/{YEAR}/pillar/2/"):
        open_page(phone, e2e_server + path)
        names = phone.locator("table.dashboard-table tbody tr td:first-child")
        assert names.count() >= 2, path  # pillar 2 has two indicators
        # Names were squeezed to about four characters a line (60 px); now they get at least ~8 characters.
        widths = [names.nth(i).bounding_box()["width"] for i in range(2)]
        assert min(widths) >= 120, (path, widths)
        # The table is wider than the screen, so it scrolls in its own box; the name column stays in view.
        box = phone.locator(".table-scroll:has(table.dashboard-table)")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        first = names.first.bounding_box()
        assert 0 <= first["x"] < 40, (path, first)
    screenshot(phone, "kanri_pillar2_scrolled")
    # 1-3 has an approved figure (第4四半期): its status is in the row, reachable by scrolling the box.
    open_page(phone, e2e_server + "/dashboard/")
    status = phone.locator('table.dashboard-table tr[data-code="1-3"] .badge')
    assert status.inner_text() not in ("", "未入力")


def card_cells(row) -> dict[str, str]:
    """A card's values by the label shown beside each (its ::before, from data-label) on the phone."""
    cells = row.evaluate(
        """tr => Array.from(tr.querySelectorAll('td[data-label]')).map(td => {
             const before = getComputedStyle(td, '::before');
             return [before.display === 'none' ? '' : before.content.replace(/^"|"$/g, ''), td.innerText.trim()];
           })"""
    )
    return dict(cells)


def test_entry_index_and_review_become_cards_on_a_phone(e2e_server, phone, pks):
    """The quarter list and the review table read as one card per row, each value under its label."""
    sign_in(phone, e2e_server, "tanto")
    open_page(phone, e2e_server + "/entry/")
    card = phone.locator('tr[data-quarter="4"]')
    cells = card_cells(card)
    assert int(cells["提出済み"]) >= 1 and int(cells["承認済み"]) >= 1, cells
    assert cells["締め"] == "受付中"
    buttons = card.locator(".button")
    assert buttons.count() == 2
    for i in range(2):
        assert buttons.nth(i).bounding_box()["height"] < 48  # one line, not one character a line
    screenshot(phone, "tanto_entry_index_card")

    sign_in(phone, e2e_server, "kanri")
    open_page(phone, e2e_server + f"/entry/{YEAR}/4/review/")
    for code, state in (("1-2", "提出済み"), ("1-3", "承認済み")):
        line = phone.locator(f"#actual-{code}")
        cells = card_cells(line)
        assert cells["状態"].startswith(state), cells
        assert cells["担当部署"] == "経営支援部", cells
        # The card spans the screen instead of a squeezed column.
        assert line.bounding_box()["width"] > 300
    assert "https://www.smrj.go.jp/support/" in card_cells(phone.locator("#actual-1-2"))["備考・根拠"]
    submitted = phone.locator("#actual-1-2")
    assert submitted.get_by_role("button", name="承認").is_visible()
    assert submitted.get_by_label("差戻しの理由").bounding_box()["width"] > 150
    screenshot(phone, "kanri_review_cards", full_page=True)


@pytest.mark.parametrize(
    "path_template", ["/dashboard/", "/dashboard/{year}/pillar/1/", "/dashboard/{year}/pillar/2/"]
)
def test_dashboard_and_pillar_pages_print_on_a4_landscape(
    e2e_server, page, login, pks, path_template, tmp_path
):
    login(page, "kanri")
    open_page(page, e2e_server + path_template.format(year=YEAR))
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    sizes = {
        (round(float(w)), round(float(h)))
        for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    }
    assert sizes == {(842, 595)}  # A4 landscape in points, every page

    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_LANDSCAPE_PRINTABLE_PX, "height": 760})
    page.wait_for_timeout(300)  # the charts follow the new width
    for hidden in (
        ".main-nav",
        ".user-box",
        "form.filter-form, form.period-form",
        ".sub-nav",
        ".site-footer",
    ):
        assert not page.locator(hidden).first.is_visible(), hidden
    # Every column fits on the paper: nothing scrolls away in a box that a printout cannot scroll.
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_LANDSCAPE_PRINTABLE_PX
    table_box = page.locator(".table-scroll").last
    assert table_box.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert page.locator("table.dashboard-table").is_visible()
    screenshot(page, "print_" + re.sub(r"\W+", "_", path_template).strip("_"), full_page=True)
