"""The dashboard's charts draw in headless Chromium with no network and the app's own CSP.

No live server (a flush would wipe the session's plan): the page and its static files are fetched with the Django
test client and handed to Chromium through Playwright's request routing, headers (Content-Security-Policy
included) passed through; any other request (a CDN, a favicon) is aborted and recorded."""

import re
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest

from indicators.models import Actual, Indicator
from measures.models import FiscalYear

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]
playwright_api = pytest.importorskip("playwright.sync_api")


def _responses(client, path) -> dict:
    """The page and every static file it links, fetched with the test client before Chromium starts asking.

    (Playwright calls route handlers in another context, where Django would open a second connection to the
    test database; answering from this prefetched map keeps every query on the test's own connection.)"""
    served = {}

    def fetch(url_path):
        response = client.get(url_path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
        served["http://testserver" + url_path] = (response.status_code, headers, body)
        return body

    html = fetch(path).decode()
    for asset in set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html)):
        fetch(asset)
    return served


def _serve_from(served: dict, outside: list):
    def handle(route):
        url = route.request.url
        if url not in served:
            if not url.endswith("/favicon.ico"):
                outside.append(url)
            return route.abort()
        status, headers, body = served[url]
        return route.fulfill(status=status, headers=headers, body=body)

    return handle


def _draw(browser, served, path, screenshot):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    outside, errors = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Uncaught script errors and CSP refusals fail the test; plain-http notices (COOP ignored) do not.
    page.on("console", lambda msg: errors.append(msg.text) if "Refused" in msg.text else None)
    page.route("**/*", _serve_from(served, outside))
    page.goto("http://testserver" + path)
    page.wait_for_selector("[data-chart-drawn='1']", timeout=20000)
    drawn = page.locator("[data-chart-drawn='1'] .main-svg").count()
    legend = page.locator("[data-chart-drawn='1'] .legendtext").all_text_contents()
    page.screenshot(path=screenshot, full_page=True)
    page.close()
    return drawn, legend, outside, errors


def test_indicator_and_overview_charts_draw_offline(manager_client, tmp_path):
    fy = FiscalYear.objects.get(year=2024)
    indicator = Indicator.objects.get(code="1-1", plan__fiscal_year=fy)
    Actual.objects.create(indicator=indicator, fiscal_year=fy, quarter=1, state="approved", value=D("300"))
    Actual.objects.create(indicator=indicator, fiscal_year=fy, quarter=2, state="approved", value=D("200"))
    indicator_path = f"/dashboard/indicator/{indicator.pk}/"
    # Everything Django has to answer is fetched before Playwright's event loop starts in this thread.
    served = {**_responses(manager_client, indicator_path), **_responses(manager_client, "/dashboard/")}
    assert "script-src 'self'" in served["http://testserver/dashboard/"][1]["Content-Security-Policy"]

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        indicator_result = _draw(browser, served, indicator_path, str(tmp_path / "indicator.png"))
        overview_result = _draw(browser, served, "/dashboard/", str(tmp_path / "overview.png"))
        browser.close()

    drawn, legend, outside, errors = indicator_result
    assert drawn >= 1
    assert {"四半期実績（承認済み）", "累計", "年度目標", "年度末見込み（予測）"} <= set(legend)
    assert outside == [] and errors == []
    drawn, legend, outside, errors = overview_result
    assert drawn >= 1
    assert {"順調", "未入力"} <= set(legend)
    assert outside == [] and errors == []
    if Path("/tmp").is_dir():
        for name in ("indicator.png", "overview.png"):
            shutil.copy(tmp_path / name, Path("/tmp") / f"dash_e2e_{name}")
