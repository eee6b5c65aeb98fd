"""The quarterly entry page: rows per kind, all-or-nothing saving, 提出, and what each role sees."""

from decimal import Decimal

import pytest

from indicators import services
from indicators.models import Actual, Indicator

URL = "/entry/2024/1/"


def post_data(**rows):
    """rows: code → dict of field → value (version defaults to 0)."""
    data = {"action": "save"}
    for code, fields in rows.items():
        ind = Indicator.objects.get(code=code)
        data[f"a{ind.pk}-version"] = str(fields.pop("version", 0))
        for name, value in fields.items():
            data[f"a{ind.pk}-{name}"] = value
    return data


@pytest.mark.django_db
def test_it_shows_the_departments_indicators_with_inputs_for_their_kind(staff_client):
    r = staff_client.get(URL)
    body = r.content.decode()
    assert r.status_code == 200
    ind11, ind13 = Indicator.objects.get(code="1-1"), Indicator.objects.get(code="1-3")
    assert f'name="a{ind11.pk}-value"' in body
    assert f'name="a{ind13.pk}-numerator"' in body and f'name="a{ind13.pk}-denominator"' in body
    assert f'name="a{ind13.pk}-value"' not in body
    assert "年度に1回の指標です" in body  # 1-2 (benchmark) is annual: no inputs at 第1四半期
    assert "2-1" not in body  # another department's indicator


def ind(code):
    return Indicator.objects.get(code=code)


@pytest.mark.django_db
def test_it_saves_every_row_as_a_draft_in_one_post(staff_client, staff_user, fiscal_year):
    r = staff_client.post(
        URL, post_data(**{"1-1": {"value": "120"}, "1-3": {"numerator": "75", "denominator": "100"}})
    )
    assert r.status_code == 302
    a11 = Actual.objects.get(indicator=ind("1-1"), fiscal_year=fiscal_year, quarter=1)
    a13 = Actual.objects.get(indicator=ind("1-3"), fiscal_year=fiscal_year, quarter=1)
    assert a11.value == Decimal("120") and a11.state == "draft" and a11.updated_by == staff_user
    assert (a13.numerator, a13.denominator) == (Decimal("75"), Decimal("100"))


@pytest.mark.django_db
def test_it_saves_nothing_when_one_row_is_wrong(staff_client, fiscal_year):
    r = staff_client.post(
        URL, post_data(**{"1-1": {"value": "120"}, "1-3": {"numerator": "120", "denominator": "100"}})
    )
    assert r.status_code == 200
    assert "分子（120）は分母（100）以下にしてください。" in r.content.decode()
    assert not Actual.objects.filter(fiscal_year=fiscal_year, quarter=1).exists()


@pytest.mark.django_db
def test_submit_button_saves_and_submits(staff_client, fiscal_year):
    data = post_data(**{"1-1": {"value": "300"}})
    data["action"] = "submit"
    staff_client.post(URL, data)
    a = Actual.objects.get(indicator=ind("1-1"), fiscal_year=fiscal_year, quarter=1)
    assert a.state == "submitted" and a.value == Decimal("300")


@pytest.mark.django_db
def test_it_shows_last_quarter_and_the_cumulative(staff_client, staff_user, fiscal_year):
    for q, value in ((1, "120"), (2, "80")):
        services.actual_save(
            indicator=ind("1-1"),
            fiscal_year=fiscal_year,
            quarter=q,
            user=staff_user,
            data={"value": Decimal(value)},
            expected_version=0,
        )
    for q, (n, d) in ((1, ("30", "40")), (2, ("45", "60"))):
        services.actual_save(
            indicator=ind("1-3"),
            fiscal_year=fiscal_year,
            quarter=q,
            user=staff_user,
            data={"numerator": Decimal(n), "denominator": Decimal(d)},
            expected_version=0,
        )
    body = staff_client.get("/entry/2024/3/").content.decode()
    assert "前四半期：80社" in body
    assert "200社" in body  # 120 + 80
    assert "75／100（75.0%）" in body  # Σ numerator / Σ denominator, not an average of 75% and 75%


@pytest.mark.django_db
def test_benchmark_is_entered_at_the_fourth_quarter(staff_client, fiscal_year):
    b = ind("1-2")
    body = staff_client.get("/entry/2024/4/").content.decode()
    assert f'name="a{b.pk}-growth_rate"' in body and f'name="a{b.pk}-benchmark_rate"' in body
    staff_client.post("/entry/2024/4/", post_data(**{"1-2": {"growth_rate": "6.5", "benchmark_rate": "5.0"}}))
    a = Actual.objects.get(indicator=b, fiscal_year=fiscal_year, quarter=4)
    assert (a.growth_rate, a.benchmark_rate) == (Decimal("6.5"), Decimal("5.0"))


@pytest.mark.django_db
def test_a_locked_quarter_shows_no_inputs_and_refuses_posts(staff_client, manager, fiscal_year):
    services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="第1四半期締め")
    body = staff_client.get(URL).content.decode()
    assert "締め済みです" in body and f"a{ind('1-1').pk}-value" not in body
    staff_client.post(URL, post_data(**{"1-1": {"value": "1"}}))
    assert not Actual.objects.filter(fiscal_year=fiscal_year, quarter=1).exists()


@pytest.mark.django_db
def test_manager_and_auditor_cannot_open_the_entry_form(manager_client, auditor_client):
    assert manager_client.get(URL).status_code == 403
    assert auditor_client.get(URL).status_code == 403


@pytest.mark.django_db
def test_a_tampered_version_is_refused_with_a_message(staff_client):
    i = ind("1-1")
    r = staff_client.post(URL, {"action": "save", f"a{i.pk}-version": "abc", f"a{i.pk}-value": "5"})
    assert r.status_code == 200
    assert "画面の版番号が正しくありません" in r.content.decode()
    assert not Actual.objects.filter(indicator=i).exists()


@pytest.mark.django_db
def test_unknown_quarter_and_year_are_404(staff_client):
    assert staff_client.get("/entry/2024/5/").status_code == 404
    assert staff_client.get("/entry/1999/1/").status_code == 404


@pytest.mark.django_db
def test_single_indicator_page_saves_only_that_indicator(staff_client, fiscal_year):
    i = ind("1-1")
    r = staff_client.post(
        f"/entry/2024/1/indicator/{i.pk}/",
        {"action": "save", f"a{i.pk}-version": "0", f"a{i.pk}-value": "33"},
    )
    assert r.status_code == 302
    assert Actual.objects.get(indicator=i, fiscal_year=fiscal_year, quarter=1).value == Decimal("33")
    assert Actual.objects.filter(fiscal_year=fiscal_year).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["9" * 5000, "9" * 30, "-1", "1e999", "NaN", "\x00"])
def test_hostile_numbers_and_versions_never_cause_a_server_error(
    staff_client, manager_client, staff_user, junk
):
    i = ind("1-1")
    r = staff_client.post(URL, {"action": "save", f"a{i.pk}-version": junk, f"a{i.pk}-value": junk})
    assert r.status_code == (400 if "\x00" in junk else 200)  # NUL bytes are refused before any view
    assert not Actual.objects.filter(indicator=i).exists()
    a = services.actual_save(
        indicator=i,
        fiscal_year=i.plan.fiscal_year,
        quarter=2,
        user=staff_user,
        data={"value": Decimal("1")},
        expected_version=0,
    )
    a = services.actual_submit(actual=a, user=staff_user, expected_version=a.version)
    r = manager_client.post(f"/entry/actual/{a.pk}/approve/", {"version": junk})
    assert r.status_code == (400 if "\x00" in junk else 302)
    assert Actual.objects.get(pk=a.pk).state == "submitted"
