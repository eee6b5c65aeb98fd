"""Reads for indicator targets: which target applied when, and the indicators a 管理者 still has to confirm."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from indicators.models import Indicator, TargetRevision
from measures.models import PlanDocument


@dataclass(frozen=True)
class TargetPeriod:
    """One target and the dates it applied: from its effective date until the day before the next one."""

    revision: TargetRevision
    valid_until: dt.date | None  # None: still the target

    @property
    def is_current(self) -> bool:
        return self.valid_until is None


def target_history(*, indicator: Indicator) -> list[TargetPeriod]:
    """The indicator's targets in the order they applied (one query)."""
    revisions = list(
        TargetRevision.objects.filter(indicator=indicator)
        .select_related("plan_revision", "set_by")
        .order_by("effective_date", "pk")
    )
    periods = []
    for n, revision in enumerate(revisions):
        later = revisions[n + 1] if n + 1 < len(revisions) else None
        until = later.effective_date - dt.timedelta(days=1) if later else None
        if later is not None and later.effective_date == revision.effective_date:
            until = revision.effective_date  # replaced the same day (a correction): applied for that day only
        periods.append(TargetPeriod(revision=revision, valid_until=until))
    return periods


def target_applied_on(*, indicator: Indicator, day: dt.date) -> TargetRevision | None:
    """The target that applied on `day` (the latest one in effect by then), or None before the first."""
    return (
        TargetRevision.objects.filter(indicator=indicator, effective_date__lte=day)
        .order_by("-effective_date", "-pk")
        .first()
    )


def target_review_list(*, plan: PlanDocument) -> QuerySet[Indicator]:
    """The plan's indicators for the targets page: those waiting for confirmation first, then in plan order."""
    return (
        Indicator.objects.filter(plan=plan)
        .select_related("section__chapter", "department", "parent")
        .order_by("-needs_review", "order")
    )
