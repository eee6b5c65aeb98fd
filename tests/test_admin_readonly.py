"""The admin shows actuals, executed amounts, final ratings and quarter locks but cannot change them.

Changes go through the workflow (approval by a second person, the quarter lock, the version check, a reason in
the history); an admin edit would skip all of it. Even the システム管理者 only reads these records there."""

from decimal import Decimal

import pytest
from django.db import models
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from budgets import services as budget_services
from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators import services
from indicators.models import Actual, FinalRating, Indicator
from indicators.rating_services import final_rating_set
from smrj_plan.models import QuarterLock

REGION = "地域牽引・成長志向企業支援業務"


@pytest.fixture
def records(staff_user, colleague, manager, fiscal_year):
    """An approved actual and an approved executed amount of 第1四半期, a final rating, then 第1四半期 locked."""
    second_manager = manager  # approvals by a manager who submitted nothing
    indicator = Indicator.objects.get(code="1-1", plan__fiscal_year=fiscal_year)
    actual = services.actual_save(
        indicator=indicator,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("120")},
        expected_version=0,
    )
    actual = services.actual_approve(
        actual=(
            _entry1 := services.actual_submit(actual=actual, user=staff_user, expected_version=actual.version)
        ),
        user=second_manager,
        expected_version=_entry1.version,
    )
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.select_related("table__fiscal_year").get(table=row.table, segment=REGION)
    execution = budget_services.execution_save(
        row=row,
        column=column,
        quarter=1,
        amount=Decimal("10"),
        user=colleague,
        expected_version=0,
    )
    execution = budget_services.execution_approve(
        execution=(
            _entry2 := budget_services.execution_submit(
                execution=execution, user=colleague, expected_version=execution.version
            )
        ),
        user=second_manager,
        expected_version=_entry2.version,
    )
    rating = final_rating_set(
        indicator=indicator, fiscal_year=fiscal_year, grade="B", reason="目標どおり", user=manager
    )
    lock = services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="第1四半期の締め")
    return {"actual": actual, "execution": execution, "rating": rating, "lock": lock}


# (record, admin URL name part, the figure an edit would change and the value it would post, field names)
CASES = {
    "actual": ("indicators_actual", "value", "999", ["value", "state", "version"]),
    "execution": ("budgets_budgetexecution", "amount", "999", ["amount", "state", "version"]),
    "rating": ("indicators_finalrating", "grade", "D", ["grade", "reason"]),
    "lock": ("smrj_plan_quarterlock", "is_locked", "", ["is_locked", "reason"]),
}


def _as_browser_post(obj, **changes) -> dict:
    """Every field of the record as the admin's change form would post it (datetimes split in two)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        value = model_to_dict(obj, fields=[field.name]).get(field.name)
        if isinstance(field, models.DateTimeField):
            if value is not None:
                local = timezone.localtime(value)
                data[f"{field.name}_0"] = local.strftime("%Y-%m-%d")
                data[f"{field.name}_1"] = local.strftime("%H:%M:%S")
            continue
        if isinstance(field, models.BooleanField):
            if value:
                data[field.name] = "on"
            continue
        data[field.name] = "" if value is None else str(value)
    data.update(changes)
    return data


def _snapshot(obj, names):
    obj.refresh_from_db()
    return [getattr(obj, n) for n in names], obj.history.count()


@pytest.mark.parametrize("key", list(CASES))
def test_a_change_posted_in_the_admin_changes_nothing(sysadmin_client, records, key):
    obj = records[key]
    url_name, figure, new_value, names = CASES[key]
    before = _snapshot(obj, names)
    assert before[1] >= 1
    data = _as_browser_post(obj, **{figure: new_value})
    if not new_value:
        data.pop(figure, None)  # an unticked checkbox is simply absent
    data["_save"] = "保存"

    response = sysadmin_client.post(reverse(f"admin:{url_name}_change", args=[obj.pk]), data)

    assert response.status_code == 403
    assert _snapshot(obj, names) == before


@pytest.mark.parametrize("key", list(CASES))
def test_a_history_revert_posted_in_the_admin_changes_nothing(sysadmin_client, records, key):
    """simple_history's "revert" page saves a POST after checking only the view permission."""
    obj = records[key]
    url_name, _, _, names = CASES[key]
    oldest = obj.history.order_by("history_date", "history_id").first()
    before = _snapshot(obj, names)
    url = reverse(f"admin:{url_name}_simple_history", args=[obj.pk, oldest.history_id])

    response = sysadmin_client.post(url, _as_browser_post(oldest.instance) | {"_save": "保存"})

    assert response.status_code == 403
    assert "管理サイトでは変更できません" in response.content.decode()
    assert _snapshot(obj, names) == before


@pytest.mark.parametrize("key", list(CASES))
def test_add_and_delete_are_refused_in_the_admin(sysadmin_client, records, key):
    obj = records[key]
    url_name = CASES[key][0]
    model = type(obj)
    count = model.objects.count()
    assert sysadmin_client.get(reverse(f"admin:{url_name}_add")).status_code == 403
    assert sysadmin_client.post(reverse(f"admin:{url_name}_add"), _as_browser_post(obj)).status_code == 403
    delete_url = reverse(f"admin:{url_name}_delete", args=[obj.pk])
    assert sysadmin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:{url_name}_changelist")
    bulk = sysadmin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert model.objects.count() == count
    assert model.objects.filter(pk=obj.pk).exists()


def test_the_change_pages_are_read_only_but_show_the_figures_and_history(sysadmin_client, records):
    pages = {
        "actual": ("value", "120"),
        "execution": ("amount", "10"),
        "rating": ("grade", "B"),
        "lock": ("is_locked", "第1四半期の締め"),
    }
    for key, (figure, shown) in pages.items():
        obj = records[key]
        url_name = CASES[key][0]
        page = sysadmin_client.get(reverse(f"admin:{url_name}_change", args=[obj.pk]))
        assert page.status_code == 200, key
        body = page.content.decode()
        assert f'name="{figure}"' not in body, key
        assert 'name="_save"' not in body, key
        assert shown in body, key
        history = sysadmin_client.get(reverse(f"admin:{url_name}_history", args=[obj.pk]))
        assert history.status_code == 200, key
        changelist = sysadmin_client.get(reverse(f"admin:{url_name}_changelist"))
        assert changelist.status_code == 200, key
        assert reverse(f"admin:{url_name}_add") not in changelist.content.decode(), key


def test_the_records_stay_as_the_workflow_left_them(sysadmin_client, records):
    """After every refused admin request the figures are the approved ones, in the locked quarter."""
    for key in CASES:
        obj = records[key]
        url_name, figure, new_value, _ = CASES[key]
        sysadmin_client.post(
            reverse(f"admin:{url_name}_change", args=[obj.pk]), _as_browser_post(obj, **{figure: new_value})
        )
    actual = Actual.objects.get(pk=records["actual"].pk)
    execution = BudgetExecution.objects.get(pk=records["execution"].pk)
    assert (actual.value, actual.state, actual.version) == (Decimal("120"), "approved", 3)
    assert (execution.amount, execution.state, execution.version) == (Decimal("10"), "approved", 3)
    assert FinalRating.objects.get(pk=records["rating"].pk).grade == "B"
    assert QuarterLock.objects.get(pk=records["lock"].pk).is_locked is True
