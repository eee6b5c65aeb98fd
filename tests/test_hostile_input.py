"""Hostile and random input at every form and at the upload: never a 500, and nothing saved from a submission
the page refuses.

Each example runs inside a savepoint that is rolled back, so every example starts from the same data and the row
counts before and after can be compared exactly."""

import io
import re
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets.models import BudgetExecution
from indicators import services
from indicators.models import Actual, FinalRating, Indicator
from smrj_plan.models import QuarterLock

HOSTILE_SAMPLES = [
    "",
    " ",
    "\t\n",
    "0",
    "-0",
    "-1",
    "-0.01",
    "1e9999",
    "-1e9999",
    "1e-9999",
    "1E5",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "１２３",
    "１２３．４",
    "٣",
    "²",
    "Ⅻ",
    "1,000",
    "1_000",
    " 12 ",
    "12.345",
    "12.",
    ".5",
    "0x10",
    "9" * 15,
    "9" * 40,
    "99999999999999.99",
    "1" * 10_000,
    "'; DROP TABLE indicators_actual; --",
    "1 OR 1=1",
    '" OR ""="',
    "<script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "\x00",
    "1\x00",
    "a\x00b",
    "\ud7ff\ue000",
    "𠮷野家",
    "\u202e123",
    "\ufeff1",
    "%00",
    "../../etc/passwd",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "あ" * 3000,
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back():
    """Run one example and undo whatever it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {
        "actual": Actual.objects.count(),
        "actual_history": Actual.history.count(),
        "execution": BudgetExecution.objects.count(),
        "execution_history": BudgetExecution.history.count(),
        "rating": FinalRating.objects.count(),
        "rating_history": FinalRating.history.count(),
        "lock": QuarterLock.objects.count(),
        "lock_history": QuarterLock.history.count(),
    }


def assert_no_server_error(response):
    assert response.status_code < 500, response.content[:500]


def messages_of(response) -> list[str]:
    return (
        [str(m) for m in response.wsgi_request._messages]
        if hasattr(response.wsgi_request, "_messages")
        else []
    )


def as_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None


# --- Login and password change ----------------------------------------------------------------------------


@EXAMPLES
@given(username=hostile_text, password=hostile_text)
def test_the_login_form_survives_hostile_credentials(staff_user, username, password):
    with rolled_back():
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert_no_server_error(response)
        assert response.status_code in (200, 400, 429)
        assert "_auth_user_id" not in client.session


@EXAMPLES
@given(new_password=hostile_text)
def test_the_password_change_form_survives_hostile_passwords(staff_user, new_password):
    with rolled_back():
        staff_user.refresh_from_db()  # an earlier example's change was rolled back
        client = Client()
        client.force_login(staff_user)
        response = client.post(
            reverse("password_change"),
            {"old_password": "pw-tanto", "new_password1": new_password, "new_password2": new_password},
        )
        assert_no_server_error(response)
        staff_user.refresh_from_db()
        if response.status_code != 302:
            assert staff_user.check_password("pw-tanto")
        else:
            assert response["Location"] == reverse("login")
            assert staff_user.check_password(new_password)


# --- Quarterly entry page ---------------------------------------------------------------------------------

ENTRY_FIELDS = ["value", "numerator", "denominator", "note", "evidence", "as_of", "version", "action"]


def _entry_post(count: Indicator, ratio: Indicator, field: str, hostile: str) -> dict:
    """A valid submission of 1-1 (count) and 1-3 (ratio) with one field replaced by a hostile value."""
    data = {
        "action": "save",
        f"a{count.pk}-version": "0",
        f"a{count.pk}-value": "120",
        f"a{ratio.pk}-version": "0",
        f"a{ratio.pk}-numerator": "75",
        f"a{ratio.pk}-denominator": "100",
    }
    target = ratio if field in ("numerator", "denominator") else count
    key = "action" if field == "action" else f"a{target.pk}-{field}"
    data[key] = hostile
    return data


@EXAMPLES
@given(field=st.sampled_from(ENTRY_FIELDS), hostile=hostile_text)
def test_the_entry_page_refuses_hostile_figures_and_saves_nothing(staff_user, field, hostile):
    count, ratio = Indicator.objects.get(code="1-1"), Indicator.objects.get(code="1-3")
    with rolled_back():
        client = Client()
        client.force_login(staff_user)
        before = counts()
        response = client.post("/entry/2024/1/", _entry_post(count, ratio, field, hostile))
        assert_no_server_error(response)
        after = counts()
        if response.status_code == 302:
            # Accepted: then only sane rows were written — non-negative, finite, numerator ≤ denominator.
            for stored in Actual.objects.filter(quarter=1, indicator__in=[count, ratio]):
                if stored.value is not None:
                    assert Decimal("0") <= stored.value < Decimal("1e12")
                if stored.numerator is not None:
                    assert Decimal("0") <= stored.numerator <= stored.denominator
                assert "\x00" not in stored.note + stored.evidence
            assert before["actual"] < after["actual"] <= before["actual"] + 2
        else:
            assert response.status_code in (200, 400)
            assert after == before


@EXAMPLES
@given(hostile=hostile_text)
def test_a_hostile_value_is_never_stored_as_something_else(staff_user, hostile):
    """If the page accepts the figure, what is stored is exactly the number typed (no NaN, no rounding)."""
    count = Indicator.objects.get(code="1-1")
    with rolled_back():
        client = Client()
        client.force_login(staff_user)
        response = client.post(
            "/entry/2024/1/", {"action": "save", f"a{count.pk}-version": "0", f"a{count.pk}-value": hostile}
        )
        assert_no_server_error(response)
        stored = Actual.objects.filter(indicator=count, quarter=1).first()
        if response.status_code == 302 and stored is not None:
            typed = as_decimal(hostile)
            if typed is not None and typed.is_finite():
                assert stored.value == typed
        elif response.status_code != 302:
            assert stored is None


# --- Review actions (承認・差戻し・再開) and quarter locks ----------------------------------------------


@pytest.fixture
def submitted_actual(fiscal_year, staff_user):
    indicator = Indicator.objects.get(code="1-1")
    actual = services.actual_save(
        indicator=indicator,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("300")},
        expected_version=0,
    )
    return services.actual_submit(actual=actual, user=staff_user, expected_version=actual.version)


@EXAMPLES
@given(action=st.sampled_from(["approve", "return", "reopen"]), reason=hostile_text, version=hostile_text)
def test_review_actions_survive_hostile_reasons_and_versions(
    manager, submitted_actual, action, reason, version
):
    with rolled_back():
        client = Client()
        client.force_login(manager)
        before = counts()
        response = client.post(
            f"/entry/actual/{submitted_actual.pk}/{action}/", {"reason": reason, "version": version}
        )
        assert_no_server_error(response)
        after = counts()
        stored = Actual.objects.get(pk=submitted_actual.pk)
        changed = after != before
        if changed:
            # Only a well-formed action on the right version may change anything, and by exactly one step.
            assert (
                version.strip() in ("", str(submitted_actual.version))
                or as_decimal(version) == submitted_actual.version
            )
            assert stored.version == submitted_actual.version + 1
            assert after["actual_history"] == before["actual_history"] + 1
            if action == "return":
                assert reason.strip() and "\x00" not in stored.review_comment
        else:
            assert stored.state == "submitted" and stored.version == submitted_actual.version


@EXAMPLES
@given(
    reason=hostile_text,
    next_url=st.one_of(
        hostile_text, st.sampled_from(["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
    ),
)
def test_the_quarter_lock_form_survives_hostile_reasons_and_never_redirects_off_site(
    manager, reason, next_url
):
    with rolled_back():
        client = Client()
        client.force_login(manager)
        before = counts()
        response = client.post("/entry/2024/1/lock/", {"reason": reason, "next": next_url})
        assert_no_server_error(response)
        if response.status_code == 302:
            assert url_has_allowed_host_and_scheme(response["Location"], allowed_hosts={"testserver"})
        after = counts()
        if not reason.strip() or "\x00" in reason:
            assert after == before
        if after != before:
            assert QuarterLock.objects.get(fiscal_year__year=2024, quarter=1).is_locked


# --- Budget execution -------------------------------------------------------------------------------------


def _execution_form(client) -> tuple[str, dict]:
    """The first editable line of the 担当者's execution form: its field names."""
    page = client.get("/budgets/execution/ippan/?quarter=1")
    assert page.status_code == 200
    names = re.findall(r'name="amount-(\d+-\d+)"', page.content.decode())
    return page.content.decode(), names


@EXAMPLES
@given(field=st.sampled_from(["amount", "note", "version"]), hostile=hostile_text, submit=st.booleans())
def test_the_budget_execution_form_refuses_hostile_amounts_and_saves_nothing(
    staff_user, field, hostile, submit
):
    with rolled_back():
        client = Client()
        client.force_login(staff_user)
        _page, names = _execution_form(client)
        if not names:
            pytest.skip("the staff department enters no 一般勘定 line")
        name = names[0]
        data = {f"amount-{name}": "12", f"version-{name}": "0", f"note-{name}": ""}
        data[f"{field}-{name}"] = hostile
        if submit:
            data["submit"] = "1"
        before = counts()
        response = client.post("/budgets/execution/ippan/q1/", data)
        assert_no_server_error(response)
        after = counts()
        refused = any("何も保存していません" in m for m in messages_of(response))
        if refused:
            assert after == before
        if field == "amount" and after["execution"] > before["execution"]:
            stored = BudgetExecution.objects.order_by("-pk").first()
            assert stored.amount.is_finite() and abs(stored.amount) < Decimal("1e12")


@EXAMPLES
@given(action=hostile_text, reason=hostile_text, version=hostile_text)
def test_budget_execution_actions_survive_hostile_input(manager, staff_user, action, reason, version):
    from budgets.models import BudgetRow

    row = (
        BudgetRow.objects.filter(table__kind="budget", role="item")
        .order_by("table__account__order", "order")
        .first()
    )
    column = row.table.columns.order_by("order").first()
    with rolled_back():
        entry = BudgetExecution.objects.create(
            row=row, column=column, quarter=1, amount=Decimal("5"), updated_by=staff_user, state="submitted"
        )
        client = Client()
        client.force_login(manager)
        before = counts()
        response = client.post(
            f"/budgets/execution/entry/{entry.pk}/action/",
            {"action": action, "reason": reason, "version": version},
        )
        assert_no_server_error(response)
        after = counts()
        if action not in ("approve", "return", "reopen", "submit"):
            assert after == before
        if after != before:
            entry.refresh_from_db()
            assert entry.state in ("approved", "returned") and "\x00" not in entry.review_comment


# --- Final rating, report download, dashboards ------------------------------------------------------------


@EXAMPLES
@given(
    grade=st.one_of(hostile_text, st.sampled_from(["S", "A", "B", "C", "D", "s", "Ｓ", "E"])),
    reason=hostile_text,
)
def test_the_final_rating_form_survives_hostile_input(manager, grade, reason):
    indicator = Indicator.objects.get(code="1-1")
    with rolled_back():
        client = Client()
        client.force_login(manager)
        before = counts()
        response = client.post(
            f"/dashboard/indicator/{indicator.pk}/rating/", {"grade": grade, "reason": reason}
        )
        assert_no_server_error(response)
        after = counts()
        if grade not in ("S", "A", "B", "C", "D"):
            assert after == before
        if after != before:
            rating = FinalRating.objects.get(indicator=indicator)
            assert rating.grade == grade and "\x00" not in rating.reason


@EXAMPLES
@given(year=hostile_text, quarter=hostile_text, include_drafts=hostile_text)
def test_the_report_download_form_refuses_hostile_parameters(auditor, year, quarter, include_drafts):
    with rolled_back():
        client = Client()
        client.force_login(auditor)
        response = client.get(
            "/reports/download/", {"year": year, "quarter": quarter, "include_drafts": include_drafts}
        )
        assert_no_server_error(response)
        if year != "2024":
            assert response.status_code == 400


@EXAMPLES
@given(
    path=st.sampled_from(
        ["/dashboard/", "/dashboard/budget/", "/indicators/", "/budgets/execution/ippan/", "/entry/"]
    ),
    key=st.sampled_from(["year", "quarter", "account", "pillar", "department", "kind", "q", "page", "sort"]),
    value=hostile_text,
)
def test_pages_with_hostile_query_parameters_never_fail(manager, path, key, value):
    client = Client()
    client.force_login(manager)
    response = client.get(path, {key: value})
    assert_no_server_error(response)


# --- Upload -----------------------------------------------------------------------------------------------


@EXAMPLES
@given(
    content=st.one_of(
        st.binary(max_size=4096),
        st.sampled_from(
            [b"", b"PK\x03\x04", b"PK\x05\x06" + b"\x00" * 18, b"\x00" * 1000, "１２３".encode()]
        ),
    ),
    filename=st.one_of(hostile_text.filter(lambda s: s and "\x00" not in s), st.just("actuals.xlsx")),
)
def test_the_upload_refuses_hostile_files_and_saves_nothing(staff_user, content, filename):
    with rolled_back():
        client = Client()
        client.force_login(staff_user)
        before = counts()
        upload = io.BytesIO(content)
        upload.name = filename[:200] or "x.xlsx"
        response = client.post("/entry/2024/1/upload/", {"file": upload})
        assert_no_server_error(response)
        assert response.status_code in (200, 400)
        assert counts() == before


def test_a_nul_character_anywhere_in_a_form_is_refused_with_a_japanese_400(staff_client):
    before = counts()
    response = staff_client.post("/budgets/execution/ippan/q1/", {"note-1-1": "備考\x00", "amount-1-1": "1"})
    assert response.status_code == 400
    assert (
        "入力に使えない制御文字（NUL）が含まれていたため、何も保存していません。" in response.content.decode()
    )
    assert staff_client.get("/dashboard/", {"year": "2024\x00"}).status_code == 400
    assert counts() == before
