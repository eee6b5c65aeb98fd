"""End-to-end fixtures: a real server on its own SQLite database and headless Debian Chromium.

The server is a `manage.py runserver --noreload` subprocess on a free loopback port, with DEBUG=1, migrated and
loaded (load_plan, create_demo_users) before it starts; pytest's own test database is never touched, so the
plan loaded once per session stays intact. Reuse `e2e_server`, `browser`, `page` and `login` for new flows."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BASE_DIR = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-pass-2024"  # measures/management/commands/create_demo_users.py


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _require_chromium():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} がありません（apt-get install chromium）。"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


SETUP_COMMANDS = [["migrate", "--noinput", "-v0"], ["load_plan", "-v0"], ["create_demo_users"]]


@contextmanager
def running_server(commands: list[list[str]]):
    """A server on a fresh SQLite database prepared by running `commands` (manage.py arguments) in order."""
    _require_chromium()
    tmp = Path(tempfile.mkdtemp(prefix="smrj-e2e-"))
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
        "SECRET_KEY": "e2e-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_MANIFEST": "0",
        "AXES_ENABLED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    for command in commands:
        subprocess.run(manage + command, env=env, cwd=BASE_DIR, check=True, capture_output=True, timeout=300)
    log = open(tmp / "server.log", "wb")
    server = subprocess.Popen(
        manage + ["runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=BASE_DIR,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if server.poll() is not None:
                raise RuntimeError("server exited: " + (tmp / "server.log").read_text(errors="replace"))
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        else:
            raise RuntimeError("server did not start: " + (tmp / "server.log").read_text(errors="replace"))
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def e2e_server():
    """Base URL of a running server with the plan and the demo users (tanto, kanri, kansa, sysadmin)."""
    with running_server(SETUP_COMMANDS) as base:
        yield base


@pytest.fixture(scope="module")
def browser(e2e_server):
    """Chromium for one test module. Not session-wide: Playwright's sync API keeps an event loop running while
    it is open, and Django refuses database calls from the other test modules while a loop runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 1000}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def login(e2e_server):
    """login(page, username): sign in through the login form (a fresh session per call)."""

    def _login(page, username: str):
        sign_in(page, e2e_server, username)

    return _login


def sign_in(page, base: str, username: str):
    """Sign in on the server at `base` through the login form, with a fresh session; usable from module-scoped
    fixtures and from modules that run a server of their own."""
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"login failed for {username}"
