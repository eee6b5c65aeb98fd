"""Error pages in production mode (DEBUG off, as every test runs): Japanese, with the site header and a way back.

The tests swap in a URL configuration with one view that fails, so a real unexpected exception reaches Django's
500 handler (the test client re-raises it unless told not to)."""

import pytest
from django.urls import path

from smrj_plan.urls import urlpatterns as site_urlpatterns

SITE_NAME = "中小機構 年度計画トラッカー"


def _fails(request):
    raise RuntimeError("an unexpected bug")


def _fails_after_touching_the_database(request):
    from indicators.models import Indicator

    Indicator.objects.filter(code="1-1").exists()
    raise ZeroDivisionError


urlpatterns = [
    path("test-error/", _fails),
    path("test-error/db/", _fails_after_touching_the_database),
    *site_urlpatterns,
]


def _assert_japanese_page_with_header(response, heading: str) -> str:
    body = response.content.decode()
    assert '<html lang="ja">' in body
    assert heading in body
    assert f'class="brand" href="/">{SITE_NAME}</a>' in body
    assert 'href="/">トップページに戻る</a>' in body
    for english in ("Server Error", "Forbidden", "Not Found", "Bad Request"):
        assert english not in body
    return body


@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.parametrize("url", ["/test-error/", "/test-error/db/"])
def test_an_unexpected_error_shows_the_japanese_500_page(settings, client, manager_client, url):
    assert settings.DEBUG is False
    for c in (client, manager_client):
        c.raise_request_exception = False
        response = c.get(url)
        assert response.status_code == 500
        body = _assert_japanese_page_with_header(response, "システムエラーが発生しました")
        assert "保存されていないことがあります" in body
        assert "an unexpected bug" not in body and "Traceback" not in body


def test_the_500_page_renders_without_any_context():
    """Django renders it with an empty context and no request; nothing in it may need either."""
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "システムエラーが発生しました" in html
    assert SITE_NAME in html
    assert "{%" not in html and "{{" not in html


def test_a_staff_member_opening_the_reports_download_gets_the_japanese_403_page(
    staff_client, other_staff_client
):
    for c in (staff_client, other_staff_client):
        response = c.get("/reports/download/")
        assert response.status_code == 403
        body = _assert_japanese_page_with_header(response, "この操作はできません")
        assert "監査用データの出力は監査担当と管理者だけが利用できます。" in body
        assert "ログアウト" in body  # the usual header with the user's menu


@pytest.mark.parametrize("url", ["/no-such-page/", "/entry/2099/1/", "/indicators/999999/"])
def test_a_missing_page_gets_the_japanese_404_page(manager_client, client, url):
    response = manager_client.get(url)
    assert response.status_code == 404
    _assert_japanese_page_with_header(response, "ページが見つかりません")
    anonymous = client.get("/no-such-page/")
    assert anonymous.status_code == 404
    _assert_japanese_page_with_header(anonymous, "ページが見つかりません")


def test_a_request_for_an_unknown_host_gets_the_japanese_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    body = _assert_japanese_page_with_header(response, "要求を処理できません")
    assert "何も保存していません" in body
