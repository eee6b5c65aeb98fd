"""The measures' 取組状況 have the same deadlines as the actuals (docs/domain.md「1年の流れ」): a measure whose
quarter is not entered, or is in 下書き or 差戻し, is owed by its department — on the 担当者's list and in the
reminder — and stops being owed once submitted."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from evaluation.models import MeasureProgress
from measures.models import Measure
from smrj_plan.owed import owed_items

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _july_20(monkeypatch, settings):
    settings.SUBMISSION_DEADLINE_DAYS = 15
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2024, 7, 20))


def _measures(department):
    return list(Measure.objects.filter(department=department).order_by("order"))


def test_each_departments_measures_are_owed_until_submitted(
    fiscal_year, department, other_department, staff_user
):
    own, other = _measures(department), _measures(other_department)
    assert (
        len(own) == 3 and len(other) == 8
    )  # 経営支援部 3 measures, 販路支援部 8 (tests/test_measure_departments.py)
    MeasureProgress.objects.create(
        measure=own[0],
        fiscal_year=fiscal_year,
        quarter=1,
        status="on_schedule",
        narrative="実施",
        state="submitted",
    )
    MeasureProgress.objects.create(
        measure=own[1],
        fiscal_year=fiscal_year,
        quarter=1,
        status="delayed",
        narrative="遅れ",
        state="returned",
        review_comment="遅れの理由を書いてください。",
    )
    items = [i for i in owed_items(fiscal_year=fiscal_year, quarters=[1], department_id=department.pk)]
    measures = [(i.code, i.state_label, i.reason) for i in items if i.kind == "施策"]
    assert measures == [
        (str(own[1].order), "差戻し", "遅れの理由を書いてください。"),
        (str(own[2].order), "未入力", ""),
    ]
    other_items = owed_items(fiscal_year=fiscal_year, quarters=[1], department_id=other_department.pk)
    assert sum(1 for i in other_items if i.kind == "施策") == 8


def test_the_staff_list_and_the_reminder_name_the_measures(fiscal_year, department, staff_client, capsys):
    own = _measures(department)
    page = staff_client.get(reverse("entry:index") + "?year=2024").content.decode()
    for measure in own:
        assert reverse("evaluation:measure_entry", args=[2024, 1, measure.pk]) in page
    call_command("send_reminders", "--dry-run", "--year", "2024", "--quarter", "1")
    out = capsys.readouterr().out
    block = out[out.index("■ 経営支援部") :]
    block = block[: block.index("\n\n")] if "\n\n" in block else block
    assert sum(1 for line in block.splitlines() if "施策" in line) == 3
