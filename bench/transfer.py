"""Bytes Chromium transfers for the dashboard: a first view (empty cache) and a repeat view.

    python bench/transfer.py              # prints a table per server configuration; exit 1 if a goal is missed

Each configuration is a real server on a temporary SQLite database holding the plan and the demo users:

- `make run`: collectstatic into a temporary STATIC_ROOT, then runserver with DEBUG=1 and STATIC_MANIFEST=1 (static
  files served by WhiteNoise: hashed names, gzip/brotli copies, ten-year cache). Production serves the same files
  through the same WhiteNoise code.
- the same server for a browser that accepts gzip but not brotli (Chromium sends `br` only to HTTPS and local
  origins: someone opening `make run` by the machine's LAN address gets gzip);
- for reference, the static files read from the sources (STATIC_MANIFEST=0, as the browser tests run): no
  compressed copies, plain names revalidated on every view, i.e. what `make run` served before.

Headless Chromium (/usr/bin/chromium) signs in as 管理者 kanri through the context's request API (it shares the
cookies, not the HTTP cache, so no page or stylesheet is cached by signing in), then opens /dashboard/ with an
empty cache (first view) and again in the same context (repeat view: a new navigation with a warm cache). A view
has ended when the chart is drawn and the network is idle. Transferred bytes are what Chromium's network layer
received (DevTools Network.loadingFinished encodedDataLength: headers and body as sent on the wire, compressed or
not); a response from the memory or disk cache counts zero.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_PASSWORD = "demo-pass-2024"  # measures/management/commands/create_demo_users.py
GOAL_FIRST = 1_600_000  # bytes: ≤ 1.6 MB
GOAL_REPEAT = 100_000  # bytes: ≤ 100 KB


@dataclass
class Transfer:
    url: str
    status: int = 0
    encoding: str = ""
    cache_control: str = ""
    from_cache: bool = False
    bytes: int = 0


@dataclass
class View:
    transfers: dict[str, Transfer] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(t.bytes for t in self.transfers.values())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare_database(env: dict) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["load_plan", "-v0"], ["create_demo_users"]):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=600)


class Server:
    def __init__(self, env: dict, log: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
        )
        for _ in range(240):
            if self.process.poll() is not None:
                raise RuntimeError("server exited: " + log.read_text(errors="replace"))
            try:
                urllib.request.urlopen(self.base + "/accounts/login/", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        raise RuntimeError("server did not start: " + log.read_text(errors="replace"))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _sign_in(context, base: str) -> None:
    form = context.request.get(base + "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text()).group(1)
    response = context.request.post(
        base + "/accounts/login/",
        form={"csrfmiddlewaretoken": token, "username": "kanri", "password": DEMO_PASSWORD},
        max_redirects=0,
    )
    if response.status != 302:
        raise RuntimeError(f"sign-in failed: HTTP {response.status}")


def _view(page, cdp, url: str) -> View:
    view = View()

    def transfer(request_id: str, url: str = "") -> Transfer:
        return view.transfers.setdefault(request_id, Transfer(url=url))

    def on_response(event):
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        t = transfer(event["requestId"], response["url"])
        t.url, t.status = response["url"], response["status"]
        t.encoding = headers.get("content-encoding", "")
        t.cache_control = headers.get("cache-control", "")
        t.from_cache = t.from_cache or response.get("fromDiskCache", False)

    handlers = {
        "Network.responseReceived": on_response,
        "Network.requestServedFromCache": lambda e: setattr(transfer(e["requestId"]), "from_cache", True),
        "Network.loadingFinished": lambda e: setattr(
            transfer(e["requestId"]), "bytes", int(e["encodedDataLength"])
        ),
    }
    for name, handler in handlers.items():
        cdp.on(name, handler)
    try:
        page.goto(url, wait_until="networkidle")
        page.wait_for_selector("[data-chart-drawn='1']", timeout=30000)
        page.wait_for_load_state("networkidle")
    finally:
        for name, handler in handlers.items():
            cdp.remove_listener(name, handler)
    return view


def measure(base: str, *, accept_encoding: str | None = None) -> tuple[View, View]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            headers = {"Accept-Encoding": accept_encoding} if accept_encoding else None
            context = browser.new_context(
                locale="ja-JP", timezone_id="Asia/Tokyo", extra_http_headers=headers
            )
            _sign_in(context, base)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            first = _view(page, cdp, base + "/dashboard/")
            repeat = _view(page, cdp, base + "/dashboard/")
            return first, repeat
        finally:
            browser.close()


def _print_view(title: str, view: View, base: str) -> None:
    print(f"\n{title}: {view.total:,} bytes ({view.total / 1_000_000:.2f} MB)")
    print("| resource | status | Content-Encoding | Cache-Control | from cache | bytes |")
    print("|---|---:|---|---|---|---:|")
    for t in sorted(view.transfers.values(), key=lambda t: -t.bytes):
        name = t.url.removeprefix(base) or "/"
        cached = "yes" if t.from_cache else ""
        print(f"| {name} | {t.status} | {t.encoding} | {t.cache_control} | {cached} | {t.bytes:,} |")


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} がありません（apt-get install chromium）。")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="smrj-transfer-"))
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'transfer.sqlite3'}",
        "SECRET_KEY": "transfer-bench-only-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AXES_ENABLED": "0",
        "STATIC_ROOT": str(tmp / "static"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LOG_LEVEL": "WARNING",
    }
    _prepare_database(env)
    # (label, STATIC_MANIFEST, Accept-Encoding sent or None for Chromium's own, held to the goals)
    configurations = [
        ("make run（collectstatic、WhiteNoise、STATIC_MANIFEST=1）", "1", None, True),
        ("同じ配信で gzip だけを受け付けるブラウザ（brotli なし）", "1", "gzip, deflate", True),
        ("参考: ソースから配信（STATIC_MANIFEST=0、圧縮なし）", "0", None, False),
    ]
    failed = False
    summary = []
    servers: dict[str, Server] = {}
    try:
        for label, manifest, accept_encoding, is_goal in configurations:
            if manifest not in servers:
                for running in servers.values():
                    running.stop()
                servers.clear()
                config_env = {**env, "STATIC_MANIFEST": manifest}
                if manifest == "1":
                    subprocess.run(
                        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
                        env=config_env,
                        cwd=ROOT,
                        check=True,
                        timeout=900,
                    )
                servers[manifest] = Server(config_env, tmp / f"server-{manifest}.log")
            server = servers[manifest]
            first, repeat = measure(server.base, accept_encoding=accept_encoding)
            print(f"\n## {label}")
            _print_view("first view (empty cache)", first, server.base)
            _print_view("repeat view (same browser)", repeat, server.base)
            goal = ""
            if is_goal:
                ok_first, ok_repeat = first.total <= GOAL_FIRST, repeat.total <= GOAL_REPEAT
                failed = failed or not (ok_first and ok_repeat)
                goal = f"{'OK' if ok_first else 'NG'} ≤ 1.6 MB; {'OK' if ok_repeat else 'NG'} ≤ 100 KB"
            summary.append((label, first.total, repeat.total, goal))
    finally:
        for running in servers.values():
            running.stop()

    print("\n| configuration | first view | repeat view | goal |")
    print("|---|---:|---:|---|")
    for label, first_total, repeat_total, goal in summary:
        print(f"| {label} | {first_total:,} bytes | {repeat_total:,} bytes | {goal} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
