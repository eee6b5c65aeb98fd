"""Backup and restore: `backup_data` then `restore_data` into a second, empty database brings back every plan
figure, actual, budget execution, user and history row, value for value."""

import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection

from budgets.models import BudgetCell, BudgetExecution, BudgetRow
from indicators import services
from indicators.models import Actual, FinalRating, Indicator
from smrj_plan.management.commands.restore_data import backup_row_counts

BASE = Path(__file__).resolve().parent.parent

# Rows recreated by `migrate` itself, so absent from the file on purpose.
SKIPPED_APPS = {"contenttypes", "sessions", "axes"}


def backed_up_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in SKIPPED_APPS
        and model._meta.label_lower not in ("auth.permission", "smrj_plan.datachange", "smrj_plan.dataepoch")
    ]


def _exact(value):
    """JSON for values the serializer returns, keeping microseconds (DjangoJSONEncoder would drop them)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def fingerprint() -> dict:
    """Every row of every backed-up model, serialized with natural keys and sorted: two databases holding the
    same data produce the same fingerprint whatever ids they assigned to users and groups."""
    result = {}
    for model in backed_up_models():
        rows = serializers.serialize(
            "python",
            model.objects.order_by("pk"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        result[model._meta.label_lower] = sorted(
            json.dumps(row, default=_exact, sort_keys=True) for row in rows
        )
    return result


def figures() -> dict:
    """The figures an evaluator would check by hand, read through the ORM."""
    actuals = {
        f"{a.indicator.code} Q{a.quarter}": [
            str(a.value),
            str(a.numerator),
            str(a.denominator),
            a.state,
            a.version,
        ]
        for a in Actual.objects.select_related("indicator")
    }
    history = [
        [
            h.indicator.code,
            h.quarter,
            str(h.value),
            h.state,
            h.version,
            h.history_type,
            h.history_change_reason,
            h.updated_by.username if h.updated_by else None,
            h.history_date.isoformat(),
        ]
        for h in Actual.history.select_related("indicator", "updated_by").order_by(
            "history_date", "history_id"
        )
    ]
    cells = list(
        BudgetCell.objects.order_by(
            "row__table__kind", "row__table__account__order", "row__order", "column__order"
        ).values_list(
            "row__table__kind", "row__table__account__code", "row__label", "column__order", "amount"
        )
    )
    return {
        "targets": {i.code: str(i.target) for i in Indicator.objects.all()},
        "actuals": actuals,
        "history": history,
        "cells": [[k, a, label, order, str(amount)] for k, a, label, order, amount in cells],
        "executions": [
            [str(e.amount), e.state, e.history.count()] for e in BudgetExecution.objects.order_by("pk")
        ],
        "ratings": [
            [r.indicator.code, r.grade, r.reason, r.history.count()] for r in FinalRating.objects.all()
        ],
    }


def _snapshot_in_subprocess(database_url: str) -> dict:
    code = (
        "import json, django; django.setup(); "
        "from django.conf import settings; "
        "settings.PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']; "
        "from django.contrib.auth import get_user_model; "
        "from tests.test_backup import fingerprint, figures; "
        "u = get_user_model().objects.get(username='tanto'); "
        "print(json.dumps({'fingerprint': fingerprint(), 'figures': figures(), "
        "'password_ok': u.check_password('pw-tanto'), 'groups': sorted(u.groups.values_list('name', flat=True))}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE,
        env=_env(database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="smrj_plan.settings")
    return env


def _restore(path: Path, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "restore_data", str(path)],
        cwd=BASE,
        env=_env(database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def empty_database_url(tmp_path):
    """A second, empty database of the same engine as the test database."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path}/restored.sqlite3"
        return
    import psycopg

    params = connection.settings_dict
    name = f"smrj_restore_{uuid.uuid4().hex[:8]}"
    admin = dict(
        host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], password=params["PASSWORD"]
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    try:
        yield f"postgres://{auth}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def worked_year(fiscal_year, staff_user, manager):
    """A quarter entered, returned, corrected and approved; a second actual submitted; a final rating; an
    execution; the quarter locked — so every kind of history row exists."""
    count = Indicator.objects.get(code="1-1")
    ratio = Indicator.objects.get(code="1-3")
    a = services.actual_save(
        indicator=count,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("250")},
        expected_version=0,
    )
    a = services.actual_submit(actual=a, user=staff_user, expected_version=a.version)
    a = services.actual_return(
        actual=a, user=manager, reason="根拠資料と件数が合いません", expected_version=a.version
    )
    a = services.actual_save(
        indicator=count,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("262.5")},
        expected_version=a.version,
        reason="件数を修正",
    )
    a = services.actual_submit(actual=a, user=staff_user, expected_version=a.version)
    services.actual_approve(actual=a, user=manager, expected_version=a.version)
    r = services.actual_save(
        indicator=ratio,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"numerator": Decimal("75"), "denominator": Decimal("100")},
        expected_version=0,
    )
    services.actual_submit(actual=r, user=staff_user, expected_version=r.version)
    FinalRating.objects.create(
        indicator=count, fiscal_year=fiscal_year, grade="B", reason="目標を達成", set_by=manager
    )
    row = (
        BudgetRow.objects.filter(table__kind="budget", role="item")
        .order_by("table__account__order", "order")
        .first()
    )
    column = row.table.columns.order_by("order").first()
    BudgetExecution.objects.create(
        row=row, column=column, quarter=1, amount=Decimal("12.345"), updated_by=staff_user
    )
    services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="第1四半期締め")


def test_a_backup_restores_every_figure_actual_and_history_row(worked_year, tmp_path, empty_database_url):
    backup = tmp_path / "backup.xml.gz"
    call_command("backup_data", str(backup), verbosity=0)
    counts = backup_row_counts(backup)
    assert counts["indicators.indicator"] == 28
    assert counts["indicators.actual"] == 2
    assert counts["indicators.historicalactual"] == Actual.history.count() >= 8
    assert counts["budgets.budgetcell"] == BudgetCell.objects.count() > 1000
    assert counts["budgets.historicalbudgetexecution"] == 1
    assert counts["smrj_plan.historicalquarterlock"] == 1
    # The data version's rows are the database's own; a restored database makes its own (and a new epoch).
    for excluded in (
        "sessions.session",
        "contenttypes.contenttype",
        "auth.permission",
        "smrj_plan.datachange",
        "smrj_plan.dataepoch",
    ):
        assert counts[excluded] == 0
    assert not any(label.startswith("axes.") for label in counts)

    restored = _restore(backup, empty_database_url)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "復元しました" in restored.stdout

    snapshot = _snapshot_in_subprocess(empty_database_url)
    original = json.loads(json.dumps({"fingerprint": fingerprint(), "figures": figures()}, default=_exact))
    assert snapshot["figures"] == original["figures"]
    for label, rows in original["fingerprint"].items():
        assert snapshot["fingerprint"][label] == rows, label
    assert snapshot["password_ok"] is True
    assert snapshot["groups"] == ["担当者"]

    figures_after = snapshot["figures"]
    assert figures_after["actuals"]["1-1 Q1"] == ["262.50", "None", "None", "approved", 6]
    assert figures_after["actuals"]["1-3 Q1"] == ["None", "75.00", "100.00", "submitted", 2]
    assert figures_after["targets"]["1-1"] == "1000.00"
    reasons = [row[6] for row in figures_after["history"] if row[0] == "1-1"]
    assert reasons == ["下書き保存", "提出", "根拠資料と件数が合いません", "件数を修正", "提出", "承認"]
    assert [row[7] for row in figures_after["history"] if row[0] == "1-1"] == [
        "tanto",
        "tanto",
        "kanri",
        "tanto",
        "tanto",
        "kanri",
    ]
    assert figures_after["executions"] == [["12.345", "draft", 1]]
    assert figures_after["ratings"] == [["1-1", "B", "目標を達成", 1]]


def test_restore_refuses_a_database_that_already_holds_data(tmp_path, db):
    backup = tmp_path / "backup.xml.gz"
    call_command("backup_data", str(backup), verbosity=0)
    target = f"sqlite:///{tmp_path}/twice.sqlite3"
    assert _restore(backup, target).returncode == 0
    again = _restore(backup, target)
    assert again.returncode != 0
    assert "復元先のデータベースが空ではありません" in again.stderr


def test_restore_refuses_a_damaged_file_and_leaves_the_database_empty(tmp_path):
    damaged = tmp_path / "damaged.xml.gz"
    damaged.write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    target = f"sqlite:///{tmp_path}/damaged.sqlite3"
    proc = _restore(damaged, target)
    assert proc.returncode != 0
    assert "バックアップファイルを読めません" in proc.stderr


def test_restore_rolls_back_entirely_when_a_row_cannot_be_loaded(tmp_path, db):
    """A file whose last row is broken loads nothing: no half-restored database."""
    good = tmp_path / "good.xml"
    call_command("backup_data", str(good), verbosity=0)
    text = good.read_text(encoding="utf-8")
    bad_row = (
        '<object model="indicators.actual" pk="999999">'
        '<field name="indicator" rel="ManyToOneRel" to="indicators.indicator">987654</field>'
        '<field name="quarter" type="PositiveSmallIntegerField">9</field></object>'
    )
    broken = tmp_path / "broken.xml"
    broken.write_text(text.replace("</django-objects>", bad_row + "</django-objects>"), encoding="utf-8")
    target = f"sqlite:///{tmp_path}/broken.sqlite3"
    proc = _restore(broken, target)
    assert proc.returncode != 0
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from indicators.models import Indicator; "
            "from budgets.models import BudgetCell; print(Indicator.objects.count(), BudgetCell.objects.count())",
        ],
        cwd=BASE,
        env=_env(target),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.split() == ["0", "0"]
