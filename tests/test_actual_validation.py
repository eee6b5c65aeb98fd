"""Each validation rule of the entry form, with its Japanese message next to the field; nothing saved."""

import pytest

from indicators.models import Actual, Indicator

URL = "/entry/2024/{q}/"


def submit(client, code, quarter=1, **fields):
    ind = Indicator.objects.get(code=code)
    data = {"action": "save", f"a{ind.pk}-version": "0"}
    data.update({f"a{ind.pk}-{k}": v for k, v in fields.items()})
    response = client.post(URL.format(q=quarter), data)
    return response, ind


def field_errors(response, ind, name):
    for row in response.context["rows"]:
        if row.indicator.pk == ind.pk:
            return row.form.errors.get(name, [])
    raise AssertionError("row not found")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code,fields,field,message",
    [
        ("1-1", {"value": "-1"}, "value", "0以上の数値を入力してください"),
        ("1-1", {"value": "abc"}, "value", "数値を入力してください"),
        ("1-1", {"value": "1.234"}, "value", "小数点以下"),
        ("1-1", {"value": "1234567890123"}, "value", "桁"),
        ("1-3", {"numerator": "-3", "denominator": "10"}, "numerator", "0以上の数値を入力してください"),
        (
            "1-3",
            {"numerator": "11", "denominator": "10"},
            "numerator",
            "分子（11）は分母（10）以下にしてください。",
        ),
        ("1-3", {"numerator": "0", "denominator": "0"}, "denominator", "分母が0では割合を計算できません"),
        ("1-3", {"numerator": "5"}, "denominator", "分子を入力したときは分母も入力してください。"),
        ("1-3", {"denominator": "5"}, "numerator", "分母を入力したときは分子も入力してください。"),
        (
            "1-1",
            {"value": "5", "as_of": "2024-03-31"},
            "as_of",
            "基準日は令和6年度（令和6年4月1日〜令和7年3月31日）",
        ),
        ("1-1", {"value": "5", "as_of": "2025-04-01"}, "as_of", "基準日は令和6年度"),
        (
            "1-1",
            {"value": "5", "as_of": "2024-13-01"},
            "as_of",
            "日付は 2024-06-30 の形式で入力してください。",
        ),
    ],
)
def test_it_rejects_bad_figures_with_a_message_next_to_the_field(staff_client, code, fields, field, message):
    response, ind = submit(staff_client, code, **fields)
    assert response.status_code == 200
    errors = field_errors(response, ind, field)
    assert any(message in e for e in errors), errors
    assert "どの行も保存していません" in response.content.decode()
    assert not Actual.objects.filter(indicator=ind).exists()


@pytest.mark.django_db
def test_it_rejects_a_non_positive_benchmark_without_judgement_and_note(staff_client):
    response, ind = submit(staff_client, "1-2", quarter=4, growth_rate="3.0", benchmark_rate="-1.0")
    assert "判定不能" in field_errors(response, ind, "manual_judgement")[0]
    assert "備考" in field_errors(response, ind, "note")[0]
    assert not Actual.objects.filter(indicator=ind).exists()


@pytest.mark.django_db
def test_it_accepts_a_manual_judgement_when_the_benchmark_is_not_positive(staff_client):
    response, ind = submit(
        staff_client,
        "1-2",
        quarter=4,
        growth_rate="3.0",
        benchmark_rate="0",
        manual_judgement="achieved",
        note="調査値が0のため、前年比で判断",
    )
    assert response.status_code == 302
    a = Actual.objects.get(indicator=ind)
    assert a.manual_judgement == "achieved" and a.benchmark_rate == 0


@pytest.mark.django_db
def test_it_accepts_a_date_inside_the_fiscal_year(staff_client):
    response, ind = submit(staff_client, "1-1", value="12.5", as_of="2025-03-31")
    assert response.status_code == 302
    a = Actual.objects.get(indicator=ind)
    assert str(a.as_of) == "2025-03-31" and str(a.value) == "12.50"


@pytest.mark.django_db
def test_the_database_refuses_numerator_above_denominator(staff_user, fiscal_year):
    from django.db import IntegrityError, transaction

    ind = Indicator.objects.get(code="1-3")
    with pytest.raises(IntegrityError), transaction.atomic():
        Actual.objects.create(indicator=ind, fiscal_year=fiscal_year, quarter=1, numerator=5, denominator=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Actual.objects.create(indicator=ind, fiscal_year=fiscal_year, quarter=1, value=-1)


@pytest.mark.django_db
def test_it_rejects_a_manual_judgement_when_the_benchmark_is_positive(staff_client):
    response, ind = submit(
        staff_client, "1-2", quarter=4, growth_rate="8.0", benchmark_rate="5.0", manual_judgement="achieved"
    )
    assert "自動で判定します" in field_errors(response, ind, "manual_judgement")[0]
    assert not Actual.objects.filter(indicator=ind).exists()


@pytest.mark.django_db
def test_baseline_kind_takes_counts_and_a_baseline_ratio(fiscal_year):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from indicators import services
    from measures.models import Department
    from smrj_plan.roles import Role
    from tests.conftest import make_user

    ind = Indicator.objects.get(code="R2-6-1")
    somu = make_user("somu", Role.STAFF, Department.objects.get(pk=ind.department_id))
    with pytest.raises(ValidationError) as exc:
        services.actual_save(
            indicator=ind,
            fiscal_year=fiscal_year,
            quarter=4,
            user=somu,
            data={
                "numerator": Decimal("12"),
                "denominator": Decimal("100"),
                "benchmark_rate": Decimal("120"),
            },
            expected_version=0,
        )
    assert exc.value.message_dict == {
        "benchmark_rate": ["基準値（平均比率）は0〜100%の範囲で入力してください。"]
    }
    with pytest.raises(ValidationError, match="年度末（第4四半期）にだけ入力します"):
        services.actual_save(
            indicator=ind,
            fiscal_year=fiscal_year,
            quarter=2,
            user=somu,
            data={"numerator": Decimal("1"), "denominator": Decimal("2")},
            expected_version=0,
        )
    a = services.actual_save(
        indicator=ind,
        fiscal_year=fiscal_year,
        quarter=4,
        user=somu,
        data={
            "numerator": Decimal("12"),
            "denominator": Decimal("100"),
            "benchmark_rate": Decimal("15.3"),
            "value": Decimal("99"),
        },
        expected_version=0,
    )
    assert (a.numerator, a.denominator, a.benchmark_rate, a.value) == (
        Decimal("12"),
        Decimal("100"),
        Decimal("15.3"),
        None,
    )
    assert services.actual_submit(actual=a, user=somu, expected_version=a.version).state == "submitted"


@pytest.mark.django_db
def test_milestone_needs_a_status_to_be_submitted(fiscal_year):
    from django.core.exceptions import ValidationError

    from indicators import services
    from measures.models import Department
    from smrj_plan.roles import Role
    from tests.conftest import make_user

    ind = Indicator.objects.get(code="R10-2-1")
    jinji = make_user("jinji", Role.STAFF, Department.objects.get(pk=ind.department_id))
    a = services.actual_save(
        indicator=ind,
        fiscal_year=fiscal_year,
        quarter=1,
        user=jinji,
        data={"note": "骨子案を作成中"},
        expected_version=0,
    )
    with pytest.raises(ValidationError, match="「進捗」が未入力"):
        services.actual_submit(actual=a, user=jinji, expected_version=a.version)
    a = services.actual_save(
        indicator=ind,
        fiscal_year=fiscal_year,
        quarter=1,
        user=jinji,
        data={"milestone_status": "in_progress", "note": "骨子案を作成中"},
        expected_version=a.version,
    )
    assert (
        services.actual_submit(
            actual=a, user=jinji, expected_version=a.version
        ).get_milestone_status_display()
        == "実施中"
    )


@pytest.mark.django_db
def test_ratio_rules_hold_for_any_pair(fiscal_year):
    """Σ property: a pair is accepted exactly when 0 ≤ numerator ≤ denominator and denominator > 0."""
    from decimal import Decimal

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from indicators.services import actual_figure_errors

    ind = Indicator.objects.get(code="1-3")
    amounts = st.decimals(min_value=-1000, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)

    @settings(max_examples=300, deadline=None)
    @given(num=amounts, den=amounts)
    def check(num: Decimal, den: Decimal):
        errors = actual_figure_errors(
            indicator=ind, fiscal_year=fiscal_year, data={"numerator": num, "denominator": den}
        )
        assert (not errors) == (0 <= num <= den and den > 0), (num, den, errors)

    check()
