import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest

from smrj_plan import data_version

logger = logging.getLogger(__name__)


class DataVersionMiddleware:
    """A page request (GET, HEAD) reads the data version once, however many cached reads it makes
    (`smrj_plan.data_version.request_memo`). Such a request writes nothing the figures are read from; a POST reads
    the version afresh at each cached read, after its own writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with data_version.request_memo():
            return self.get_response(request)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and a Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


# Static on purpose: rendering a template would need the database (context processors) that just went away.
DATABASE_UNAVAILABLE_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>一時的に利用できません｜中小機構 年度計画トラッカー</title></head>
<body><h1>一時的に利用できません</h1>
<p>データベースに接続できないため、処理を完了できませんでした。この操作の内容は保存されていません。</p>
<p>しばらく待ってから、もう一度お試しください。</p></body></html>
"""


class DatabaseUnavailableMiddleware:
    """A lost database connection (server restart, failover) is answered with 503 and a Japanese page saying
    nothing was saved, instead of a bare 500. The request's transaction is rolled back by the database, so no
    half-saved form remains; the next request reconnects (CONN_HEALTH_CHECKS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path, exception)
        response = HttpResponse(DATABASE_UNAVAILABLE_PAGE, status=503)
        response["Retry-After"] = "5"
        return response


NUL_REFUSED_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>入力を受け付けられません｜中小機構 年度計画トラッカー</title></head>
<body><h1>入力を受け付けられません</h1>
<p>入力に使えない制御文字（NUL）が含まれていたため、何も保存していません。前の画面に戻り、入力し直してください。</p>
</body></html>
"""


class RejectNulBytesMiddleware:
    """Refuses (400) any query or form value containing a NUL character before a view sees it.

    No text the app stores may hold NUL, and PostgreSQL cannot store it at all: a value read straight from
    request.POST would otherwise reach the database and fail there with a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return HttpResponseBadRequest(NUL_REFUSED_PAGE)
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A page opened with the wrong method (a bookmarked 承認 button's address) answers 405 with an empty body;
    a person gets the site's Japanese page with a way back instead. The API answers in JSON itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        from django.shortcuts import render

        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
