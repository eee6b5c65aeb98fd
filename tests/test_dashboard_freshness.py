"""The overview's cache (dashboard.selectors, keyed by smrj_plan.data_version): an unchanged page is not
recomputed, and every change of the data it shows — an approval, a target edited in the admin, a renamed
department, a final 評定, a bulk update that bypasses `updated_at` and signals, even SQL typed by hand — shows on
the very next request, because the database's own triggers give it a new version."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from dashboard import selectors as dashboard_selectors
from indicators import progress, services
from indicators.models import Actual, Indicator
from measures.models import Department, FiscalYear, PlanDocument
from tests.test_dashboard import add_actual, cells, ind

OVERVIEW = reverse("dashboard:overview")


@pytest.fixture
def compute_calls(monkeypatch):
    """How many times the progress arithmetic ran (the memo's misses show as calls)."""
    calls = []
    real = dashboard_selectors.progress_with_unapproved

    def counting(**kwargs):
        calls.append(kwargs["spec"])
        return real(**kwargs)

    monkeypatch.setattr(dashboard_selectors, "progress_with_unapproved", counting)
    return calls


def page_content(content) -> str:
    """The overview's own content (the base template's CSRF token differs on every request)."""
    text = content.decode() if isinstance(content, bytes) else content
    return text[text.index("<h1>") : text.index("</table>")]


def overview_row(client, code, **params) -> list[str]:
    return cells(client.get(OVERVIEW, params).content.decode(), code)


def test_an_unchanged_overview_is_not_recomputed_and_costs_fewer_queries(manager_client, compute_calls):
    add_actual("1-1", 1, value="300")
    import django.test.utils as test_utils
    from django.db import connection

    with test_utils.CaptureQueriesContext(connection) as miss:
        first = manager_client.get(OVERVIEW).content
    computed = len(compute_calls)
    assert computed >= 28  # every indicator of the plan
    # After a change of one actual, only that indicator's row is computed again, from two queries less.
    add_actual("1-2", 1, value="5")
    with test_utils.CaptureQueriesContext(connection) as after_a_change:
        manager_client.get(OVERVIEW)
    assert len(compute_calls) == computed + 1
    assert len(after_a_change) == len(miss) - 2  # the indicators and their sections come from the cache
    computed = len(compute_calls)
    miss = after_a_change
    # The cache answers after the version query alone: the four data queries and the arithmetic are saved.
    with test_utils.CaptureQueriesContext(connection) as hit:
        second = manager_client.get(OVERVIEW).content
    assert len(hit) == len(miss) - 2  # actuals and final ratings are not read either
    assert sum("smrj_plan_datachange" in q["sql"] for q in hit.captured_queries) == 1
    assert len(compute_calls) == computed
    assert page_content(second) == page_content(first)
    assert cells(second.decode(), "1-1")[4] == "300社"


def test_an_approval_shows_at_once(manager_client, manager, staff_user):
    actual = add_actual("1-1", 1, state="approved", value="300")
    submitted = add_actual("1-1", 2, state="submitted", value="200")
    assert overview_row(manager_client, "1-1", q=2)[4] == "300社 未承認を含む: 500社"
    services.actual_approve(actual=submitted, user=manager, expected_version=submitted.version)
    row = overview_row(manager_client, "1-1", q=2)
    assert row[4] == "500社"
    assert row[5] == "50.0%"
    assert actual.pk  # the first quarter stays as it was


def test_a_bulk_update_that_leaves_updated_at_alone_still_shows(manager_client):
    add_actual("1-1", 1, value="300")
    assert overview_row(manager_client, "1-1")[4] == "300社"
    # A queryset update sets no auto_now field: a timestamp stamp would miss it; the data key does not.
    Actual.objects.filter(indicator=ind("1-1"), quarter=1).update(value=D("450"))
    assert overview_row(manager_client, "1-1")[4] == "450社"
    Actual.objects.filter(indicator=ind("1-1"), quarter=1).update(state="submitted")
    assert overview_row(manager_client, "1-1")[4] == "— 未承認を含む: 450社"


def test_a_deleted_actual_disappears_at_once(manager_client):
    add_actual("1-1", 1, value="300")
    second = add_actual("1-1", 2, value="200")
    assert overview_row(manager_client, "1-1")[4] == "500社"
    second.delete()
    assert overview_row(manager_client, "1-1")[4] == "300社"


def _admin_post_data(response) -> dict:
    """The admin change form's current values as a browser would post them."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def test_a_target_changed_in_the_admin_shows_at_once(manager_client, sysadmin_client):
    add_actual("1-1", 1, value="300")
    add_actual("1-1", 2, value="200")
    row = overview_row(manager_client, "1-1")
    assert row[5] == "50.0%"  # 500 of 1,000社
    indicator = ind("1-1")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    data = _admin_post_data(sysadmin_client.get(url))
    data.update(target="2000", target_text="2,000社以上")
    response = sysadmin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Indicator.objects.get(pk=indicator.pk).target == D("2000")
    row = overview_row(manager_client, "1-1")
    assert row[3] == "2,000社以上"
    assert row[5] == "25.0%"  # 500 of 2,000社


def test_a_renamed_department_shows_at_once(manager_client, department):
    assert department.name in overview_row(manager_client, "1-1")[2]
    Department.objects.filter(pk=department.pk).update(name="経営支援部（改称）")
    assert overview_row(manager_client, "1-1")[2] == "経営支援部（改称）"


def test_a_final_rating_shows_at_once(manager_client):
    add_actual("1-1", 1, value="300")
    assert overview_row(manager_client, "1-1")[10] == "—"
    indicator = ind("1-1")
    response = manager_client.post(
        reverse("dashboard:final_rating", args=[indicator.pk]), {"grade": "A", "reason": "順調に推移"}
    )
    assert response.status_code == 302
    assert overview_row(manager_client, "1-1")[10] == "A"


def test_a_new_plan_year_shows_in_the_year_selector_at_once(manager_client):
    content = manager_client.get(OVERVIEW, {"year": 2024}).content.decode()
    assert '<option value="2025"' not in content
    source = PlanDocument.objects.get(fiscal_year__year=2024)
    PlanDocument.objects.create(
        fiscal_year=FiscalYear.objects.create(year=2025), title=source.title, organization=source.organization
    )
    content = manager_client.get(OVERVIEW, {"year": 2024}).content.decode()
    assert '<option value="2025"' in content
    assert 'value="2024" selected' in content


def test_staff_never_get_the_rows_a_manager_warmed(manager_client, staff_client):
    add_actual("1-1", 1, value="300")
    manager_content = manager_client.get(OVERVIEW).content.decode()
    assert 'data-code="2-1"' in manager_content
    staff_content = staff_client.get(OVERVIEW).content.decode()
    assert 'data-code="1-1"' in staff_content
    assert 'data-code="2-1"' not in staff_content  # another department's indicator


def test_sorting_a_warmed_overview_keeps_the_plan_order_for_the_next_request(manager_client):
    add_actual("1-1", 1, value="900")
    add_actual("1-2", 1, value="1")
    plain = manager_client.get(OVERVIEW).content.decode()
    sorted_page = manager_client.get(OVERVIEW, {"sort": "-rate"}).content.decode()
    assert sorted_page.index('data-code="1-1"') < sorted_page.index('data-code="1-2"')
    assert page_content(sorted_page) != page_content(plain)
    again = manager_client.get(OVERVIEW).content.decode()
    assert page_content(again) == page_content(plain)
    assert again.index('data-code="1-1"') < again.index('data-code="1-2"') < again.index('data-code="1-3"')


def test_filters_on_a_warmed_overview_give_their_own_rows(manager_client):
    manager_client.get(OVERVIEW)
    overview = manager_client.get(OVERVIEW, {"pillar": ind("2-1").section_id}).context["overview"]
    assert {r.indicator.code for r in overview.rows} >= {"2-1"}
    assert "1-1" not in {r.indicator.code for r in overview.rows}


def test_the_cache_keeps_the_progress_module_public_api(manager_client):
    add_actual("1-1", 1, value="300")
    fy = FiscalYear.objects.get(year=2024)
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(username="kanri")
    rows, as_of, has_approved = dashboard_selectors.indicator_progress_list(user=manager, fiscal_year=fy)
    again, _, _ = dashboard_selectors.indicator_progress_list(user=manager, fiscal_year=fy)
    assert as_of == 1 and has_approved
    assert again is not rows  # a caller may sort its list without touching the cached one
    row = next(r for r in rows if r.indicator.code == "1-1")
    assert row.progress.actual == D("300")
    assert isinstance(row.progress, progress.IndicatorProgress)


def test_sql_typed_by_hand_shows_at_once(manager_client):
    add_actual("1-1", 1, value="300")
    assert overview_row(manager_client, "1-1")[4] == "300社"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE indicators_actual SET value = 640 WHERE quarter = 1")
    assert overview_row(manager_client, "1-1")[4] == "640社"


def test_every_table_the_figures_come_from_has_its_trigger(db):
    """A model added later gets its trigger at the next migrate (post_migrate); the test database was migrated."""
    from django.db import connection

    from smrj_plan import data_version

    tables = data_version.watched_tables()
    assert {
        "indicators_actual",
        "indicators_indicator",
        "indicators_finalrating",
        "measures_department",
    } <= set(tables)
    assert "indicators_quarterlock" in tables and "budgets_budgetexecution" in tables
    assert not any(t.startswith(("smrj_plan_data",)) or "historical" in t for t in tables)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", ["smrj_%"]
            )
        else:
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                [data_version.TRIGGER],
            )
        with_trigger = {row[0] for row in cursor.fetchall()}
    assert set(tables) <= with_trigger


def test_a_new_database_is_a_new_version_even_with_the_same_counts(db):
    """A restored or recreated database starts its change rows again: the epoch keeps its versions apart."""
    from smrj_plan import data_version
    from smrj_plan.models import DataEpoch

    before = data_version.current()
    DataEpoch.objects.all().delete()
    assert data_version.current() is None  # no epoch: nothing cached
    data_version.install_triggers()
    after = data_version.current()
    assert after is not None and after[0] != before[0]


def test_a_prune_is_a_new_version_for_every_table(db, monkeypatch):
    """A table changed once and then pruned away has no entry again, as before its change: the lowest id kept
    (which every prune raises) keeps the two apart."""
    from smrj_plan import data_version

    before = data_version.current().of("indicators_finalrating")
    Indicator.objects.filter(code="1-1").update(note="変更")
    monkeypatch.setattr(data_version, "PRUNE_AT", 0)
    monkeypatch.setattr(data_version, "KEEP", 1)  # only the newest change row is kept
    after = data_version.current().of("indicators_finalrating")
    assert after[2] == before[2] == ()  # the rating table has no entry either time
    assert after[1] > before[1]  # but the lowest id kept has risen


def _pillar_counts(content: str) -> dict[int, dict[str, int]]:
    """Each pillar card's status counts: {pillar number: {status: n}}."""
    cards = re.findall(r'<section class="pillar-card" data-pillar="(\d)">(.*?)</section>', content, re.S)
    return {
        int(number): {
            s: int(n)
            for s, n in re.findall(r'data-status="([a-z_]+)">[^<]*<span class="n">(\d+)</span>', card)
        }
        for number, card in cards
    }


def test_the_pillar_cards_follow_a_change_of_status_in_two_pillars(manager_client):
    """The cards are kept under the counts they show: a change that moves an indicator from 未入力 to another
    status changes its own pillar's card, and only that one."""
    before = _pillar_counts(manager_client.get(OVERVIEW).content.decode())
    add_actual("1-1", 1, value="300")  # pillar 1: 300 of 1,000社 in 第1四半期 is ahead of the pace (250)
    middle = _pillar_counts(manager_client.get(OVERVIEW).content.decode())
    assert middle[1]["no_data"] == before[1]["no_data"] - 1
    assert sum(middle[1].values()) == sum(before[1].values())
    assert middle[2] == before[2]
    add_actual("2-1", 1, value="1")  # pillar 2: far behind the pace
    after = _pillar_counts(manager_client.get(OVERVIEW).content.decode())
    assert after[2]["no_data"] == before[2]["no_data"] - 1
    assert after[2]["behind"] == before[2]["behind"] + 1
    assert after[1] == middle[1]


def test_the_heading_and_filter_form_follow_a_renamed_department_and_a_new_quarter(
    manager_client, department
):
    add_actual("1-1", 1, value="300")
    content = manager_client.get(OVERVIEW).content.decode()
    assert f'<option value="{department.pk}">{department.name}</option>' in content
    assert "第1四半期時点</h1>" in content
    Department.objects.filter(pk=department.pk).update(name="経営支援部（改称）")
    content = manager_client.get(OVERVIEW).content.decode()
    assert f'<option value="{department.pk}">経営支援部（改称）</option>' in content
    add_actual("2-1", 2, value="10")  # the first approved figure of 第2四半期 moves the default as-of quarter
    assert "第2四半期時点</h1>" in manager_client.get(OVERVIEW).content.decode()


@pytest.mark.parametrize("url", [OVERVIEW, "/entry/2024/1/review/", "/budgets/execution/ippan/?year=2024"])
def test_a_page_reads_the_data_version_once_however_many_cached_reads_it_makes(manager_client, url):
    import django.test.utils as test_utils
    from django.db import connection

    for _ in range(2):  # the first request computes and caches, the second reads the caches
        with test_utils.CaptureQueriesContext(connection) as queries:
            assert manager_client.get(url).status_code == 200
        assert sum('FROM "smrj_plan_datachange"' in q["sql"] for q in queries.captured_queries) == 1


def test_a_write_reads_the_version_after_it_so_its_own_next_read_is_fresh(db):
    """Only a page request (GET) keeps the version it read; elsewhere each read asks the database again."""
    from smrj_plan import data_version

    first = data_version.current()
    add_actual("1-1", 1, value="300")
    assert data_version.current() != first
    with data_version.request_memo():
        inside = data_version.current()
        add_actual("1-1", 2, value="200")
        assert data_version.current() == inside  # a page request writes nothing; the memo answers
    assert data_version.current() != inside
