"""Production deployment: `check --deploy` is clean under the documented environment, static files are hashed and
served by whitenoise, and every response carries the security headers and a strict Content-Security-Policy."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

BASE = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = BASE / "deploy" / "production.env.example"
GUNICORN_PORT = 8116


def production_env(**overrides) -> dict[str, str]:
    """The documented production environment (deploy/production.env.example) with a real secret key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "GUNICORN_"))}
    for key in (
        "SECRET_KEY",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "STATIC_MANIFEST",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
    ):
        env.pop(key, None)
    for line in PRODUCTION_ENV.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DJANGO_SETTINGS_MODULE"] = "smrj_plan.settings"
    env.update(overrides)
    return env


def manage(*args, env, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_is_clean_under_the_documented_production_environment():
    proc = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (0 silenced)." in proc.stdout
    assert "WARNING" not in proc.stdout + proc.stderr


def test_check_deploy_flags_the_placeholder_secret_key_left_in_the_example():
    env = production_env(SECRET_KEY="CHANGE-ME")
    proc = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert proc.returncode != 0
    assert "security.W009" in proc.stdout + proc.stderr


def test_check_deploy_flags_debug_left_on():
    proc = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(DEBUG="1"))
    assert proc.returncode != 0
    assert "security.W018" in proc.stdout + proc.stderr


def test_production_settings_harden_cookies_transport_and_sessions():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER, "
        "s.CSRF_TRUSTED_ORIGINS, s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_ENGINE, "
        "s.STORAGES['staticfiles']['BACKEND'], s.DATABASES['default']['ENGINE'], sep='|')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().split("|") == [
        "True",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "['https://plan.example.go.jp']",
        "28800",
        "True",
        # Sessions in the shared database: any app server can serve any request.
        "django.contrib.sessions.backends.db",
        "smrj_plan.static_storage.HashedCompressedStaticStorage",
        "django.db.backends.postgresql",
    ]


def test_gunicorn_config_reads_the_environment():
    env = production_env(GUNICORN_BIND="127.0.0.1:8117", GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="42")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--print-config"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    config = dict(re.findall(r"^(\w+)\s*=\s*(.*)$", proc.stdout, flags=re.M))
    assert config["bind"] == "['127.0.0.1:8117']"
    assert config["workers"] == "3"
    assert config["timeout"] == "42"
    assert config["wsgi_app"] == "smrj_plan.wsgi:application"


def test_gunicorn_config_refuses_a_malformed_number():
    env = production_env(GUNICORN_WORKERS="five")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--check-config"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "GUNICORN_WORKERS must be a whole number" in proc.stdout + proc.stderr


def _wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn exited: {proc.stderr.read() if proc.stderr else ''}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, headers: dict[str, str]):
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_gunicorn_serves_the_app_with_hashed_static_files_and_security_headers(tmp_path):
    """collectstatic + migrate + gunicorn exactly as the README deploys, on a throwaway SQLite database."""
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
        STATIC_ROOT=str(tmp_path / "static"),
        ALLOWED_HOSTS="plan.example.go.jp",
        GUNICORN_BIND=f"127.0.0.1:{GUNICORN_PORT}",
        GUNICORN_WORKERS="2",
        GUNICORN_ACCESS_LOG="",
    )
    collect = manage("collectstatic", "--noinput", env=env)
    assert collect.returncode == 0, collect.stderr
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()
    migrate = manage("migrate", "--noinput", env=env)
    assert migrate.returncode == 0, migrate.stderr

    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_port(GUNICORN_PORT, server)
        base = f"http://127.0.0.1:{GUNICORN_PORT}"
        host = {"Host": "plan.example.go.jp"}

        # Plain HTTP reaching the app (proxy misconfigured or bypassed) is sent to HTTPS.
        status, headers, _ = _get(base + "/accounts/login/", host)
        assert status == 301
        assert headers["Location"] == "https://plan.example.go.jp/accounts/login/"

        proxied = {**host, "X-Forwarded-Proto": "https"}
        status, headers, body = _get(base + "/accounts/login/", proxied)
        assert status == 200
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert headers["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        cookie = headers["Set-Cookie"]
        assert (
            "csrftoken=" in cookie
            and "Secure" in cookie
            and "HttpOnly" in cookie
            and "SameSite=Lax" in cookie
        )

        # The page links the hashed stylesheet, and whitenoise serves it for a year, compressed on request.
        css = re.search(rb'href="(/static/css/app\.[0-9a-f]{12}\.css)"', body)
        assert css, body[:2000]
        status, headers, css_body = _get(base + css.group(1).decode(), {**proxied, "Accept-Encoding": "gzip"})
        assert status == 200
        assert "max-age=315360000" in headers["Cache-Control"]
        assert headers["Content-Encoding"] == "gzip"

        # An unknown host is refused (400), never served.
        status, _, _ = _get(
            base + "/accounts/login/", {"Host": "evil.example.com", "X-Forwarded-Proto": "https"}
        )
        assert status == 400
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- In-process checks of the headers on the pages users see ------------------------------------------------


def _csp_directives(value: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in value.split(";") if part.strip()}


def test_the_content_security_policy_forbids_inline_and_foreign_scripts():
    csp = _csp_directives(django_settings.CONTENT_SECURITY_POLICY)
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    # plotly.js sets inline styles on the SVG it draws; scripts stay strict.
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_every_page_carries_the_security_headers(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_logged_in_pages_carry_the_policy_and_secure_session_cookie(staff_user, client):
    login = client.post(reverse("login"), {"username": "tanto", "password": "pw-tanto"})
    assert login.status_code == 302
    session_cookie = login.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] is True and session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    # Expires with the browser: no persistent max-age/expires on the cookie.
    assert session_cookie["max-age"] == "" and session_cookie["expires"] == ""
    response = client.get(reverse("indicators:list"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_AGE == 8 * 60 * 60


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)


def test_no_template_relies_on_inline_script_the_policy_would_block():
    """`script-src 'self'` blocks inline scripts and handlers: a template using one would silently break."""
    offenders = []
    for template in sorted((BASE / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL):
            for match in pattern.finditer(text):
                # <script type="application/json"> carries data, not code, and the policy allows it to be read.
                if pattern is INLINE_SCRIPT and "application/json" in match.group(0):
                    continue
                offenders.append(f"{template.relative_to(BASE)}: {match.group(0)!r}")
    assert offenders == []


def test_a_lost_database_connection_is_answered_with_a_japanese_503(staff_client, monkeypatch):
    """During a database restart a request fails cleanly: 503, a retry hint, and the words 'nothing was saved'."""
    from django.db import OperationalError

    from smrj_plan import roles

    def database_gone(user):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(roles, "is_manager", database_gone)
    response = staff_client.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "一時的に利用できません" in body and "この操作の内容は保存されていません。" in body
    assert response["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY


def test_other_errors_are_not_disguised_as_database_outages(staff_client, monkeypatch):
    from smrj_plan import roles

    def broken(user):
        raise ZeroDivisionError

    monkeypatch.setattr(roles, "is_manager", broken)
    with pytest.raises(ZeroDivisionError):
        staff_client.get(reverse("home"))
