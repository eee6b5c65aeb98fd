"""Settings read from the environment refuse bad values instead of guessing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from smrj_plan.env import env_bool, parse_database_url

BASE = Path(__file__).resolve().parent.parent


def test_it_parses_postgres_urls():
    db = parse_database_url("postgres://postgres:s%40cret@127.0.0.1:5432/smrj", BASE)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "smrj",
        "postgres",
        "s@cret",
        "127.0.0.1",
        "5432",
    )


def test_it_defaults_sqlite_to_the_project_folder():
    assert parse_database_url("sqlite:///db.sqlite3", BASE)["NAME"] == str(BASE / "db.sqlite3")
    assert parse_database_url("sqlite:////tmp/x.sqlite3", BASE)["NAME"] == "/tmp/x.sqlite3"


def test_it_rejects_unknown_schemes_and_missing_names():
    with pytest.raises(ImproperlyConfigured):
        parse_database_url("mysql://root@localhost/x", BASE)
    with pytest.raises(ImproperlyConfigured):
        parse_database_url("postgres://root@localhost/", BASE)


def test_a_misspelt_boolean_is_an_error(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "off")
    assert env_bool("SOME_FLAG", True) is False


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DJANGO_SETTINGS_MODULE"] = "smrj_plan.settings"
    proc = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "SECRET_KEY is not set" in proc.stderr


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True
