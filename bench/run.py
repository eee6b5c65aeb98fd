"""Server-time benchmark of the dashboard against a bare logged-in Django view (the floor).

    python bench/run.py                       # SQLite (a temp file), seed size then large size
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/smrj_bench python bench/run.py   # + PostgreSQL
    BENCH_RUNS=50 python bench/run.py         # more runs per measurement (median reported)
    BENCH_ONLY=upload BENCH_SIZES=seed python bench/run.py   # only measurements whose name starts so, one size

Each database backend runs in its own worker process (Django reads its settings once). A worker builds a separate
database (a temp SQLite file; on PostgreSQL the test database `test_<name>` that Django's test runner would create,
dropped afterwards: the database named in BENCH_DATABASE_URL itself is never written), loads the plan, then:

- seed size: the published plan (28 indicators) with a year of approved actuals;
- large size: plus 10 fiscal years × 250 indicators × 4 quarters of actuals, each with three history rows
  (下書き → 提出 → 承認) and a final 評定 for some indicators.

Every measurement is timed with Django's test Client in-process (server time: middleware, views, templates, SQL;
no network), median of BENCH_RUNS runs after warm-up, with the SQL query count of one run. A measurement is a
function registered with `@measurement(...)` that returns a zero-argument callable doing one request; adding one
(an Excel export, say) is a function added to MEASUREMENTS, nothing else. A measurement that expects another
status (a refused upload: 400) says so; its callable may carry `details()`, figures computed once after the
timing (the upload ones: rows read, peak memory, problems, reply size), shown in a table of their own.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
ONLY = [p for p in os.environ.get("BENCH_ONLY", "").split(",") if p]
SIZES = [p for p in os.environ.get("BENCH_SIZES", "seed,large").split(",") if p]
WARMUP = 3
LARGE_YEARS = 10
LARGE_INDICATORS = 250
GOALS_MS = {"seed": 100.0, "large": 300.0}
GOAL_FLOOR_RATIO = 5.0
# Pages held to GOAL_FLOOR_RATIO at the large size: every page a person opens (not the Excel download).
FLOOR_GOAL_PAGES = {"overview", "overview_cold", "indicator"}  # and every page_* (added below)


# ---------------------------------------------------------------------------------------------------------------
# Measurements: add a function here to time another page.
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Context:
    """What a measurement may use: a logged-in manager's client and the ids of the data just built."""

    client: object
    fiscal_year: int  # the year the pages show by default (the latest with a plan)
    indicator_pk: int  # a count indicator of that year with four quarters of actuals
    extra: dict = field(default_factory=dict)


@dataclass
class Measurement:
    name: str
    label: str
    prepare: Callable[[Context], Callable[[], object]]
    is_floor: bool = False
    expect_status: int = 200


MEASUREMENTS: list[Measurement] = []


def measurement(name: str, label: str, *, is_floor: bool = False, expect_status: int = 200):
    def register(prepare):
        MEASUREMENTS.append(
            Measurement(
                name=name, label=label, prepare=prepare, is_floor=is_floor, expect_status=expect_status
            )
        )
        return prepare

    return register


@measurement("bare", "参考: 素のHttpResponse（ログイン済み）")
def bare_view(ctx: Context):
    return lambda: ctx.client.get("/bench/bare/")


@measurement("floor", "基準: base.htmlだけのページ（ログイン済み）", is_floor=True)
def floor_view(ctx: Context):
    return lambda: ctx.client.get("/bench/floor/")


@measurement("overview", "ダッシュボード全体 /dashboard/")
def overview_page(ctx: Context):
    return lambda: ctx.client.get("/dashboard/")


@measurement("overview_cold", "ダッシュボード全体、データ変更の直後")
def overview_page_cold(ctx: Context):
    """The overview right after a write: before each run (untimed) an approved actual of the year changes, so
    the data version is new and the page is read, computed and rendered again; only the changed indicator's row
    is computed afresh."""
    from indicators.models import Actual

    # An approved count of the shown year, outside the 担当者's department the upload measurements use.
    actual = (
        Actual.objects.filter(
            fiscal_year__year=ctx.fiscal_year, state="approved", indicator__kind="count", value__isnull=False
        )
        .exclude(indicator__department__code="keiei-shien")
        .order_by("indicator__order", "quarter")
        .first()
    )
    values = iter(range(10**9))

    def write():
        Actual.objects.filter(pk=actual.pk).update(value=1000 + next(values) % 500)

    def page():
        return ctx.client.get("/dashboard/")

    page.before = write
    return page


@measurement("indicator", "指標の進捗ページ /dashboard/indicator/<pk>/")
def indicator_page(ctx: Context):
    return lambda: ctx.client.get(f"/dashboard/indicator/{ctx.indicator_pk}/")


# Every page a person opens, at the large size (a manager; the goal is ≤ 5× the floor for each).
PAGES = [
    ("plan", "計画 /plan/", "/plan/"),
    ("plan_chapter", "計画の章 /plan/chapter/1/", "/plan/chapter/1/"),
    ("plan_revisions", "計画の改訂 /plan/revisions/", "/plan/revisions/"),
    ("indicators", "指標一覧 /indicators/", "/indicators/"),
    ("indicator_detail", "指標 /indicators/<pk>/", "/indicators/{pk}/"),
    ("targets", "目標の設定 /indicators/targets/", "/indicators/targets/"),
    ("mid_term", "中期目標期間の累計 /indicators/mid-term/", "/indicators/mid-term/"),
    ("pillar", "柱のページ /dashboard/<年度>/pillar/1/", "/dashboard/{year}/pillar/1/"),
    ("entry_index", "実績入力 /entry/", "/entry/"),
    ("review", "確認・承認 /entry/<年度>/4/review/", "/entry/{year}/4/review/"),
    ("history_quarter", "四半期の変更履歴 /entry/history/<年度>/4/", "/entry/history/{year}/4/"),
    ("history_indicator", "指標の変更履歴 /entry/history/indicator/<pk>/", "/entry/history/indicator/{pk}/"),
    # The budget tables are the plan's (令和6年度); the large size adds indicators and actuals, not tables.
    ("budgets", "予算 /budgets/", "/budgets/?year=2024"),
    ("budget_table", "予算計画 /budgets/budget/ippan/", "/budgets/budget/ippan/?year=2024"),
    ("budget_execution", "予算の執行 /budgets/execution/ippan/", "/budgets/execution/ippan/?year=2024"),
    ("budget_dashboard", "執行率 /dashboard/budget/", "/dashboard/budget/?year=2024"),
    ("reports", "報告書 /reports/", "/reports/"),
    ("evaluation", "施策・自己評価 /evaluation/", "/evaluation/"),
    ("measure_list", "施策の一覧 /evaluation/<年度>/measures/", "/evaluation/{year}/measures/"),
    ("self_index", "自己評価 /evaluation/<年度>/self-evaluation/", "/evaluation/{year}/self-evaluation/"),
    # The published plan's year: its quarters have begun (what each department owes is listed) and it has the
    # plan's ~200 measures, which the synthetic years have not.
    ("entry_index_plan", "実績入力（令和6年度） /entry/?year=2024", "/entry/?year=2024"),
    ("measure_list_plan", "施策の一覧（令和6年度） /evaluation/2024/measures/", "/evaluation/2024/measures/"),
]


def _page_measurement(name: str, label: str, path: str):
    @measurement(f"page_{name}", label)
    def prepare(ctx: Context):
        url = path.format(pk=ctx.indicator_pk, year=ctx.fiscal_year)
        return lambda: ctx.client.get(url)

    return prepare


for _name, _label, _path in PAGES:
    _page_measurement(_name, _label, _path)
    FLOOR_GOAL_PAGES.add(f"page_{_name}")


@measurement("excel", "監査用Excelの出力 /reports/download/（全シート、変更履歴を含む）")
def excel_export(ctx: Context):
    def download():
        response = ctx.client.get("/reports/download/", {"year": ctx.fiscal_year, "include_drafts": "no"})
        if response.status_code == 200:
            b"".join(response.streaming_content)  # the workbook is written before the response; read it all
        return response

    return download


UPLOAD_YEAR, UPLOAD_QUARTER = 2024, 1


def _staff_client():
    """A logged-in 担当者 of 経営支援部 (the department of pillar 1's indicators) and the user."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from measures.models import Department, StaffProfile
    from smrj_plan.roles import Role

    user, created = get_user_model().objects.get_or_create(username="bench-staff")
    if created:
        user.groups.add(Group.objects.get_or_create(name=str(Role.STAFF))[0])
        StaffProfile.objects.create(user=user, department=Department.objects.get(code="keiei-shien"))
    client = Client()
    client.force_login(user)
    return client, user


def _upload(content):
    """Prepare a measurement that uploads `content` (bytes, or a function of the downloaded template)."""

    def prepare(ctx: Context):
        from indicators import xlsx_import
        from measures.models import FiscalYear

        client, user = _staff_client()
        template = client.get(f"/entry/{UPLOAD_YEAR}/{UPLOAD_QUARTER}/template.xlsx").content
        data = content(template) if callable(content) else content

        def post():
            f = io.BytesIO(data)
            f.name = "actuals.xlsx"
            return client.post(f"/entry/{UPLOAD_YEAR}/{UPLOAD_QUARTER}/upload/", {"file": f})

        def details() -> dict:
            fiscal_year = FiscalYear.objects.get(year=UPLOAD_YEAR)
            tracemalloc.start()
            tracemalloc.reset_peak()
            try:
                result = xlsx_import.actuals_import(
                    user=user, filename="actuals.xlsx", content=data, fiscal_year=fiscal_year, quarter=1
                )
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            return {
                "file_kb": len(data) / 1024,
                "rows": result.rows_scanned,
                "problems": result.problem_count,
                "peak_mb": peak / 1024 / 1024,
                "reply_kb": len(post().content) / 1024,
            }

        post.details = details
        return post

    return prepare


measurement("upload_template", "取込: ダウンロードしたままのテンプレート", expect_status=302)(
    _upload(lambda template: template)
)


def _register_forged_uploads():
    from bench.forged_uploads import FORGED

    for name, (label, build) in FORGED.items():
        measurement(f"upload_{name}", f"取込: {label}", expect_status=400)(_upload(build))


_register_forged_uploads()


# ---------------------------------------------------------------------------------------------------------------
# Worker: one database backend, both sizes.
# ---------------------------------------------------------------------------------------------------------------


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smrj_plan.settings")
    # Production settings (DEBUG off: no query log, cached templates) with what an in-process client needs.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["STATIC_MANIFEST"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["AXES_ENABLED"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"  # the app's URLs plus the floor view
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _manager():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from smrj_plan.roles import Role

    user, _ = get_user_model().objects.get_or_create(username="bench-manager")
    user.groups.add(Group.objects.get_or_create(name=str(Role.MANAGER))[0])
    return user


def _figures(indicator, quarter: int, rng: random.Random) -> dict | None:
    """Plausible figures of a kind for one quarter; None when the kind has no figure that quarter."""
    kind = indicator.kind
    annual = indicator.frequency == "annual" or kind in ("benchmark", "baseline")
    if annual and quarter != 4:
        return None
    if kind in ("count", "exact", "count_no_target"):
        target = indicator.target or Decimal("100")
        return {"value": (target * Decimal(rng.randint(15, 35)) / 100).quantize(Decimal("1"))}
    if kind in ("ratio", "baseline"):
        denominator = rng.randint(50, 400)
        return {
            "numerator": Decimal(rng.randint(denominator // 2, denominator)),
            "denominator": Decimal(denominator),
        }
    if kind == "benchmark":
        return {
            "growth_rate": Decimal(rng.randint(-20, 80)) / 10,
            "benchmark_rate": Decimal(rng.randint(-5, 30)) / 10,
        }
    if kind == "milestone":
        return {"milestone_status": rng.choice(["not_started", "in_progress", "done"])}
    return {"value": Decimal(rng.randint(0, 50))}


def _add_actuals(
    indicators, fiscal_year, user, rng: random.Random, *, drafts_in_q4: bool = False
) -> tuple[int, int]:
    """Four quarters of actuals per indicator with three history rows each (draft → submitted → approved)."""
    import datetime as dt

    from django.utils import timezone

    from indicators.models import Actual

    actuals = []
    for ind in indicators:
        for quarter in (1, 2, 3, 4):
            figures = _figures(ind, quarter, rng)
            if figures is None:
                continue
            state = "approved"
            if drafts_in_q4 and quarter == 4 and rng.random() < 0.3:
                state = rng.choice(["draft", "submitted"])
            actuals.append(
                Actual(
                    indicator=ind,
                    fiscal_year=fiscal_year,
                    quarter=quarter,
                    state=state,
                    version=3,
                    updated_by=user,
                    **figures,
                )
            )
    created = Actual.objects.bulk_create(actuals, batch_size=500)
    if not created or created[0].pk is None:  # backends that do not return ids
        created = list(Actual.objects.filter(fiscal_year=fiscal_year))
    History = Actual.history.model
    fields = [f.attname for f in Actual._meta.fields]
    now = timezone.now()
    rows = []
    for actual in created:
        base = {name: getattr(actual, name) for name in fields}
        for step, (state, reason) in enumerate(
            (("draft", "入力"), ("submitted", "提出"), ("approved", "承認"))
        ):
            data = dict(base, state=state, version=step + 1)
            rows.append(
                History(
                    **data,
                    history_date=now - dt.timedelta(days=3 - step),
                    history_type="+" if step == 0 else "~",
                    history_change_reason=reason,
                    history_user_id=user.pk,
                )
            )
    History.objects.bulk_create(rows, batch_size=1000)
    return len(created), len(rows)


def _build_seed(rng: random.Random) -> dict:
    """The published plan with a year of approved actuals (the seed size)."""
    from django.core.management import call_command

    from indicators.models import Indicator
    from measures.models import FiscalYear

    call_command("load_plan", verbosity=0)
    user = _manager()
    fy = FiscalYear.objects.get(year=2024)
    indicators = list(Indicator.objects.filter(plan__fiscal_year=fy).order_by("order"))
    actuals, history = _add_actuals(indicators, fy, user, rng)
    return {"indicators": len(indicators), "actuals": actuals, "history": history, "years": 1}


def _build_large(rng: random.Random) -> dict:
    """10 more fiscal years, each a plan with 250 indicators in five pillars, four quarters of actuals each."""
    from django.db import transaction

    from indicators.models import FinalRating, Indicator
    from measures.models import Chapter, FiscalYear, PlanDocument, Section

    user = _manager()
    templates = list(Indicator.objects.filter(plan__fiscal_year__year=2024).order_by("order"))
    totals = {"indicators": 0, "actuals": 0, "history": 0, "years": LARGE_YEARS}
    for offset in range(1, LARGE_YEARS + 1):
        with transaction.atomic():
            fy = FiscalYear.objects.create(year=2024 + offset)
            plan = PlanDocument.objects.create(
                fiscal_year=fy, title=f"合成計画 {fy.year}", organization="ベンチマーク"
            )
            chapter = Chapter.objects.create(
                plan=plan, number=1, numeral="I", title="国民に対して提供するサービス"
            )
            sections = [
                Section.objects.create(chapter=chapter, number=n, title=f"柱{n}（合成）") for n in range(1, 6)
            ]
            indicators = []
            for i in range(LARGE_INDICATORS):
                t = templates[i % len(templates)]
                indicators.append(
                    Indicator(
                        plan=plan,
                        code=f"S{i + 1:03d}",
                        order=i + 1,
                        section=sections[i % 5],
                        category=t.category,
                        kind=t.kind,
                        name=f"{t.name}（合成{i + 1}）",
                        text=t.text,
                        target=t.target,
                        target_text=t.target_text,
                        unit=t.unit,
                        comparison=t.comparison,
                        direction=t.direction,
                        benchmark_multiplier=t.benchmark_multiplier,
                        frequency=t.frequency,
                        department_id=t.department_id,
                    )
                )
            Indicator.objects.bulk_create(indicators, batch_size=500)
            indicators = list(Indicator.objects.filter(plan=plan).order_by("order"))
            actuals, history = _add_actuals(indicators, fy, user, rng, drafts_in_q4=offset == LARGE_YEARS)
            ratings = [
                FinalRating(
                    indicator=ind, fiscal_year=fy, grade=rng.choice("ABCD"), reason="合成データ", set_by=user
                )
                for ind in indicators[::5]
                if ind.category == "main"
            ]
            FinalRating.objects.bulk_create(ratings)
        totals["indicators"] += len(indicators)
        totals["actuals"] += actuals
        totals["history"] += history
    return totals


def _prime(fn: Callable[[], object]) -> tuple[int, int]:
    """Warm a measurement up; return the SQL query count and the status code of one run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        _before(fn)
        fn()
    _before(fn)
    with CaptureQueriesContext(connection) as queries:
        response = fn()
    return len(queries), response.status_code  # counted now: the next request resets the query log


def _before(fn) -> None:
    """What a measurement does before each run, untimed (e.g. the write the next page must show)."""
    before = getattr(fn, "before", None)
    if before is not None:
        before()


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """One run: server time (wall ms) and this process's CPU time (ms)."""
    _before(fn)
    start, start_cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def _measure(size: str, data: dict) -> list[dict]:
    """Time every measurement RUNS times, round-robin, so that a busy machine slows the floor and the pages
    alike and the ratio stays fair; report medians. CPU time is what a page costs this process whatever else the
    machine runs; wall time adds waiting (on PostgreSQL, the database server's own work)."""
    from django.test import Client

    from indicators.models import Indicator
    from measures.models import FiscalYear

    client = Client()
    client.force_login(_manager())
    fy = FiscalYear.objects.filter(plan__isnull=False).order_by("-year").first()
    indicator = Indicator.objects.filter(plan__fiscal_year=fy, kind="count").order_by("order").first()
    ctx = Context(client=client, fiscal_year=fy.year, indicator_pk=indicator.pk)
    chosen = [m for m in MEASUREMENTS if m.is_floor or not ONLY or m.name.startswith(tuple(ONLY))]
    prepared = [(m, m.prepare(ctx)) for m in chosen]
    primed = {m.name: _prime(fn) for m, fn in prepared}
    samples = {m.name: ([], []) for m, _ in prepared}
    # Measurements that write before each run (a new data version) go in a second pass with the floor: in the
    # same round they would take every other page's cached work away, which a person's pages between two
    # writes keep.
    passes = [
        [(m, fn) for m, fn in prepared if not hasattr(fn, "before")],
        [(m, fn) for m, fn in prepared if m.is_floor or hasattr(fn, "before")],
    ]
    for round_robin in passes:
        if not any(hasattr(fn, "before") for _m, fn in round_robin) and round_robin is passes[1]:
            continue
        for _ in range(RUNS):
            for m, fn in round_robin:
                wall, cpu = _timed(fn)
                samples[m.name][0].append(wall)
                samples[m.name][1].append(cpu)
    results = []
    for m, fn in prepared:
        queries, status = primed[m.name]
        wall, cpu = samples[m.name]
        results.append(
            {
                "size": size,
                "name": m.name,
                "label": m.label,
                "floor": m.is_floor,
                "ms": statistics.median(wall),
                "cpu_ms": statistics.median(cpu),
                "queries": queries,
                "status": status,
                "expect_status": m.expect_status,
                "details": fn.details() if hasattr(fn, "details") else None,
                **{f"data_{k}": v for k, v in data.items()},
            }
        )
    return results


def worker(database_url: str) -> list[dict]:
    """Build the database for one backend, measure at both sizes, drop it."""
    _setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    rng = random.Random(20240401)
    is_sqlite = connection.vendor == "sqlite"
    if not is_sqlite:
        # Django's own test-database creation: `test_<name>`, created fresh and destroyed afterwards.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    try:
        seed = _build_seed(rng)
        results = _measure("seed", seed) if "seed" in SIZES else []
        if "large" in SIZES:
            large = _build_large(rng)
            large = {k: large[k] + seed[k] for k in large}
            results += _measure("large", large)
    finally:
        if not is_sqlite:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    for r in results:
        r["backend"] = "PostgreSQL" if not is_sqlite else "SQLite"
    return results


# ---------------------------------------------------------------------------------------------------------------
# Driver: one worker process per backend, then the table.
# ---------------------------------------------------------------------------------------------------------------


def _run_worker(database_url: str) -> list[dict]:
    env = dict(os.environ, BENCH_WORKER_DATABASE_URL=database_url)
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve())],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"benchmark worker failed for {database_url.split('@')[-1]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(results: list[dict]) -> str:
    """A Markdown table: medians, query counts, ratios to the floor and the overview's goals."""
    lines = [
        f"{RUNS} runs per page, round-robin, median after {WARMUP} warm-up runs; server time in-process "
        "(Django test Client, production settings)",
        "",
    ]
    sizes = {}
    for r in results:
        sizes.setdefault(
            r["size"],
            f"{r['data_years']}年度・指標{r['data_indicators']:,}・実績{r['data_actuals']:,}・履歴{r['data_history']:,}",
        )
    for size, data in sizes.items():
        lines.append(f"- {size}: {data}")
    lines += [
        "",
        "| DB | size | page | median ms | CPU ms | queries | × floor | × floor (CPU) | goal |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    ok = True
    for backend in dict.fromkeys(r["backend"] for r in results):
        for size in ("seed", "large"):
            rows = [
                r for r in results if r["backend"] == backend and r["size"] == size and r["details"] is None
            ]
            if not rows:
                continue
            floor = next(r for r in rows if r["floor"])
            for r in rows:
                ratio = r["ms"] / floor["ms"] if floor["ms"] else float("nan")
                cpu_ratio = r["cpu_ms"] / floor["cpu_ms"] if floor["cpu_ms"] else float("nan")
                goal = ""
                if r["name"] == "overview":
                    fast = r["ms"] < GOALS_MS[size]
                    ok &= fast
                    goal = f"{'OK' if fast else 'NG'} < {GOALS_MS[size]:.0f} ms; "
                if size == "large" and r["name"] in FLOOR_GOAL_PAGES:
                    # CPU: what the page costs the server whatever else the machine runs at the time.
                    near_floor = cpu_ratio <= GOAL_FLOOR_RATIO
                    ok &= near_floor
                    goal += f"{'OK' if near_floor else 'NG'} ≤ {GOAL_FLOOR_RATIO:.0f}× floor"
                if r["status"] != r["expect_status"]:
                    ok = False
                    goal += f" HTTP {r['status']}"
                lines.append(
                    f"| {backend} | {size} | {r['label']} | {r['ms']:.1f} | {r['cpu_ms']:.1f} | {r['queries']} | "
                    f"{ratio:.1f} | {cpu_ratio:.1f} | {goal} |"
                )
    detailed = [r for r in results if r["details"] is not None]
    if detailed:
        lines += [
            "",
            "| DB | size | upload | file KB | median ms | CPU ms | rows read | problems | peak MB | reply KB | HTTP |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in detailed:
            d = r["details"]
            status = f"{r['status']}" + ("" if r["status"] == r["expect_status"] else " NG")
            ok &= r["status"] == r["expect_status"]
            lines.append(
                f"| {r['backend']} | {r['size']} | {r['label']} | {d['file_kb']:.1f} | {r['ms']:.1f} | "
                f"{r['cpu_ms']:.1f} | {d['rows']} | {d['problems']} | {d['peak_mb']:.2f} | {d['reply_kb']:.1f} | "
                f"{status} |"
            )
    lines.append("")
    lines.append("all goals met" if ok else "some goals not met (see the goal column)")
    return "\n".join(lines)


def main() -> int:
    worker_url = os.environ.get("BENCH_WORKER_DATABASE_URL")
    if worker_url:
        print(json.dumps(worker(worker_url)))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="smrj-bench-") as tmp:
        results += _run_worker(f"sqlite:///{tmp}/bench.sqlite3")
    pg_url = os.environ.get("BENCH_DATABASE_URL")
    if pg_url:
        results += _run_worker(pg_url)
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
