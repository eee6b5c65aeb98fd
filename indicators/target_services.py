"""Writes for indicator targets set by a 管理者: a year opened without its text, or a target the loader could
not read (flagged `needs_review`). Every change is a new TargetRevision with who, when and why."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.models import Indicator, TargetRevision
from smrj_plan import formatting, permissions
from smrj_plan.text_limits import USER_TEXT_MAX_LENGTH

Kind = Indicator.Kind
Comparison = Indicator.Comparison

# Kinds measured against a number (the others have none: a milestone, a count without target, a baseline).
NUMERIC_KINDS = {Kind.COUNT, Kind.RATIO, Kind.EXACT}
NO_TARGET_KINDS = {Kind.MILESTONE, Kind.COUNT_NO_TARGET, Kind.BASELINE}
MAX_PERCENT = Decimal("100")
TARGET_TEXT_MAX_LENGTH = Indicator._meta.get_field("target_text").max_length


def target_text_default(*, kind: str, target: Decimal | None, unit: str, comparison: str) -> str:
    """「1,100社以上」, 「70%以上」, 「300件」: the target written the way the plans write it."""
    if target is None:
        return ""
    number = formatting.number(target)
    suffix = {Comparison.AT_LEAST: "以上", Comparison.AT_MOST: "以下"}.get(comparison, "")
    return f"{number}{unit}{suffix}"


def target_errors(
    *,
    kind: str,
    target: Decimal | None,
    unit: str,
    comparison: str,
    benchmark_multiplier: Decimal | None,
) -> dict[str, str]:
    """What is wrong with a target for its kind, keyed by field (Japanese messages). Empty when it is fine."""
    errors = {}
    if kind not in Kind.values:
        return {"kind": "種類を選んでください。"}
    if kind in NUMERIC_KINDS:
        if target is None:
            errors["target"] = "この種類には目標値が必要です。"
        elif target < 0:
            errors["target"] = "目標値は0以上にしてください。"
        elif kind == Kind.RATIO and target > MAX_PERCENT:
            errors["target"] = "割合の目標値は100%以下にしてください。"
        if kind == Kind.EXACT and comparison != Comparison.EXACT:
            errors["comparison"] = "目標値（以上なし）の比較は「目標値」にしてください。"
        elif kind != Kind.EXACT and comparison not in (Comparison.AT_LEAST, Comparison.AT_MOST):
            errors["comparison"] = "比較は「以上」か「以下」を選んでください。"
        if not unit:
            errors["unit"] = "単位を入力してください（例: 社、件、%）。"
        elif kind == Kind.RATIO and unit != "%":
            errors["unit"] = "割合の単位は%です。"
    elif kind == Kind.BENCHMARK:
        if benchmark_multiplier is None or benchmark_multiplier <= 0:
            errors["benchmark_multiplier"] = "基準比の倍率（「２割以上、上回る」なら1.2）を入力してください。"
        if target is not None:
            errors["target"] = "基準比の指標には目標値を入れません（倍率で判定します）。"
    elif kind in NO_TARGET_KINDS and target is not None:
        errors["target"] = "この種類には目標値を入れません。"
    return errors


def indicator_target_set(
    *,
    indicator: Indicator,
    user,
    kind: str,
    target: Decimal | None,
    unit: str,
    comparison: str,
    benchmark_multiplier: Decimal | None,
    target_text: str,
    reason: str,
) -> Indicator:
    """Set an indicator's target (管理者 only), confirm it (clears `needs_review`) and record the change.

    The new target applies from today (Asia/Tokyo); the one before stays in the history with its dates."""
    permissions.require_target_setting(user)
    reason = (reason or "").strip()
    unit = (unit or "").strip()
    errors = target_errors(
        kind=kind, target=target, unit=unit, comparison=comparison, benchmark_multiplier=benchmark_multiplier
    )
    if not reason:
        errors["reason"] = "目標を設定する理由を記入してください。"
    elif len(reason) > USER_TEXT_MAX_LENGTH:
        errors["reason"] = f"理由は{USER_TEXT_MAX_LENGTH:,}文字以内で入力してください。"
    if len(target_text or "") > TARGET_TEXT_MAX_LENGTH:
        errors["target_text"] = f"目標の表記は{TARGET_TEXT_MAX_LENGTH}文字以内で入力してください。"
    if errors:
        raise ValidationError(errors)
    if kind in NO_TARGET_KINDS:
        comparison, benchmark_multiplier = Comparison.NONE, None
    elif kind == Kind.BENCHMARK:
        comparison = Comparison.AT_LEAST
    else:
        benchmark_multiplier = None
    target_text = (target_text or "").strip() or target_text_default(
        kind=kind, target=target, unit=unit, comparison=comparison
    )
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        indicator.kind = kind
        indicator.target = target
        indicator.unit = unit
        indicator.comparison = comparison
        indicator.direction = (
            Indicator.Direction.LOWER if comparison == Comparison.AT_MOST else Indicator.Direction.HIGHER
        )
        indicator.benchmark_multiplier = benchmark_multiplier
        indicator.target_text = target_text
        indicator.frequency = (
            Indicator.Frequency.ANNUAL
            if kind in (Kind.BENCHMARK, Kind.BASELINE)
            else Indicator.Frequency.QUARTERLY
        )
        indicator.needs_review = False
        indicator.review_note = ""
        indicator.full_clean(exclude=["measures"])
        indicator.save()
        indicator.refresh_from_db()
        last = (
            indicator.target_revisions.order_by("-effective_date")
            .values_list("effective_date", flat=True)
            .first()
        )
        TargetRevision.objects.create(
            indicator=indicator,
            # From today; never before a target already on record (a revision dated ahead stays the earlier one).
            effective_date=max(timezone.localdate(), last or timezone.localdate()),
            source=TargetRevision.Source.MANAGER,
            reason=reason,
            set_by=user,
            **{f: getattr(indicator, f) for f in TargetRevision.TRACKED},
        )
    return indicator


def indicators_open_from(*, source_plan, plan, sections: dict, measures: dict) -> tuple[int, int]:
    """Copy `source_plan`'s indicators into `plan` (a year opened by `start_year`): the same codes, order,
    kinds, units, departments, parents and linked measures, with the targets left empty.

    Indicators whose kind has a target (counts, ratios, exact targets, benchmarks) are flagged for a 管理者 to
    set it; each gets a first TargetRevision (no target) from the year's first day. Returns (copied, to set)."""
    copied: dict[str, Indicator] = {}
    to_set = 0
    note = f"{source_plan.fiscal_year.short_label}から複製した指標です。目標値を設定してください。"
    start = plan.fiscal_year.start_date
    revisions = []
    for old in (
        Indicator.objects.filter(plan=source_plan)
        .select_related("parent")
        .prefetch_related("measures")
        .order_by("order")
    ):
        has_target = old.kind in NUMERIC_KINDS or old.kind == Kind.BENCHMARK
        to_set += has_target
        new = Indicator.objects.create(
            plan=plan,
            code=old.code,
            order=old.order,
            section=sections[old.section_id],
            parent=copied.get(old.parent.code) if old.parent_id else None,
            category=old.category,
            kind=old.kind,
            name=old.name,
            text=old.text,
            target=None,
            target_text="",
            unit=old.unit,
            comparison=old.comparison,
            direction=old.direction,
            benchmark_multiplier=None,
            is_effort_target=old.is_effort_target,
            frequency=old.frequency,
            department_id=old.department_id,
            note=old.note,
            needs_review=has_target,
            review_note=note if has_target else "",
        )
        new.measures.set([measures[m.pk] for m in old.measures.all() if m.pk in measures])
        copied[old.code] = new
        revisions.append(
            TargetRevision(
                indicator=new,
                effective_date=start,
                source=TargetRevision.Source.OPENED,
                **{f: getattr(new, f) for f in TargetRevision.TRACKED},
            )
        )
    TargetRevision.objects.bulk_create(revisions)
    return len(copied), to_set


def target_change_record(*, indicator: Indicator, user, reason: str) -> TargetRevision | None:
    """Record the indicator's target as a new TargetRevision if it differs from the latest one (a change made
    outside `indicator_target_set`, e.g. by a システム管理者 in the admin). Returns it, or None if unchanged."""
    indicator.refresh_from_db(fields=list(TargetRevision.TRACKED))
    values = {f: getattr(indicator, f) for f in TargetRevision.TRACKED}
    last = indicator.target_revisions.order_by("-effective_date", "-pk").first()
    if last is not None and all(getattr(last, f) == v for f, v in values.items()):
        return None
    today = timezone.localdate()
    return TargetRevision.objects.create(
        indicator=indicator,
        effective_date=max(today, last.effective_date) if last else today,
        source=TargetRevision.Source.MANAGER,
        reason=reason,
        set_by=user,
        **values,
    )
