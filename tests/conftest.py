"""Shared fixtures: the plan loaded once per test database, and one user in each role."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from measures.models import Department, FiscalYear, PlanDocument, StaffProfile
from smrj_plan.roles import Role


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the whole plan once; each test runs in a transaction that is rolled back."""
    from smrj_plan import data_version

    with django_db_blocker.unblock():
        call_command("load_plan", verbosity=0)
        # Loading wrote more change rows than the data version keeps: prune them once here, not in the first
        # request of every test (whose transaction would roll the prune back).
        data_version.current()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_api_throttle():
    """API throttle counts live in a process cache keyed by token or user id, and ids repeat across tests."""
    from django.core.cache import caches

    caches["api_throttle"].clear()


@pytest.fixture(autouse=True)
def _fresh_progress_cache():
    """Each test's database rolls back, so the same data version (smrj_plan/data_version.py) can come back with
    other data in the next test; in a running system versions never repeat."""
    from django.core.cache import caches

    caches["progress"].clear()


@pytest.fixture
def fiscal_year(db):
    return FiscalYear.objects.get(year=2024)


@pytest.fixture
def plan(db):
    return PlanDocument.objects.get(fiscal_year__year=2024)


def make_user(username, role=None, department=None, superuser=False):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=str(role))[0])
    StaffProfile.objects.create(user=user, department=department)
    return user


@pytest.fixture
def department(db):
    """The department that owns the first pillar's indicators (経営支援部)."""
    return Department.objects.get(code="keiei-shien")


@pytest.fixture
def other_department(db):
    return Department.objects.exclude(code="keiei-shien").order_by("order").first()


@pytest.fixture
def staff_user(department):
    return make_user("tanto", Role.STAFF, department)


@pytest.fixture
def colleague(department):
    """A second 担当者 of the owning department, for concurrent edits."""
    return make_user("tanto3", Role.STAFF, department)


@pytest.fixture
def other_staff_user(other_department):
    return make_user("tanto2", Role.STAFF, other_department)


@pytest.fixture
def manager(db):
    return make_user("kanri", Role.MANAGER)


@pytest.fixture
def auditor(db):
    return make_user("kansa", Role.AUDITOR)


@pytest.fixture
def sysadmin(db):
    return make_user("sysadmin", superuser=True)


def _client_for(client_class, user):
    c = client_class()
    c.force_login(user)
    return c


@pytest.fixture
def staff_client(staff_user):
    from django.test import Client

    return _client_for(Client, staff_user)


@pytest.fixture
def other_staff_client(other_staff_user):
    from django.test import Client

    return _client_for(Client, other_staff_user)


@pytest.fixture
def manager_client(manager):
    from django.test import Client

    return _client_for(Client, manager)


@pytest.fixture
def auditor_client(auditor):
    from django.test import Client

    return _client_for(Client, auditor)


@pytest.fixture
def sysadmin_client(sysadmin):
    from django.test import Client

    return _client_for(Client, sysadmin)


@pytest.fixture
def measures_reported(db):
    """Every measure's 取組状況 approved for every quarter of FY2024: the measures then owe nothing, for tests about
    the indicators' and budgets' part of what a department owes (tests/test_reminders.py and others)."""
    from evaluation.models import MeasureProgress
    from measures.models import Measure

    fiscal_year = FiscalYear.objects.get(year=2024)
    MeasureProgress.objects.bulk_create(
        MeasureProgress(measure=m, fiscal_year=fiscal_year, quarter=q, status="on_schedule", state="approved")
        for m in Measure.objects.filter(plan__fiscal_year=fiscal_year)
        for q in (1, 2, 3, 4)
    )
