"""Static files: plotly.js only where a chart is drawn, a favicon at /favicon.ico, and the storage that `make run`
and production share (hashed names even with DEBUG on, compressed copies made once)."""

import gzip
import re
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from whitenoise.compress import Compressor

from indicators.models import Indicator
from smrj_plan.static_storage import HashedCompressedStaticStorage

PLOTLY_TAG = 'src="/static/vendor/plotly.min.js"'


def test_plotly_is_linked_by_the_chart_pages_only(manager_client, plan):
    indicator = Indicator.objects.get(code="1-1", plan=plan)
    with_charts = [
        reverse("dashboard:overview"),
        reverse("dashboard:pillar", args=[2024, 1]),
        reverse("dashboard:pillar", args=[2024, 2]),
        reverse("dashboard:budget"),
        reverse("dashboard:indicator", args=[indicator.pk]),
    ]
    without = [
        reverse("entry:index"),
        reverse("entry:review", args=[2024, 1]),
        reverse("entry:history_quarter", args=[2024, 1]),
        reverse("measures:overview"),
        reverse("indicators:list"),
        reverse("indicators:detail", args=[indicator.pk]),
        reverse("budgets:index"),
        reverse("budgets:execution", args=["ippan"]),
        reverse("reports:index"),
    ]
    for url in with_charts:
        content = manager_client.get(url).content.decode()
        assert content.count(PLOTLY_TAG) == 1, url
        assert "data-chart-source" in content, url
    for url in without:
        response = manager_client.get(url)
        assert response.status_code == 200, url
        assert "plotly" not in response.content.decode(), url


def test_every_page_links_the_icon_and_favicon_ico_is_served(client, manager_client):
    for c, url in ((client, reverse("login")), (manager_client, reverse("entry:index"))):
        assert (
            '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'
            in c.get(url).content.decode()
        )
    svg = client.get("/static/img/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)
    # Browsers and tools ask for /favicon.ico whatever the page links: answered, not a 404.
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200
    assert ico["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(ico.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00" and b"PNG" in body[:40]  # an ICO holding a PNG


def _collect(storage, source, names):
    """What collectstatic does for these files: copy each (when new or changed), then post-process them all."""
    for name in names:
        if storage.exists(name):
            storage.delete(name)
        with source.open(name) as f:
            storage.save(name, f)
    return list(storage.post_process({name: (source, name) for name in names}))


@pytest.fixture
def storages(tmp_path):
    source = FileSystemStorage(location=tmp_path / "src")
    source.save("js/app.js", ContentFile(b"var chart = 'bars';\n" * 200))
    source.save("css/site.css", ContentFile(b"body { color: #123456; }\n" * 200))
    return source, HashedCompressedStaticStorage(location=tmp_path / "out", base_url="/static/")


def test_hashed_names_are_handed_out_with_debug_on_too(storages, settings):
    source, storage = storages
    _collect(storage, source, ["js/app.js", "css/site.css"])
    settings.DEBUG = True  # `make run`: Django's manifest storage would hand out js/app.js (max-age=0)
    url = storage.url("js/app.js")
    assert url.startswith("/static/js/app.") and url != "/static/js/app.js"
    hashed = url.removeprefix("/static/")
    assert storage.exists(hashed)
    assert gzip.decompress(open(storage.path(hashed + ".gz"), "rb").read()) == source.open("js/app.js").read()


def test_only_hashed_names_are_compressed_once_and_again_when_the_file_changes(storages):
    source, storage = storages
    names = ["js/app.js", "css/site.css"]
    with mock.patch.object(
        Compressor, "compress", autospec=True, side_effect=Compressor.compress
    ) as compress:
        _collect(storage, source, names)
        first = sorted(c.args[1].split("/out/")[1] for c in compress.call_args_list)
        assert first == sorted(storage.stored_name(name) for name in names)  # the names pages link
        assert all(re.fullmatch(r"(js/app|css/site)\.[0-9a-f]{12}\.(js|css)", name) for name in first)

        compress.reset_mock()
        list(storage.post_process({name: (source, name) for name in names}))  # collectstatic, nothing changed
        assert compress.call_count == 0

        source.delete("js/app.js")
        source.save("js/app.js", ContentFile(b"var chart = 'lines';\n" * 200))
        _collect(storage, source, ["js/app.js"])
        again = [c.args[1].split("/out/")[1] for c in compress.call_args_list]
    new_hashed = storage.stored_name("js/app.js")
    assert again == [new_hashed] and new_hashed not in first
    assert gzip.decompress(open(storage.path(new_hashed + ".gz"), "rb").read()).startswith(
        b"var chart = 'lines'"
    )
    assert not storage.exists("js/app.js.gz")
