"""Writes for the year-end 自己評価 of a 評価項目 and the final 評定 of its indicators.

The self-evaluation follows the actuals' workflow (smrj_plan.workflow): a 管理者 writes it (下書き), submits it
(提出済み), another 管理者 approves it (承認済み) or returns it (差戻し) with a reason; an approved one is reopened
only with a reason. Every change is a history row with who, when and why; a stale page is refused by the version.

It is not tied to the quarter lock (締め): the self-evaluation is written after the year's figures are closed,
and its own approval is what freezes it.

The final 評定 of each indicator (indicators.FinalRating) is set on the same page and belongs to the same
review: it may change only while the item's self-evaluation is editable, and the 管理者 who approves the
self-evaluation must not have set any of those ratings since the last approval (four-eyes, as for the text).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from evaluation.items import EvaluationItem, evaluation_item_of
from evaluation.models import SelfEvaluation
from evaluation.self_selectors import self_evaluation_get
from indicators import rating_services
from indicators.models import FinalRating, Indicator
from measures.models import FiscalYear
from smrj_plan import permissions
from smrj_plan.text import has_visible_text
from smrj_plan.workflow import (
    EDITABLE_STATES,
    ConcurrentEditError,
    EntryState,
    lock_entry,
    state_label,
    transition,
)

INPUT_FIELDS = ["assessment", "grade", "grade_reason"]


def _require_manager(user, what: str = "自己評価の記入・提出・承認") -> None:
    if not permissions.can_write_self_evaluation(user):
        raise PermissionDenied(f"{what}は管理者だけが行えます。")


def self_evaluation_errors(*, data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    grade = data.get("grade") or ""
    if grade and grade not in FinalRating.Grade.values:
        errors["grade"] = ["評定はS・A・B・C・Dから選んでください。"]
    return errors


def self_evaluation_missing_for_submit(*, evaluation: SelfEvaluation) -> list[str]:
    missing = []
    if not has_visible_text(evaluation.assessment):
        missing.append("自己評価")
    if not evaluation.grade:
        missing.append("評定")
    if not has_visible_text(evaluation.grade_reason):
        missing.append("評定の理由")
    return missing


def self_evaluation_save(
    *,
    fiscal_year: FiscalYear,
    item: EvaluationItem,
    user,
    data: dict,
    expected_version: int,
    reason: str = "下書き保存",
) -> SelfEvaluation | None:
    """Create or update the item's draft (or returned) self-evaluation.

    `expected_version` is the version the page showed (0 before the first save) and is required. Returns None
    when nothing was typed; an unchanged self-evaluation is returned with `unchanged` set and saves nothing."""
    _require_manager(user)
    if item.chapter.plan.fiscal_year_id != fiscal_year.pk:
        raise ValidationError("この年度の計画の評価項目ではありません。")
    cleaned = {name: (data.get(name) or "").strip() for name in INPUT_FIELDS}
    errors = self_evaluation_errors(data=cleaned)
    if errors:
        raise ValidationError(errors)
    existing = self_evaluation_get(fiscal_year=fiscal_year, item=item)
    if expected_version is None:
        raise ValidationError(
            "画面の版番号が正しくありません（送られていないか、読めない値です）。何も変更していません。"
        )
    with transaction.atomic():
        if existing is not None:
            if expected_version == 0:
                raise ConcurrentEditError(current=existing)
            evaluation = lock_entry(SelfEvaluation, pk=existing.pk, expected_version=expected_version)
            changed = [n for n, v in cleaned.items() if getattr(evaluation, n) != v]
            if not changed:
                evaluation.unchanged = True
                return evaluation
            if evaluation.state not in EDITABLE_STATES:
                raise ValidationError(
                    f"この自己評価は「{state_label(evaluation.state)}」のため変更できません"
                    "（承認済みなら、理由を記入して再開してから変更してください）。"
                )
            for name in changed:
                setattr(evaluation, name, cleaned[name])
            evaluation.version += 1
        else:
            if not any(cleaned.values()):
                return None
            evaluation = SelfEvaluation(
                fiscal_year=fiscal_year, chapter=item.chapter, section=item.section, **cleaned
            )
        evaluation.updated_by = user
        evaluation._history_user = user
        evaluation._change_reason = reason
        evaluation.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                evaluation.save()
        except IntegrityError:
            current = self_evaluation_get(fiscal_year=fiscal_year, item=item)
            if current is None:
                raise
            raise ConcurrentEditError(current=current) from None
    return evaluation


def self_evaluation_submit(*, evaluation: SelfEvaluation, user, expected_version: int) -> SelfEvaluation:
    """提出: the 自己評価, the 評定 and its reasons are complete and go to another 管理者 for approval."""
    _require_manager(user)
    with transaction.atomic():
        locked = lock_entry(SelfEvaluation, pk=evaluation.pk, expected_version=expected_version)
        missing = self_evaluation_missing_for_submit(evaluation=locked)
        if missing:
            raise ValidationError(f"「{'」「'.join(missing)}」が未記入のため提出できません。")
        transition(locked, to_state=EntryState.SUBMITTED, user=user)
    return locked


def _item_indicators(evaluation: SelfEvaluation):
    qs = Indicator.objects.filter(plan__fiscal_year=evaluation.fiscal_year)
    if evaluation.section_id:
        return qs.filter(section_id=evaluation.section_id)
    return qs.filter(section__chapter_id=evaluation.chapter_id)


def _last_approved_at(evaluation: SelfEvaluation):
    row = (
        evaluation.history.filter(state=EntryState.APPROVED)
        .order_by("-history_date", "-history_id")
        .values_list("history_date", flat=True)
        .first()
    )
    return row


def require_no_own_ratings(evaluation: SelfEvaluation, *, user) -> None:
    """Four-eyes over the page: nobody approves a self-evaluation whose indicators' 評定 they set since it was
    last approved (ever, if never approved)."""
    changes = FinalRating.history.filter(
        fiscal_year_id=evaluation.fiscal_year_id,
        indicator_id__in=_item_indicators(evaluation).values("pk"),
        history_user_id=user.pk,
    )
    since = _last_approved_at(evaluation)
    if since is not None:
        changes = changes.filter(history_date__gt=since)
    if changes.exists():
        raise ValidationError(
            "この評価項目の指標の評定を自分が設定・変更しているため承認できません（別の管理者が承認してください）。",
            code="own_rating",
        )


def _review(evaluation, user, to_state, reason, expected_version) -> SelfEvaluation:
    _require_manager(user, "自己評価の承認・差戻し・再開")
    with transaction.atomic():
        locked = lock_entry(SelfEvaluation, pk=evaluation.pk, expected_version=expected_version)
        if to_state == EntryState.APPROVED and locked.state == EntryState.SUBMITTED:
            # workflow.transition checks the text's authors; the ratings live in another table.
            require_no_own_ratings(locked, user=user)
        transition(locked, to_state=to_state, user=user, reason=reason)
    return locked


def self_evaluation_approve(*, evaluation: SelfEvaluation, user, expected_version: int) -> SelfEvaluation:
    """承認 by a 管理者 who did not submit, write or rate it."""
    return _review(evaluation, user, EntryState.APPROVED, "", expected_version)


def self_evaluation_return(
    *, evaluation: SelfEvaluation, user, reason: str, expected_version: int
) -> SelfEvaluation:
    """差戻し with a reason; the writer can change it again."""
    return _review(evaluation, user, EntryState.RETURNED, reason, expected_version)


def self_evaluation_reopen(
    *, evaluation: SelfEvaluation, user, reason: str, expected_version: int
) -> SelfEvaluation:
    """再開 of an approved self-evaluation, with a reason, so it (and its indicators' 評定) can change again."""
    return _review(evaluation, user, EntryState.DRAFT, reason, expected_version)


def indicator_rating_set(*, indicator: Indicator, fiscal_year: FiscalYear, grade: str, reason: str, user):
    """The final 評定 of an indicator, set on its 評価項目's self-evaluation page.

    Refused while that self-evaluation is submitted or approved (its reviewer is looking at these ratings);
    otherwise the rules of indicators.rating_services (管理者 only, a reason for every grade, S needs a reason
    that says what was outstanding, no grade for 参考指標)."""
    permissions.require_final_rating(user)
    item = evaluation_item_of(chapter=indicator.section.chapter, section=indicator.section)
    with transaction.atomic():
        evaluation = self_evaluation_get(fiscal_year=fiscal_year, item=item)
        if evaluation is not None:
            evaluation = SelfEvaluation.objects.select_for_update().get(pk=evaluation.pk)
            if evaluation.state not in EDITABLE_STATES:
                raise ValidationError(
                    f"{item.short_label}の自己評価が「{state_label(evaluation.state)}」のため、指標の評定は変更できません"
                    "（差戻しまたは再開の後に変更してください）。"
                )
        return rating_services.final_rating_set(
            indicator=indicator, fiscal_year=fiscal_year, grade=grade, reason=reason, user=user
        )
