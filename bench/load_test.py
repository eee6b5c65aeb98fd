#!/usr/bin/env python3
"""Load and fault test: 50 concurrent users against gunicorn + PostgreSQL on 127.0.0.1 (`make loadtest`).

担当者 enter and submit their quarter's actuals (on the page and by Excel upload), 管理者 approve, return and reopen
them, and readers browse dashboards, the review pages and budgets — all at once, for a bounded time. Mid-run one
gunicorn worker is killed (SIGKILL) and PostgreSQL is restarted. Afterwards bench/load_verify.py checks the
database against every write the clients attempted: nothing acknowledged is lost, nothing is duplicated, no
batch is half-saved. Prints throughput and latency percentiles; exits 1 on any 5xx outside the fault windows or
any integrity problem.

By default the run gets its own throwaway PostgreSQL server (initdb in a temporary folder, port 8118), so the
restart disturbs no one else; `--system-postgres` uses the machine's cluster instead (database smrj_load on
127.0.0.1:5432, restarted with pg_ctlcluster). Needs only the standard library, psycopg and openpyxl.
"""

import argparse
import glob
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
YEAR = 2024


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- PostgreSQL -------------------------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if not path:
        raise SystemExit(f"{name} not found: install PostgreSQL (postgresql package).")
    return path


def _as_postgres(cmd: list[str]) -> list[str]:
    """Server commands refuse to run as root; run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class PrivatePostgres:
    """A throwaway server in a temporary folder: created, restarted and removed by this script only."""

    def __init__(self, port: int):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="smrj-load-pg-"))
        self.data = self.dir / "data"
        self.logfile = self.dir / "postgres.log"
        self.url = f"postgres://postgres@127.0.0.1:{port}/smrj_load"

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"]
            ),
            check=True,
            capture_output=True,
        )
        self._ctl("start")
        subprocess.run(
            [_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "smrj_load"],
            check=True,
        )

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} -c max_connections=120"
        subprocess.run(
            _as_postgres(
                [
                    _pg_bin("pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.logfile),
                    "-o",
                    options,
                    "-w",
                    "-m",
                    "fast",
                    action,
                ]
            ),
            check=True,
            capture_output=True,
        )

    def restart(self) -> None:
        self._ctl("restart")

    def stop(self) -> None:
        try:
            self._ctl("stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class SystemPostgres:
    """The machine's cluster: database smrj_load recreated, the whole cluster restarted mid-run."""

    def __init__(self, url: str):
        self.url = url

    def start(self) -> None:
        import psycopg

        from smrj_plan.env import parse_database_url

        db = parse_database_url(self.url, BASE)
        admin = {
            "host": db["HOST"],
            "port": db["PORT"] or 5432,
            "user": db["USER"],
            "password": db["PASSWORD"],
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')

    def restart(self) -> None:
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)

    def stop(self) -> None:
        pass


# --- HTTP client ------------------------------------------------------------------------------------------


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One user's cookies over http.client, as the TLS proxy would forward them (X-Forwarded-Proto: https)."""

    def __init__(self, port: int, stats: "Stats"):
        self.port, self.stats = port, stats
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, label: str, body: bytes | None = None, content_type: str = ""
    ) -> Response:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "smrj-load-test",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
            response = Response(raw.status, raw.headers, data)
        except (OSError, http.client.HTTPException) as exc:
            self.stats.record(label, started, time.monotonic(), None, error=type(exc).__name__)
            raise
        finally:
            conn.close()
        self.stats.record(label, started, time.monotonic(), response.status)
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in cookie or "Max-Age=0" in cookie:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response

    def get(self, path: str, label: str) -> Response:
        return self.request("GET", path, label)

    def post(self, path: str, data: dict, label: str) -> Response:
        from urllib.parse import urlencode

        return self.request("POST", path, label, urlencode(data).encode())

    def post_multipart(self, path: str, fields: dict, files: dict, label: str) -> Response:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, label, b"".join(parts), f"multipart/form-data; boundary={boundary}")


class FormParser(HTMLParser):
    """Every form of a page: action and its named inputs (value of inputs, selected option, textarea text)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "id": a.get("id", ""), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("submit", "button"):
                return
            self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].setdefault(self._select, "")
        elif tag == "option" and self._select is not None and "selected" in a:
            self._form["fields"][self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea is not None and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_forms(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


MESSAGE = re.compile(r'<li class="message ([a-z ]+)">(.*?)</li>', re.S)


# --- Statistics -------------------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: list[tuple[str, float, float, int | None, str]] = []
        self.writes: list[dict] = []
        self.t0 = time.monotonic()
        self.faults: list[tuple[str, float, float]] = []

    def record(self, label, start, end, status, error=""):
        with self.lock:
            self.samples.append((label, start - self.t0, end - self.t0, status, error))

    def write(self, entry: dict) -> None:
        with self.lock:
            self.writes.append(entry)

    def fault(self, name: str, start: float, end: float) -> None:
        with self.lock:
            self.faults.append((name, start - self.t0, end - self.t0))

    def in_fault_window(self, start: float, end: float, margin: float) -> bool:
        return any(start <= f_end + margin and end >= f_start for _n, f_start, f_end in self.faults)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# --- Users ------------------------------------------------------------------------------------------------


class User(threading.Thread):
    def __init__(self, spec: dict, password: str, port: int, stats: Stats, stop_at: float, context: dict):
        super().__init__(daemon=True, name=spec["username"])
        self.spec, self.password, self.stats, self.stop_at, self.context = (
            spec,
            password,
            stats,
            stop_at,
            context,
        )
        self.browser = Browser(port, stats)
        self.rng = random.Random(spec["username"])
        self.failures = 0

    def url(self, name: str, number: int | None = None) -> str:
        """A page's path from the URL configuration (bench/load_setup.py), with the number filled in."""
        template = self.context["urls"][name]
        return template.replace("{n}", str(number)) if number is not None else template

    def url_pattern(self, name: str) -> re.Pattern:
        head, _, tail = self.context["urls"][name].partition("{n}")
        return re.compile(re.escape(head) + r"(\d+)" + re.escape(tail))

    def running(self) -> bool:
        return time.monotonic() < self.stop_at

    def login(self) -> None:
        while self.running():
            try:
                page = self.browser.get(self.url("login"), "login_page")
                token = parse_forms(page.text)[-1]["fields"]["csrfmiddlewaretoken"]
                response = self.browser.post(
                    self.url("login"),
                    {
                        "csrfmiddlewaretoken": token,
                        "username": self.spec["username"],
                        "password": self.password,
                    },
                    "login",
                )
                if response.status == 302:
                    return
            except (OSError, http.client.HTTPException, KeyError, IndexError):
                pass
            time.sleep(1)

    def run(self) -> None:
        time.sleep(self.rng.uniform(0, 3))
        self.login()
        while self.running():
            try:
                self.step()
            except (OSError, http.client.HTTPException):
                self.failures += 1
                time.sleep(0.5)
            time.sleep(self.rng.uniform(0.2, 1.0))

    def step(self) -> None:
        raise NotImplementedError


def _figures(fields: dict, rng: random.Random) -> dict:
    """Valid figures for one entry row, chosen by the inputs its kind has."""
    names = {n.split("-", 1)[1] for n in fields}
    out = {}
    if "value" in names:
        out["value"] = str(rng.randint(0, 5000))
    if "numerator" in names:
        den = rng.randint(1, 400)
        out["numerator"], out["denominator"] = str(rng.randint(0, den)), str(den)
    if "growth_rate" in names:
        out["growth_rate"], out["benchmark_rate"] = f"{rng.uniform(1, 20):.2f}", f"{rng.uniform(0.5, 10):.2f}"
        out["manual_judgement"] = ""
    elif "benchmark_rate" in names:
        out["benchmark_rate"] = f"{rng.uniform(0, 100):.2f}"
    if "milestone_status" in names:
        out["milestone_status"] = rng.choice(["not_started", "in_progress", "done"])
    return out


class Staff(User):
    """Opens their quarter, saves or submits every open row; now and then through the Excel upload."""

    def step(self) -> None:
        quarter = self.spec["quarter"]
        path = self.url("entry", quarter)
        page = self.browser.get(path, "entry_page")
        if page.status != 200:
            return
        form = next((f for f in parse_forms(page.text) if f["id"] == "entry-form"), None)
        if form is None:
            return
        rows: dict[str, dict] = defaultdict(dict)
        for name, value in form["fields"].items():
            match = re.fullmatch(r"a(\d+)-(\w+)", name)
            if match:
                rows[match.group(1)][name] = value
        if not rows:
            time.sleep(1)  # everything submitted: wait for the managers
            return
        request_id = uuid.uuid4().hex[:12]
        note = f"load:{request_id}"
        sent = {}
        for pk, fields in rows.items():
            figures = _figures(fields, self.rng)
            sent[pk] = {"version": int(fields.get(f"a{pk}-version") or 0), "fields": figures}
        if self.rng.random() < 0.15:
            self._upload(quarter, request_id, note, sent)
            return
        action = "submit" if self.rng.random() < 0.35 else "save"
        data = {"csrfmiddlewaretoken": form["fields"]["csrfmiddlewaretoken"], "action": action}
        for pk, row in sent.items():
            data[f"a{pk}-version"] = row["version"]
            for name, value in row["fields"].items():
                data[f"a{pk}-{name}"] = value
            data[f"a{pk}-note"] = note
        entry = {
            "id": request_id,
            "kind": action,
            "user": self.spec["username"],
            "quarter": quarter,
            "note": note,
            "rows": sent,
        }
        try:
            response = self.browser.post(path, data, f"entry_{action}")
        except (OSError, http.client.HTTPException):
            self.stats.write({**entry, "outcome": "in_doubt"})
            raise
        outcome, saved = self._outcome(response, r"(\d+)件の実績を(?:提出|下書き保存)しました")
        self.stats.write({**entry, "outcome": outcome, "status": response.status, "saved": saved})

    def _outcome(self, response: Response, saved_pattern: str) -> tuple[str, int | None]:
        """ack (with the number of rows the confirmation says were saved), refused, or in doubt (5xx)."""
        if response.status >= 500:
            return "in_doubt", None
        if response.status != 302:
            return "refused", 0
        try:
            follow = self.browser.get(response.headers["Location"], "entry_page")
        except (OSError, http.client.HTTPException):
            return "ack", None
        match = re.search(saved_pattern, follow.text)
        return "ack", int(match.group(1)) if match else None

    def _upload(self, quarter: int, request_id: str, note: str, sent: dict) -> None:
        from openpyxl import load_workbook

        template = self.browser.get(self.url("template", quarter), "template_download")
        if template.status != 200:
            return
        wb = load_workbook(io.BytesIO(template.body))
        ws = wb["実績入力"]
        header = {ws.cell(row=1, column=c).value: c for c in range(1, ws.max_column + 1)}
        columns = {
            "value": "実績値",
            "numerator": "分子",
            "denominator": "分母",
            "growth_rate": "支援先の伸び率（%）",
            "benchmark_rate": "実態調査の伸び率／基準値（%）",
            "manual_judgement": "判定（判定不能時）",
            "milestone_status": "進捗",
        }
        uploaded = {}
        for r in range(2, ws.max_row + 1):
            pk = str(ws.cell(row=r, column=header["指標ID"]).value or "")
            if pk not in sent:
                continue
            row = sent[pk]
            row["version"] = int(ws.cell(row=r, column=header["版"]).value or 0)
            for name, value in row["fields"].items():
                ws.cell(row=r, column=header[columns[name]]).value = value or None
            ws.cell(row=r, column=header["備考"]).value = note
            uploaded[pk] = row
        out = io.BytesIO()
        wb.save(out)
        page = self.browser.get(self.url("upload", quarter), "upload_page")
        # Every form on a page carries a valid token; take the first.
        tokens = [
            f["fields"]["csrfmiddlewaretoken"]
            for f in parse_forms(page.text)
            if "csrfmiddlewaretoken" in f["fields"]
        ]
        token = tokens[0] if tokens else ""
        entry = {
            "id": request_id,
            "kind": "upload",
            "user": self.spec["username"],
            "quarter": quarter,
            "note": note,
            "rows": uploaded,
        }
        try:
            response = self.browser.post_multipart(
                self.url("upload", quarter),
                {"csrfmiddlewaretoken": token},
                {"file": (f"actuals_{YEAR}_Q{quarter}.xlsx", out.getvalue())},
                "upload",
            )
        except (OSError, http.client.HTTPException):
            self.stats.write({**entry, "outcome": "in_doubt"})
            raise
        outcome, saved = self._outcome(response, r"Excelから(\d+)件の実績を下書き保存しました")
        self.stats.write({**entry, "outcome": outcome, "status": response.status, "saved": saved})


class Manager(User):
    """Reviews a quarter: approves most submissions, returns some with a reason, reopens a few approvals."""

    def step(self) -> None:
        quarter = self.rng.choice([1, 2, 1, 2, 3, 4])  # the 担当者 mostly work on the first two quarters
        path = self.url("review", quarter)
        page = self.browser.get(path, "review_page")
        if page.status != 200:
            return
        candidates = []
        for form in parse_forms(page.text):
            for action in ("approve", "return", "reopen"):
                match = self.url_pattern(action).fullmatch(form["action"])
                if match:
                    candidates.append((int(match.group(1)), action, form))
        by_actual = defaultdict(dict)
        for pk, action, form in candidates:
            by_actual[pk][action] = form
        chosen = []
        for pk, actions in by_actual.items():
            if "approve" in actions:
                chosen.append((pk, "approve" if self.rng.random() < 0.75 else "return", actions))
            elif "reopen" in actions and self.rng.random() < 0.3:
                chosen.append((pk, "reopen", actions))
        self.rng.shuffle(chosen)
        for pk, action, actions in chosen[:3]:
            form = actions[action]
            data = dict(form["fields"])
            if "reason" in data:
                data["reason"] = f"負荷試験の{'差戻し' if action == 'return' else '再開'}理由"
            entry = {
                "id": uuid.uuid4().hex[:12],
                "kind": action,
                "user": self.spec["username"],
                "actual": pk,
                "version": int(data.get("version") or 0),
            }
            try:
                response = self.browser.post(form["action"], data, f"review_{action}")
                if response.status != 302:
                    outcome = "refused" if response.status < 500 else "in_doubt"
                else:
                    follow = self.browser.get(response.headers["Location"], "review_page")
                    texts = [(kind, text) for kind, text in MESSAGE.findall(follow.text)]
                    if follow.status != 200:
                        outcome = "in_doubt"
                    elif any("success" in kind for kind, _ in texts):
                        outcome = "ack"
                    elif texts:
                        outcome = "refused"
                    else:
                        outcome = "in_doubt"
            except (OSError, http.client.HTTPException):
                self.stats.write({**entry, "outcome": "in_doubt"})
                raise
            self.stats.write({**entry, "outcome": outcome})


class Reader(User):
    """Reads dashboards, indicator pages, the quarter review list and the budget pages."""

    def step(self) -> None:
        pillars, indicators = self.context["pillars"], self.context["indicators"]
        choice = self.rng.random()
        if choice < 0.35:
            self.browser.get(self.url("dashboard"), "dashboard")
        elif choice < 0.55:
            self.browser.get(self.url("pillar", self.rng.choice(pillars)), "dashboard_pillar")
        elif choice < 0.75:
            self.browser.get(self.url("indicator", self.rng.choice(indicators)), "dashboard_indicator")
        elif choice < 0.9:
            self.browser.get(self.url("review", self.rng.randint(1, 4)), "review_page")
        else:
            self.browser.get(self.url("budgets"), "budgets")


# --- Orchestration ----------------------------------------------------------------------------------------


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listening on {port}")


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def django_env(database_url: str, port: int, workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="smrj_plan.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="1",
        BEHIND_TLS_PROXY="1",
        STATIC_MANIFEST="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_ACCESS_LOG="",
        GUNICORN_TIMEOUT="30",
        LOG_LEVEL="WARNING",
    )
    return env


def start_gunicorn(env: dict, port: int, workdir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=BASE,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / f"gunicorn-{port}.log", "a"),
    )


def stop_servers(servers: list[subprocess.Popen]) -> None:
    for server in servers:
        server.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


ROW = re.compile(r'<tr data-code="([^"]+)">(.*?)</tr>', re.S)


def overview_rows(spec: dict, setup: dict, port: int) -> dict[str, str]:
    """The overview's indicator rows (code → the row's text) as a manager signed in on this instance sees them."""
    user = Reader(spec, setup["password"], port, Stats(), time.monotonic() + 60, setup)
    user.login()
    page = user.browser.get(user.url("dashboard"), "freshness").text
    return {
        code: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip() for code, body in ROW.findall(page)
    }


def manage(env: dict, *args: str) -> str:
    proc = subprocess.run([PYTHON, "manage.py", *args], cwd=BASE, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--duration", type=float, default=90, help="seconds of load (default 90)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--port", type=int, default=8117, help="first gunicorn port (default 8117)")
    parser.add_argument(
        "--instances",
        type=int,
        default=2,
        help="gunicorn instances sharing the database, on --port, --port+10, … (default 2)",
    )
    parser.add_argument("--pg-port", type=int, default=8118, help="private PostgreSQL port (default 8118)")
    parser.add_argument(
        "--system-postgres", action="store_true", help="use the machine's cluster (smrj_load)"
    )
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/smrj_load",
        help="with --system-postgres",
    )
    parser.add_argument("--no-faults", action="store_true", help="skip the worker kill and database restart")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--keep-log", help="copy the clients' write log (JSON) to this file")
    args = parser.parse_args()

    sys.path.insert(0, str(BASE))
    postgres = SystemPostgres(args.database_url) if args.system_postgres else PrivatePostgres(args.pg_port)
    servers: list[subprocess.Popen] = []
    ports = [args.port + 10 * i for i in range(args.instances)]
    workdir = Path(tempfile.mkdtemp(prefix="smrj-load-"))
    try:
        log(
            "PostgreSQL: "
            + ("machine cluster" if args.system_postgres else f"private server on port {args.pg_port}")
        )
        postgres.start()
        env = django_env(postgres.url, args.port, args.workers)
        # Every instance: the same key and database, its own address (as servers behind one load balancer).
        env["CSRF_TRUSTED_ORIGINS"] = ",".join(f"https://127.0.0.1:{port}" for port in ports)
        log("migrate + load_plan + users")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_plan", "-v0")
        staff = round(args.users * 0.64)
        managers = round(args.users * 0.2)
        readers = args.users - staff - managers
        setup = json.loads(
            subprocess.run(
                [PYTHON, "bench/load_setup.py", str(staff), str(managers), str(readers)],
                cwd=BASE,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        log(f"gunicorn: {args.instances} instances × {args.workers} workers on 127.0.0.1:{ports}")
        servers = [start_gunicorn(env, port, workdir) for port in ports]
        for port in ports:
            wait_for_port(port)

        stats = Stats()
        stop_at = time.monotonic() + args.duration
        kinds = {"staff": Staff, "manager": Manager, "reader": Reader}
        threads = [
            kinds[spec["role"]](spec, setup["password"], ports[i % len(ports)], stats, stop_at, setup)
            for i, spec in enumerate(setup["users"])
        ]
        log(
            f"{len(threads)} users ({staff} 担当者, {managers} 管理者, {readers} 閲覧) for {args.duration:.0f} s"
        )
        for t in threads:
            t.start()

        if not args.no_faults:
            time.sleep(args.duration * 0.35)
            victims = worker_pids(servers[0].pid)
            if victims:
                victim = random.choice(victims)
                t = time.monotonic()
                os.kill(victim, signal.SIGKILL)
                stats.fault(f"SIGKILL gunicorn worker {victim}", t, t + 1)
                log(f"killed gunicorn worker {victim}")
            time.sleep(args.duration * 0.25)
            t = time.monotonic()
            log("restarting PostgreSQL")
            postgres.restart()
            stats.fault("PostgreSQL restart", t, time.monotonic())
            log(f"PostgreSQL back after {time.monotonic() - t:.1f} s")
        for t in threads:
            t.join(timeout=args.duration + 120)
        elapsed = time.monotonic() - stats.t0

        # After the last write: every instance shows the figures a freshly started server computes.
        manager_spec = next(spec for spec in setup["users"] if spec["role"] == "manager")
        shown = {port: overview_rows(manager_spec, setup, port) for port in ports}
        stop_servers(servers)
        servers = [start_gunicorn(env, ports[0], workdir)]
        wait_for_port(ports[0])
        fresh = overview_rows(manager_spec, setup, ports[0])
        stop_servers(servers)
        servers = []
        stale = {
            port: sorted(code for code in fresh if rows.get(code) != fresh[code])
            for port, rows in shown.items()
        }
        freshness = {
            "instances": len(ports),
            "indicators_compared": len(fresh),
            "stale": {str(port): codes for port, codes in stale.items() if codes},
        }
        log(
            f"overview on {len(ports)} instances vs a fresh server: {len(fresh)} rows, stale {freshness['stale']}"
        )

        log_path = workdir / "writes.json"
        log_path.write_text(json.dumps({"writes": stats.writes}), encoding="utf-8")
        if args.keep_log:
            shutil.copy(log_path, args.keep_log)
        log("verifying the database against every attempted write")
        verify = subprocess.run(
            [PYTHON, "bench/load_verify.py", str(log_path)], cwd=BASE, env=env, capture_output=True, text=True
        )
        if verify.returncode:
            print(verify.stderr, file=sys.stderr)
            return 1
        result = json.loads(verify.stdout)
        result["freshness"] = freshness
        return report(stats, elapsed, result, args)
    finally:
        stop_servers(servers)
        postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def report(stats: Stats, elapsed: float, result: dict, args) -> int:
    margin = 5.0
    by_label = defaultdict(list)
    statuses = Counter()
    fault_errors = Counter()
    unexpected = Counter()
    client_errors = Counter()
    for label, start, end, status, error in stats.samples:
        by_label[label].append((end - start) * 1000)
        key = str(status) if status is not None else error
        statuses[key] += 1
        if status is not None and 400 <= status < 500:
            client_errors[f"{label} {status}"] += 1
        failed = status is None or status >= 500
        if failed:
            (fault_errors if stats.in_fault_window(start, end, margin) else unexpected)[f"{label} {key}"] += 1
    total = len(stats.samples)
    all_ms = [ms for values in by_label.values() for ms in values]
    figures = {
        "users": args.users,
        "workers": args.workers,
        "instances": args.instances,
        "duration_s": round(elapsed, 1),
        "requests": total,
        "throughput_rps": round(total / elapsed, 1),
        "p50_ms": round(percentile(all_ms, 50)),
        "p95_ms": round(percentile(all_ms, 95)),
        "p99_ms": round(percentile(all_ms, 99)),
        "statuses": dict(statuses),
        "fault_window_failures": dict(fault_errors),
        "unexpected_failures": dict(unexpected),
        "faults": [f"{name} at {start:.1f}–{end:.1f} s" for name, start, end in stats.faults],
        "writes": Counter(w["outcome"] for w in stats.writes),
        "database": result,
    }
    print()
    print(f"{'request':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for label in sorted(by_label):
        values = by_label[label]
        print(
            f"{label:<22}{len(values):>7}{percentile(values, 50):>9.0f}{percentile(values, 95):>9.0f}"
            f"{percentile(values, 99):>9.0f}"
        )
    print(f"{'all':<22}{total:>7}{figures['p50_ms']:>9}{figures['p95_ms']:>9}{figures['p99_ms']:>9}")
    print()
    print(
        f"{total} requests in {elapsed:.1f} s = {figures['throughput_rps']} req/s; statuses {dict(statuses)}"
    )
    for fault in figures["faults"]:
        print(f"fault: {fault}")
    print(
        f"failures inside fault windows (±{margin:.0f} s): {sum(fault_errors.values())} {dict(fault_errors)}"
    )
    print(f"failures outside fault windows: {sum(unexpected.values())} {dict(unexpected)}")
    print(f"4xx (refused input, conflicts): {dict(client_errors)}")
    print(f"writes attempted: {dict(figures['writes'])}")
    print(
        f"database: {result['actuals']} actuals, {result['history_rows']} history rows, states {result['states']}"
    )
    print(f"outcomes: {result['outcomes']}")
    problems = result["problems"]
    print(
        "integrity: "
        + (
            "OK — nothing lost, duplicated or half-saved"
            if not problems
            else json.dumps(problems, ensure_ascii=False)[:4000]
        )
    )
    freshness = result.get("freshness", {})
    stale = freshness.get("stale", {})
    print(
        f"freshness: overview on {freshness.get('instances')} instances vs a freshly started server, "
        f"{freshness.get('indicators_compared')} indicators: "
        + ("OK — the same figures everywhere" if not stale else f"STALE {stale}")
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    # A run that wrote nothing (pages moved, logins refused) proves nothing: that is a failure too.
    acked = Counter(w["kind"] for w in stats.writes if w["outcome"] == "ack")
    idle = [kind for kind in ("save", "submit", "upload", "approve") if not acked[kind]]
    not_found = statuses.get("404", 0)
    if idle or not_found:
        print(f"no acknowledged {', '.join(idle) or '-'} writes; 404 responses: {not_found}")
    compared = freshness.get("indicators_compared", 0)
    return 1 if problems or unexpected or idle or not_found or stale or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
