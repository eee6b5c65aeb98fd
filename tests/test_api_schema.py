"""The OpenAPI 3 schema validates, names every endpoint, and the documentation page draws offline under the site's
Content-Security-Policy with Swagger UI served from this site (no CDN)."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db
CHROMIUM = "/usr/bin/chromium"


def _schema(client) -> dict:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def _v1_routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return [r for r in walk(get_resolver().url_patterns) if r.startswith("api/v1/")]


def test_the_schema_is_valid_openapi_3(manager_client):
    schema = _schema(manager_client)
    validate(schema)  # raises on any violation of the OpenAPI 3 specification
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "中小機構 年度計画トラッカー API"


def test_the_schema_names_every_endpoint_and_the_token_scheme(manager_client):
    schema = _schema(manager_client)
    documented = set(schema["paths"])
    for route in _v1_routes():
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        assert path in documented, f"{path} is missing from the schema"
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiToken"]["description"],
    }
    post = schema["paths"]["/api/v1/actuals/"]["post"]
    assert {p["name"] for p in post["parameters"]} >= {"Idempotency-Key"}
    assert {"200", "201", "400", "403", "404", "409", "422"} <= set(post["responses"])
    indicator = schema["components"]["schemas"]["Indicator"]["properties"]
    assert indicator["target"]["type"] == "string" and indicator["target"]["format"] == "decimal"


def test_the_docs_page_uses_only_this_sites_files(manager_client):
    response = manager_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert not re.search(r"<script>(?!</script>)", html), "no inline script (CSP script-src 'self')"
    for static in (s for s in sources if s.startswith("/static/")):
        assert finders.find(static.removeprefix("/static/")), f"{static} is served from the installed package"
    script = next(s for s in sources if "script" in s and not s.startswith("/static/"))
    js = manager_client.get(script.replace("&amp;", "&"))
    assert js.status_code == 200 and js["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in js.content.decode() and "/api/schema/" in js.content.decode()


@pytest.mark.e2e
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_the_docs_page_draws_offline_under_the_csp(manager_client, tmp_path):
    """Swagger UI renders every endpoint in headless Chromium with no network and the site's CSP: every request
    is answered from what the test client served, anything else is aborted and recorded."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    served = {}

    def fetch(path):
        response = manager_client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
        served["http://testserver" + path] = (response.status_code, headers, body)
        return body

    html = fetch("/api/docs/").decode()
    for asset in re.findall(r'(?:src|href)="(/[^"]+)"', html):
        fetch(asset.replace("&amp;", "&"))
    fetch("/api/schema/")
    outside, errors = [], []

    def handle(route):
        url = route.request.url
        if url not in served:
            outside.append(url)
            return route.abort()
        status, headers, body = served[url]
        return route.fulfill(status=status, headers=headers, body=body)

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if "Refused" in msg.text else None)
        page.route("**/*", handle)
        page.goto("http://testserver/api/docs/")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
        title = page.locator(".swagger-ui .info .title").inner_text()
        operations = page.locator(".opblock").count()
        page.screenshot(path=str(tmp_path / "docs.png"), full_page=False)
        browser.close()
    assert "中小機構 年度計画トラッカー API" in title
    assert operations >= len(_v1_routes()), operations
    assert outside == [] and errors == []


def test_the_schema_builds_without_a_warning(tmp_path):
    """Every field and parameter has a type the generator understands (no guessed or skipped parts)."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/indicators/" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")
