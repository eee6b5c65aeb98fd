"""load_plan is idempotent: a second run changes nothing, a changed fixture updates rows in place."""

import json
import shutil
from decimal import Decimal

import pytest
from django.core.management import call_command

from budgets.models import BudgetCell
from indicators.models import Indicator
from measures.loaders import FIXTURE_DIR
from measures.models import Chapter, Department, Heading, Measure, PlanDocument, PlanRevision, Section

pytestmark = pytest.mark.django_db

MODELS = [Department, PlanDocument, PlanRevision, Chapter, Section, Heading, Measure, Indicator, BudgetCell]


def _snapshot():
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}


def _links():
    return sorted(Indicator.measures.through.objects.values_list("indicator_id", "measure_id"))


@pytest.fixture
def fixture_copy(tmp_path):
    target = tmp_path / "plan_r6"
    shutil.copytree(FIXTURE_DIR, target)
    return target


def _edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def test_a_second_run_keeps_the_same_rows_and_primary_keys():
    before, links = _snapshot(), _links()
    call_command("load_plan", verbosity=0)
    assert _snapshot() == before
    assert _links() == links
    assert len(before["Measure"]) == 199
    assert len(before["Heading"]) == 25
    assert len(before["Indicator"]) == 28
    assert len(before["Chapter"]) == 10


def test_a_changed_fixture_value_updates_in_place(fixture_copy):
    before = _snapshot()
    measure = Measure.objects.get(order=2)
    indicator = Indicator.objects.get(code="4-9")

    def change_measure(data):
        data["measures"][1]["text"] = "変更後の本文"
        data["chapters"][7]["intro"] = "変更後の前文"

    def change_indicator(rows):
        row = next(r for r in rows if r["code"] == "4-9")
        row["target"] = "61000"
        row["target_text"] = "61,000者以上"

    _edit(fixture_copy / "measures.json", change_measure)
    _edit(fixture_copy / "indicators.json", change_indicator)
    call_command("load_plan", fixture_dir=str(fixture_copy), verbosity=0)

    assert _snapshot() == before
    measure.refresh_from_db()
    indicator.refresh_from_db()
    assert measure.text == "変更後の本文"
    assert Chapter.objects.get(number=8).intro == "変更後の前文"
    assert indicator.target == Decimal("61000")
    assert indicator.target_text == "61,000者以上"


def test_measures_and_headings_the_fixture_drops_are_deleted_not_duplicated(fixture_copy):
    heading_ids = set(Heading.objects.values_list("pk", flat=True))

    def drop(data):
        data["measures"] = data["measures"][:-1]
        chapter2 = data["chapters"][1]
        chapter2["sections"][3]["headings"] = chapter2["sections"][3]["headings"][:1]
        for row in data["measures"]:
            if row["chapter"] == 2 and row["section"] == 4:
                row["heading"] = 1

    _edit(fixture_copy / "measures.json", drop)
    call_command("load_plan", fixture_dir=str(fixture_copy), verbosity=0)

    assert Measure.objects.count() == 198
    assert not Measure.objects.filter(order=199).exists()
    assert Heading.objects.count() == 24
    assert set(Heading.objects.values_list("pk", flat=True)) < heading_ids
    # The PMO measure moved under the remaining heading and kept its indicator link.
    pmo = Measure.objects.get(source_line=314)
    assert pmo.heading.label == "(1)"
    assert list(pmo.indicators.values_list("code", flat=True)) == ["R2-4-1"]


def test_an_indicator_fragment_that_matches_no_measure_is_refused(fixture_copy):
    def break_link(rows):
        rows[0]["measures"] = ["この文言はどの施策にもない"]

    _edit(fixture_copy / "indicators.json", break_link)
    with pytest.raises(ValueError, match="1-1"):
        call_command("load_plan", fixture_dir=str(fixture_copy), verbosity=0)
    # The failed run rolled back: the original link is still there.
    assert list(Indicator.objects.get(code="1-1").measures.values_list("source_line", flat=True)) == [27]


def test_load_plan_refuses_a_missing_fixture_dir(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_plan", fixture_dir=str(tmp_path / "nowhere"), verbosity=0)
