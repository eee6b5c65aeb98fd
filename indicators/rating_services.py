"""Writes for the final 評定 a 管理者 sets beside the computed 評定の目安 (docs/domain.md「達成率と評定」).

The computed grade is never stored: it is recomputed from the approved actuals by `indicators.progress`. The final
評定 is a FinalRating row per indicator and year; every change keeps who, when, the old grade and the reason in its
simple_history table.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from indicators.models import FinalRating, Indicator
from measures.models import FiscalYear
from smrj_plan import permissions
from smrj_plan.text import require_visible_text


def final_rating_set(
    *, indicator: Indicator, fiscal_year: FiscalYear, grade: str, reason: str, user
) -> FinalRating:
    """Set (or change) the final 評定 of an indicator for a year.

    Only a 管理者 may (PermissionDenied otherwise). Every grade needs a written reason, kept in the history; S,
    which no computation gives, needs one that says what was qualitatively outstanding. Reference indicators
    (参考指標) are not rated."""
    permissions.require_final_rating(user)
    if indicator.category == Indicator.Category.REFERENCE:
        raise ValidationError("参考指標には評定を付けません。")
    if indicator.plan.fiscal_year_id != fiscal_year.pk:
        raise ValidationError("指標と年度が一致しません。")
    if grade not in FinalRating.Grade.values:
        raise ValidationError({"grade": "評定はS・A・B・C・Dから選んでください。"})
    try:
        reason = require_visible_text(reason, field_label="評定の理由")
    except ValidationError as exc:
        if grade == FinalRating.Grade.S:
            raise ValidationError(
                {"reason": "評定Sには、質的に顕著な成果であると判断した理由の記入が必要です。"}
            ) from None
        raise ValidationError({"reason": exc.messages}) from None
    with transaction.atomic():
        rating = (
            FinalRating.objects.select_for_update()
            .filter(indicator=indicator, fiscal_year=fiscal_year)
            .first()
        )
        if rating is None:
            rating = FinalRating(indicator=indicator, fiscal_year=fiscal_year)
        rating.grade = grade
        rating.reason = reason
        rating.set_by = user
        rating.full_clean()
        rating._change_reason = reason
        # Outside a request (commands, services called directly) simple_history does not know the user; the
        # self-evaluation's four-eyes check reads who set each rating from this history.
        rating._history_user = user
        rating.save()
    return rating
