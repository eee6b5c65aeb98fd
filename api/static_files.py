"""Static files the API needs, and only those: Swagger UI from drf-spectacular-sidecar, served from this site.

The sidecar package also ships Redoc (about 5 MB with its source map) and DRF ships the browsable API's assets
(Bootstrap, jQuery, fonts); the API uses neither (it renders JSON and CSV, and the docs page is Swagger UI), so
`collectstatic` leaves them out instead of hashing and compressing files nobody is sent."""

from pathlib import Path

import drf_spectacular_sidecar
from django.contrib.staticfiles.finders import AppDirectoriesFinder, BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

SWAGGER_PREFIX = "drf_spectacular_sidecar/swagger-ui-dist"
SWAGGER_ROOT = Path(drf_spectacular_sidecar.__file__).resolve().parent / "static" / SWAGGER_PREFIX
# Apps whose static folders are not collected (see the module's docstring).
UNUSED_STATIC_APPS = {"rest_framework", "drf_spectacular_sidecar"}


class AppDirectoriesWithoutUnusedAssets(AppDirectoriesFinder):
    """Django's app-directories finder, minus the apps in UNUSED_STATIC_APPS."""

    def __init__(self, app_names=None, *args, **kwargs):
        from django.apps import apps

        names = [c.name for c in apps.get_app_configs() if c.name not in UNUSED_STATIC_APPS]
        if app_names:
            names = [n for n in names if n in set(app_names)]
        super().__init__(names, *args, **kwargs)


class SwaggerUiFinder(BaseFinder):
    """`drf_spectacular_sidecar/swagger-ui-dist/…` from the installed package, for runserver, WhiteNoise and
    collectstatic alike (the files keep the paths drf-spectacular's SIDECAR setting links to)."""

    def check(self, **kwargs):
        if not (SWAGGER_ROOT / "swagger-ui-bundle.js").is_file():
            return [Error("Swagger UI was not found in drf-spectacular-sidecar.", id="api.E001")]
        return []

    def _source(self, path: str) -> Path | None:
        head, _, name = path.rpartition("/")
        if head != SWAGGER_PREFIX or not name:
            return None
        candidate = SWAGGER_ROOT / name
        return candidate if candidate.is_file() and candidate.parent == SWAGGER_ROOT else None

    def find(self, path, find_all=False, **kwargs):
        source = self._source(path)
        if find_all:
            return [str(source)] if source else []
        return str(source) if source else None

    def list(self, ignore_patterns):
        storage = FileSystemStorage(location=str(SWAGGER_ROOT))
        storage.prefix = SWAGGER_PREFIX
        for source in sorted(SWAGGER_ROOT.iterdir()):
            if source.is_file():
                yield source.name, storage
