"""Each pillar page shows its own pillar's status counts (it once showed pillar 1's on every pillar page)."""

import pytest
from django.urls import reverse

from indicators.models import Indicator
from indicators.progress import REFERENCE_KINDS


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_pillar_page_counts_its_own_indicators(manager_client, fiscal_year, number):
    response = manager_client.get(reverse("dashboard:pillar", args=[2024, number]))
    summary = response.context["summary"]
    assert summary.section.number == number
    own = Indicator.objects.filter(
        plan__fiscal_year=fiscal_year, section__chapter__number=1, section__number=number
    )
    rated = [i for i in own if i.kind not in REFERENCE_KINDS]
    assert summary.rated == len(rated) > 0
    assert sum(summary.counts.values()) == summary.rated
