"""Loads the indicators and their targets of one year's plan (idempotent: matched by (plan, code)).

The rows come from fixtures/plan_r6/indicators.json (`load_indicators`) or from a plan's text
(indicators/plan_text.py builds rows of the same shape). Every change of an indicator's target is kept as a
TargetRevision dated by the plan revision that brought it, so the target that applied at any date stays known.
"""

from decimal import Decimal
from pathlib import Path

from indicators.models import Indicator, TargetRevision
from measures.loaders import FIXTURE_DIR, read_fixture
from measures.models import Department, Measure, PlanDocument, PlanRevision, Section

# Kept on an indicator that a revised plan no longer has but that already has actuals or a rating.
DROPPED_NOTE = "改訂後の計画にない指標です（実績・評定があるため残しています）。扱いを確認してください。"


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _measure_ids(fragments: list[str], measures: list[tuple[int, str]], code: str) -> list[int]:
    """Each fragment must name exactly one measure of the plan (a unique part of its text)."""
    ids = []
    for fragment in fragments:
        hits = [pk for pk, text in measures if fragment in text]
        if len(hits) != 1:
            raise ValueError(
                f"指標{code}: 施策の文言「{fragment}」に一致する施策が{len(hits)}件あります（1件であること）。"
            )
        ids.append(hits[0])
    return ids


def load_indicators(*, fixture_dir: Path = FIXTURE_DIR, fiscal_year: int = 2024) -> dict[str, int]:
    """Create or update every indicator of the plan from the fixture folder."""
    plan = PlanDocument.objects.get(fiscal_year__year=fiscal_year)
    revisions = list(PlanRevision.objects.filter(plan=plan).order_by("date", "pk"))
    return indicator_rows_apply(
        plan=plan,
        rows=read_fixture(fixture_dir, "indicators.json"),
        first_revision=revisions[0] if revisions else None,
        change_revision=revisions[-1] if revisions else None,
    )


def _target_values(indicator: Indicator) -> tuple:
    return tuple(getattr(indicator, f) for f in TargetRevision.TRACKED)


def indicator_rows_apply(
    *,
    plan: PlanDocument,
    rows: list[dict],
    first_revision: PlanRevision | None,
    change_revision: PlanRevision | None,
) -> dict[str, int]:
    """Create or update the plan's indicators from rows (the shape of indicators.json), matched by code.

    A row names its measures by unique text fragments (`measures`) or by their order in the plan
    (`measure_orders`). Indicators the rows no longer have are deleted, unless actuals or ratings were entered
    against them: those stay, flagged for review. A new target is recorded as a TargetRevision: from
    `first_revision` for an indicator seen for the first time, from `change_revision` for a changed one."""
    sections = {
        (s.chapter.number, s.number): s
        for s in Section.objects.filter(chapter__plan=plan).select_related("chapter")
    }
    departments = {d.code: d for d in Department.objects.all()}
    measures = list(Measure.objects.filter(plan=plan).values_list("pk", "text"))
    by_order = dict(Measure.objects.filter(plan=plan).values_list("order", "pk"))
    latest, latest_date = {}, {}
    for revision in TargetRevision.objects.filter(indicator__plan=plan).order_by("effective_date", "pk"):
        latest[revision.indicator_id] = tuple(getattr(revision, f) for f in TargetRevision.TRACKED)
        latest_date[revision.indicator_id] = revision.effective_date
    by_code = {}
    new_revisions = []
    for row in rows:
        indicator, _ = Indicator.objects.update_or_create(
            plan=plan,
            code=row["code"],
            defaults={
                "order": row["order"],
                "section": sections[(row["chapter"], row["section"])],
                "category": row["category"],
                "kind": row["kind"],
                "name": row["name"],
                "text": row["text"],
                "target": _decimal(row["target"]),
                "target_text": row["target_text"],
                "unit": row["unit"],
                "comparison": row["comparison"],
                "direction": row["direction"],
                "benchmark_multiplier": _decimal(row["benchmark_multiplier"]),
                "is_effort_target": row["is_effort_target"],
                "frequency": row["frequency"],
                "department": departments[row["department"]],
                "note": row["note"],
                "parent": by_code.get(row["parent"]) if row["parent"] else None,
                "needs_review": row.get("needs_review", False),
                "review_note": row.get("review_note", ""),
            },
        )
        by_code[row["code"]] = indicator
        # The measures the indicator tracks, named by a unique fragment of their text or by their order.
        if "measure_orders" in row:
            indicator.measures.set([by_order[o] for o in row["measure_orders"]])
        else:
            indicator.measures.set(_measure_ids(row.get("measures", []), measures, row["code"]))
        # Decimal fields come back from the database quantized; compare what was stored, not what was sent.
        indicator.refresh_from_db(fields=list(TargetRevision.TRACKED))
        values = _target_values(indicator)
        seen = indicator.pk in latest
        if latest.get(indicator.pk) != values:
            revision = change_revision if seen else first_revision
            effective = revision.date if revision else plan.fiscal_year.start_date
            # A text dated before a target already recorded (a year opened with start_year and set by a 管理者
            # before the plan was published) takes over from that target: it never slips in before it.
            effective = max(effective, latest_date.get(indicator.pk, effective))
            new_revisions.append(
                TargetRevision(
                    indicator=indicator,
                    effective_date=effective,
                    source=(
                        TargetRevision.Source.AMENDED
                        if revision and revision.kind == PlanRevision.Kind.AMENDED
                        else TargetRevision.Source.ADOPTED
                    ),
                    plan_revision=revision,
                    **dict(zip(TargetRevision.TRACKED, values, strict=True)),
                )
            )
    TargetRevision.objects.bulk_create(new_revisions)
    dropped = dict(
        Indicator.objects.filter(plan=plan).exclude(code__in=list(by_code)).values_list("pk", "parent_id")
    )
    kept_ids = set(
        Indicator.objects.filter(pk__in=list(dropped), actuals__isnull=False).values_list("pk", flat=True)
    ) | set(
        Indicator.objects.filter(pk__in=list(dropped), final_ratings__isnull=False).values_list(
            "pk", flat=True
        )
    )
    # A kept sub-target keeps its parent too: deleting the parent would cascade to it.
    for pk in list(kept_ids):
        parent = dropped.get(pk)
        while parent in dropped and parent not in kept_ids:
            kept_ids.add(parent)
            parent = dropped.get(parent)
    Indicator.objects.filter(pk__in=kept_ids).update(needs_review=True, review_note=DROPPED_NOTE)
    Indicator.objects.filter(pk__in=[pk for pk in dropped if pk not in kept_ids]).delete()
    return {"指標": len(rows), "目標の変遷（新規）": len(new_revisions), "残した指標": len(kept_ids)}
