"""How long each free-text field may be, enforced in the model (a validator every service's `full_clean` runs) and in
the form (the same limit as `max_length`, which also gives the input its `maxlength` attribute).

Every limit is far below the 32,767 characters an Excel cell holds, so nothing stored ever needs the workbook's
cut (smrj_plan.xlsx_text); the cut stays only for text stored before these limits. A Django TextField's
`max_length` alone is not enforced by the model or the database, hence the explicit validator.

- 2,000 characters for what users type: 備考, 根拠資料, 差戻し・再開の理由, 締め・締め解除の理由, 最終評定の理由
  (a full A4 page of Japanese; the entry and review pages already allowed 2,000).
- 5,000 for the plan's own text, edited only in the admin (the longest published passage is 341 characters).
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models

USER_TEXT_MAX_LENGTH = 2_000
PLAN_TEXT_MAX_LENGTH = 5_000


def too_long_message(label: str, limit: int) -> str:
    """The Japanese message for a text over `limit` (Django fills in %(show_value)s, the typed length)."""
    return f"{label}は{limit:,}文字以内で入力してください（入力は%(show_value)s文字です）。"


def max_length_validator(label: str, limit: int = USER_TEXT_MAX_LENGTH) -> MaxLengthValidator:
    return MaxLengthValidator(limit, message=too_long_message(label, limit))


def form_error_messages(label: str, limit: int = USER_TEXT_MAX_LENGTH, **others: str) -> dict[str, str]:
    """`error_messages` for a form CharField with `max_length=limit`: the same message as the model's."""
    return {"max_length": too_long_message(label, limit), **others}


def limited_text_field(
    verbose_name: str, *, limit: int = USER_TEXT_MAX_LENGTH, message_label: str | None = None, **kwargs
) -> models.TextField:
    """A TextField whose limit holds in the model, in ModelForms (the admin) and in the input's maxlength."""
    return models.TextField(
        verbose_name,
        max_length=limit,
        validators=[max_length_validator(message_label or verbose_name, limit)],
        **kwargs,
    )
