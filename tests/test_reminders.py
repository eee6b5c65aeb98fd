"""督促メール (send_reminders) and the workflow's notices, sent over SMTP to a real server on loopback.

The scenario: 令和6年度 第1四半期, 提出期限 2024-07-15 (the quarter's end + 15 days).
- 経営支援部 (担当者 tanto and tanto3): 1-1 returned with a reason, 1-3 not entered (1-2 is annual).
- 販路支援部 (担当者 tanto2): 2-1 in 下書き, 2-2 not entered.
- ファンド事業部: every figure approved, so nobody hears about it.
- 財務部 has no indicator but a 下書き 執行額, and no 担当者: reported to the 管理者 with the other departments
  that have no 担当者.
"""

import datetime as dt
import email
import email.policy
import socket
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.utils import timezone

from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators import services
from indicators.models import Actual, Indicator
from measures.models import Department
from smrj_plan.models import QuarterLock, ReminderLog
from smrj_plan.roles import Role
from smrj_plan.workflow import EntryState
from tests.conftest import make_user

SITE = "https://plan.example.go.jp"


class Inbox:
    """aiosmtpd handler: keeps every message as (envelope recipients, parsed message)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((sorted(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def by_recipient(self) -> dict[str, list]:
        grouped = {}
        for rcpts, message in self.messages:
            for rcpt in rcpts:
                grouped.setdefault(rcpt, []).append(message)
        return grouped

    def clear(self):
        self.messages.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _measures_owe_nothing(measures_reported):
    """These tests are about the indicators' and budgets' part; the measures' part is tests/test_measure_owed.py."""


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 and the project's mail settings pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = SITE
    settings.SUBMISSION_DEADLINE_DAYS = 15
    settings.REMINDER_DAYS_BEFORE = 7
    yield inbox
    controller.stop()


@pytest.fixture
def today(monkeypatch):
    """Set Japan's today for the code under test: `today.set(date)`."""

    class Today:
        value = dt.date(2024, 7, 20)

        def set(self, value):
            self.value = value

    holder = Today()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: holder.value)
    return holder


def _with_mail(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


def _indicator(code):
    return Indicator.objects.get(plan__fiscal_year__year=2024, code=code)


def _actual(code, fiscal_year, state, quarter=1, **fields):
    return Actual.objects.create(
        indicator=_indicator(code), fiscal_year=fiscal_year, quarter=quarter, state=state, value=10, **fields
    )


@pytest.fixture
def scenario(smtp, today, fiscal_year, staff_user, colleague, other_staff_user, manager, auditor):
    _with_mail(staff_user, "tanto@example.jp")
    _with_mail(colleague, "tanto3@example.jp")
    _with_mail(other_staff_user, "tanto2@example.jp")
    _with_mail(manager, "kanri@example.jp")
    _with_mail(auditor, "kansa@example.jp")
    second_manager = _with_mail(make_user("kanri2", Role.MANAGER), "kanri2@example.jp")
    _actual(
        "1-1",
        fiscal_year,
        EntryState.RETURNED,
        submitted_by=staff_user,
        review_comment="基準日が四半期末と違います。6月30日時点の件数にしてください。",
    )
    _actual("2-1", fiscal_year, EntryState.DRAFT)
    for code in ("3-1", "3-1-1", "3-2", "3-2-1"):
        _actual(code, fiscal_year, EntryState.APPROVED)
    # Every other department's indicators of 第1四半期 are approved, so the 管理者's list stays short.
    others = Department.objects.exclude(code__in=["keiei-shien", "hanro-shien", "fund", "zaimu", "jinji"])
    for indicator in Indicator.objects.filter(plan__fiscal_year=fiscal_year, department__in=others):
        if indicator.frequency == "quarterly" and indicator.kind not in ("benchmark", "baseline"):
            _actual(indicator.code, fiscal_year, EntryState.APPROVED)
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.get(table=row.table, department__code="zaimu", role="segment")
    BudgetExecution.objects.create(row=row, column=column, quarter=1, amount=Decimal("1200.5"))
    return {"second_manager": second_manager}


def _subject(message) -> str:
    """The decoded subject (a long Japanese subject is folded onto a continuation line, which leaves a space)."""
    return str(message["Subject"]).strip()


def _body(message) -> str:
    """The decoded text (SMTP carries it with CRLF line ends)."""
    return message.get_content().replace("\r\n", "\n")


def _lines_with(body: str, marker: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith(marker)]


def test_each_department_hears_of_its_own_items_and_the_manager_of_departments_without_staff(
    scenario, smtp, capsys
):
    call_command("send_reminders")
    inbox = smtp.by_recipient()
    assert sorted(inbox) == [
        "kanri2@example.jp",
        "kanri@example.jp",
        "tanto2@example.jp",
        "tanto3@example.jp",
        "tanto@example.jp",
    ]
    assert all(len(messages) == 1 for messages in inbox.values())

    own = inbox["tanto@example.jp"][0]
    assert (
        _subject(own) == "【年度計画】【期限超過】実績の提出のお願い：経営支援部 令和6年度 第1四半期（2件）"
    )
    body = _body(own)
    assert body.startswith("tanto 様\n")
    assert "提出期限: 令和6年7月15日（2024年7月15日）、期限を過ぎています（5日超過）" in body
    assert _lines_with(body, "・") == [
        "・[差戻し] 指標 1-1 " + _indicator("1-1").name,
        "・[未入力] 指標 1-3 " + _indicator("1-3").name,
    ]
    assert "  差戻しの理由: 基準日が四半期末と違います。6月30日時点の件数にしてください。" in body
    assert f"  {SITE}/entry/2024/1/indicator/{_indicator('1-3').pk}/" in body
    assert f"入力画面: {SITE}/entry/2024/1/" in body
    assert _body(inbox["tanto3@example.jp"][0]).replace("tanto3 様", "tanto 様") == body

    other = inbox["tanto2@example.jp"][0]
    assert (
        _subject(other) == "【年度計画】【期限超過】実績の提出のお願い：販路支援部 令和6年度 第1四半期（2件）"
    )
    assert _lines_with(_body(other), "・") == [
        "・[下書き] 指標 2-1 " + _indicator("2-1").name,
        "・[未入力] 指標 2-2 " + _indicator("2-2").name,
    ]

    report = inbox["kanri@example.jp"][0]
    assert _subject(report) == (
        "【年度計画】【期限超過】実績の提出のお願い：人事部 令和6年度 第1四半期、財務部 令和6年度 第1四半期（2件）"
    )
    report_body = _body(report)
    assert "担当者（メールアドレスの登録がある担当者）がいないため、管理者にお知らせします。" in report_body
    assert _lines_with(report_body, "■") == [
        "■ 人事部 令和6年度 第1四半期（4–6月）",
        "■ 財務部 令和6年度 第1四半期（4–6月）",
    ]
    assert _lines_with(report_body, "・") == [
        "・[未入力] 指標 R10-2-1 " + _indicator("R10-2-1").name,
        "・[下書き] 予算執行 一般勘定 運営費交付金（共通（一般経理））",
    ]
    assert f"{SITE}/budgets/execution/ippan/?year=2024" in report_body
    # The complete department is in nobody's mail.
    assert all("ファンド事業部" not in _body(m) for _r, m in smtp.messages)
    assert ReminderLog.objects.filter(sent_on=dt.date(2024, 7, 20)).count() == 5
    assert "督促メールを5通送信しました" in capsys.readouterr().out


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(scenario, smtp, today, capsys):
    call_command("send_reminders")
    assert len(smtp.messages) == 5
    smtp.clear()
    call_command("send_reminders")
    assert smtp.messages == []
    assert "督促メールを0通送信しました（本日送信済みのため送らなかった宛先 5人）" in capsys.readouterr().out
    today.set(dt.date(2024, 7, 21))
    call_command("send_reminders")
    assert sorted(r for rcpts, _m in smtp.messages for r in rcpts) == [
        "kanri2@example.jp",
        "kanri@example.jp",
        "tanto2@example.jp",
        "tanto3@example.jp",
        "tanto@example.jp",
    ]
    assert "（6日超過）" in smtp.by_recipient()["tanto@example.jp"][0].get_content()


def test_before_the_deadline_reminders_start_within_the_set_number_of_days(scenario, smtp, today):
    today.set(dt.date(2024, 7, 7))  # 8 days before 2024-07-15
    call_command("send_reminders")
    assert smtp.messages == []
    today.set(dt.date(2024, 7, 8))
    call_command("send_reminders")
    message = smtp.by_recipient()["tanto@example.jp"][0]
    assert _subject(message) == "【年度計画】実績の提出のお願い：経営支援部 令和6年度 第1四半期（2件）"
    assert "提出期限: 令和6年7月15日（2024年7月15日）、あと7日" in _body(message)


def test_a_complete_department_and_a_closed_quarter_get_nothing(
    scenario, smtp, fiscal_year, staff_user, manager
):
    for code in ("1-1", "1-3"):
        Actual.objects.update_or_create(
            indicator=_indicator(code),
            fiscal_year=fiscal_year,
            quarter=1,
            defaults={"state": EntryState.SUBMITTED, "value": 3},
        )
    call_command("send_reminders")
    assert sorted(smtp.by_recipient()) == ["kanri2@example.jp", "kanri@example.jp", "tanto2@example.jp"]
    smtp.clear()
    ReminderLog.objects.all().delete()
    QuarterLock.objects.create(
        fiscal_year=fiscal_year, quarter=1, is_locked=True, reason="締め", changed_by=manager
    )
    call_command("send_reminders")
    assert smtp.messages == []


def test_dry_run_prints_what_each_department_owes_and_to_whom_without_sending(scenario, smtp, capsys):
    call_command("send_reminders", "--dry-run", "--year", "2024", "--quarter", "1")
    out = capsys.readouterr().out
    assert smtp.messages == [] and not ReminderLog.objects.exists()
    assert (
        "■ 経営支援部 令和6年度 第1四半期 未提出・差戻し 2件（提出期限 令和6年7月15日（2024年7月15日）、期限を過ぎています（5日超過））"
        in out
    )
    assert "  ・[差戻し] 指標 1-1 " + _indicator("1-1").name + " 理由: 基準日が四半期末と違います。" in out
    assert "  宛先（担当者）: tanto <tanto@example.jp>、tanto3 <tanto3@example.jp>" in out
    assert "■ 販路支援部 令和6年度 第1四半期 未提出・差戻し 2件" in out
    assert "  宛先（担当者）: tanto2 <tanto2@example.jp>" in out
    assert "■ 財務部 令和6年度 第1四半期 未提出・差戻し 1件" in out
    assert "  担当者がいないため管理者へ: kanri <kanri@example.jp>、kanri2 <kanri2@example.jp>" in out
    assert "ファンド事業部" not in out
    assert "送信予定 5通" in out


def test_an_asked_for_quarter_is_reminded_of_before_its_window_and_bad_options_are_refused(
    scenario, smtp, today, capsys
):
    today.set(dt.date(2024, 6, 1))  # 第1四半期 not even over
    call_command("send_reminders")
    assert smtp.messages == []
    call_command("send_reminders", "--year", "2024", "--quarter", "1")
    assert "あと44日" in smtp.by_recipient()["tanto@example.jp"][0].get_content()
    with pytest.raises(CommandError, match="2030年度の計画が読み込まれていません"):
        call_command("send_reminders", "--year", "2030")
    with pytest.raises(CommandError, match="--quarter は --year と一緒に"):
        call_command("send_reminders", "--quarter", "2")
    with pytest.raises(CommandError, match="四半期は1〜4で指定してください: '5'"):
        call_command("send_reminders", "--year", "2024", "--quarter", "5")
    with pytest.raises(CommandError, match="年度は西暦4桁で指定してください"):
        call_command("send_reminders", "--year", "令和6")


def test_a_mail_server_that_is_down_leaves_no_record_so_the_next_run_retries(
    scenario, settings, smtp, capsys
):
    settings.EMAIL_PORT = _free_port()  # nobody listens there
    with pytest.raises(CommandError, match="5通のメールを送信できませんでした"):
        call_command("send_reminders")
    assert not ReminderLog.objects.exists()
    assert (
        "送信できませんでした: tanto <tanto@example.jp>（次回の実行で再送します）" in capsys.readouterr().err
    )
    settings.EMAIL_PORT = smtp.port
    call_command("send_reminders")
    assert len(smtp.messages) == 5


# ---------------------------------------------------------------------------------------------------------------
# 提出 → 管理者, 差戻し → the submitter with the reason, 承認 → the submitter


def _submit_quarter_2(user, fiscal_year):
    """1-1 (12社) and 1-3 (3／4) of 第2四半期, saved and submitted in one save as the entry page does."""
    rows = [
        services.RowInput(indicator=_indicator("1-1"), data={"value": Decimal("12")}, expected_version=0),
        services.RowInput(
            indicator=_indicator("1-3"),
            data={"numerator": Decimal("3"), "denominator": Decimal("4")},
            expected_version=0,
        ),
    ]
    return services.actual_save_many(
        user=user, fiscal_year=fiscal_year, quarter=2, rows=rows, submit=True, reason="保存して提出"
    )


def test_a_submission_tells_every_manager_once_for_the_whole_save(
    scenario, smtp, fiscal_year, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        saved = _submit_quarter_2(staff_user, fiscal_year)
    assert [a.state for a in saved] == [EntryState.SUBMITTED, EntryState.SUBMITTED]
    assert len(callbacks) == 1  # one batch for the save, not one per row
    inbox = smtp.by_recipient()
    assert sorted(inbox) == ["kanri2@example.jp", "kanri@example.jp"]
    for messages in inbox.values():
        (message,) = messages
        assert _subject(message) == "【年度計画】提出がありました：令和6年度 第2四半期 2件（tanto）"
        body = _body(message)
        assert "tanto さんが令和6年度 第2四半期の実績を提出しました。確認・承認をお願いします。" in body
        assert "提出期限: 令和6年10月15日（2024年10月15日）" in body
        assert _lines_with(body, "・") == [
            "・指標 1-1 " + _indicator("1-1").name,
            "・指標 1-3 " + _indicator("1-3").name,
        ]
        assert body.count(f"{SITE}/entry/2024/2/review/") == 2


def test_a_return_tells_the_submitter_the_reason_and_an_approval_tells_the_submitter(
    scenario, smtp, fiscal_year, staff_user, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = _submit_quarter_2(staff_user, fiscal_year)
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.actual_return(
            actual=first,
            user=manager,
            reason="件数の根拠資料を添付してください。",
            expected_version=first.version,
        )
    (message,) = smtp.by_recipient()["tanto@example.jp"]
    assert [rcpts for rcpts, _m in smtp.messages] == [["tanto@example.jp"]]
    assert _subject(message) == "【年度計画】差戻しがありました：令和6年度 第2四半期 1件"
    body = _body(message)
    assert "kanri さんが、提出された令和6年度 第2四半期の実績を差し戻しました。" in body
    assert "・指標 1-1 " + _indicator("1-1").name in body
    assert "  差戻しの理由: 件数の根拠資料を添付してください。" in body
    assert f"{SITE}/entry/2024/2/indicator/{_indicator('1-1').pk}/" in body
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.actual_approve(actual=second, user=manager, expected_version=second.version)
    (message,) = smtp.by_recipient()["tanto@example.jp"]
    assert len(smtp.messages) == 1
    assert _subject(message) == "【年度計画】承認されました：令和6年度 第2四半期 1件"
    assert "・指標 1-3 " + _indicator("1-3").name in _body(message)
    assert "差戻しの理由" not in _body(message)


def test_a_mail_failure_never_undoes_the_save(
    scenario, settings, smtp, fiscal_year, staff_user, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_PORT = _free_port()  # nobody listens there
    with django_capture_on_commit_callbacks(execute=True):
        _submit_quarter_2(staff_user, fiscal_year)
    states = dict(
        Actual.objects.filter(fiscal_year=fiscal_year, quarter=2).values_list("indicator__code", "state")
    )
    assert states == {"1-1": EntryState.SUBMITTED, "1-3": EntryState.SUBMITTED}
    assert "メールを送信できませんでした（宛先: kanri@example.jp, kanri2@example.jp）" in caplog.text
    assert smtp.messages == []


def test_a_rolled_back_save_sends_nothing(
    scenario, smtp, fiscal_year, staff_user, django_capture_on_commit_callbacks
):
    rows = [
        services.RowInput(indicator=_indicator("1-1"), data={"value": Decimal("12")}, expected_version=0),
        services.RowInput(
            indicator=_indicator("1-3"), data={"numerator": 5, "denominator": 4}, expected_version=0
        ),
    ]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.ActualBatchError),
    ):
        services.actual_save_many(user=staff_user, fiscal_year=fiscal_year, quarter=2, rows=rows, submit=True)
    assert callbacks == [] and smtp.messages == []


def _settings_in_a_fresh_process(**env_overrides) -> list[str]:
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_") and k != "SITE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="smrj_plan.settings", **env_overrides)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.SITE_URL, sep='|')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().split("|")


def test_mail_settings_come_from_the_environment_with_the_console_by_default():
    assert _settings_in_a_fresh_process() == [
        "django.core.mail.backends.console.EmailBackend",
        "localhost",
        "25",
        "False",
        "http://127.0.0.1:8000",
    ]
    assert _settings_in_a_fresh_process(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.go.jp",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="1",
        SITE_URL="https://plan.example.go.jp/",
    ) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.go.jp",
        "587",
        "True",
        "https://plan.example.go.jp",
    ]


def test_a_measures_progress_is_notified_like_an_actual(
    scenario, smtp, fiscal_year, staff_user, manager, django_capture_on_commit_callbacks
):
    """提出 of a measure's 取組状況 tells every 管理者; 差戻し tells the submitter with the reason and the entry's
    address, 承認 tells the submitter. The mail says 取組状況, not 実績."""
    from django.urls import reverse

    from evaluation import services as progress_services
    from evaluation.models import MeasureProgress
    from measures.models import Measure

    measure = Measure.objects.get(order=1)  # 経営支援部, tanto's
    other = Measure.objects.get(order=3)
    # This file's measures have everything approved (_measures_owe_nothing): these two start again in 第2四半期.
    MeasureProgress.objects.filter(measure__in=[measure, other], fiscal_year=fiscal_year, quarter=2).delete()
    entries = []
    for m in (measure, other):
        with django_capture_on_commit_callbacks(execute=True):
            entry = progress_services.progress_save(
                measure=m,
                fiscal_year=fiscal_year,
                quarter=2,
                user=staff_user,
                data={"status": "done", "narrative": "講習会を4回開催した。", "evidence": ""},
                expected_version=0,
            )
            entries.append(
                progress_services.progress_submit(
                    entry=entry, user=staff_user, expected_version=entry.version
                )
            )
    inbox = smtp.by_recipient()
    assert sorted(inbox) == ["kanri2@example.jp", "kanri@example.jp"]
    message = inbox["kanri@example.jp"][0]
    assert _subject(message) == "【年度計画】提出がありました：令和6年度 第2四半期 1件（tanto）"
    body = _body(message)
    assert "tanto さんが令和6年度 第2四半期の取組状況を提出しました。確認・承認をお願いします。" in body
    assert _lines_with(body, "・") == ["・施策 1 " + measure.text[:60]]
    assert f"{SITE}/evaluation/2024/2/review/" in body
    smtp.clear()
    first, second = entries
    with django_capture_on_commit_callbacks(execute=True):
        progress_services.progress_return(
            entry=first,
            user=manager,
            reason="開催日と参加者数の記録を添付してください。",
            expected_version=first.version,
        )
    (message,) = smtp.by_recipient()["tanto@example.jp"]
    assert _subject(message) == "【年度計画】差戻しがありました：令和6年度 第2四半期 1件"
    body = _body(message)
    assert "kanri さんが、提出された令和6年度 第2四半期の取組状況を差し戻しました。" in body
    assert "  差戻しの理由: 開催日と参加者数の記録を添付してください。" in body
    assert SITE + reverse("evaluation:measure_entry", args=[2024, 2, measure.pk]) in body
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        progress_services.progress_approve(entry=second, user=manager, expected_version=second.version)
    (message,) = smtp.by_recipient()["tanto@example.jp"]
    assert _subject(message) == "【年度計画】承認されました：令和6年度 第2四半期 1件"
    assert "・施策 3 " + other.text[:60] in _body(message)
