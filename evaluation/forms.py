"""Forms of the measure-progress pages and the self-evaluation page. The rules live in the services; forms only
turn posted text into values with Japanese messages (a choice that does not exist, a text over its limit)."""

from django import forms
from django.core.exceptions import ValidationError

from evaluation.models import ASSESSMENT_MAX_LENGTH, MeasureProgress, MeasureStatus
from evaluation.services import progress_version_message
from indicators import forms as actual_forms
from indicators.forms import VersionField
from indicators.models import FinalRating
from measures.models import Department
from smrj_plan.numbers import parse_id
from smrj_plan.text_limits import USER_TEXT_MAX_LENGTH, form_error_messages

# 承認, and 差戻し・再開 of a measure's 取組状況 or of a self-evaluation: the actuals' forms (the version the page
# showed; a written reason with it).
VersionForm = actual_forms.VersionForm
ReasonForm = actual_forms.ReviewReasonForm

STATUS_CHOICES = [("", "―（選択）")] + list(MeasureStatus.choices)
GRADE_CHOICES = [("", "選択してください")] + list(FinalRating.Grade.choices)


def _text(label: str, *, message_label: str | None = None, rows: int = 3, limit: int = USER_TEXT_MAX_LENGTH):
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=form_error_messages(message_label or label, limit),
    )


class ProgressRowForm(forms.Form):
    """One measure's 取組状況 for one quarter, prefixed with the measure's id."""

    version = VersionField()
    status = forms.ChoiceField(
        label="状況",
        required=False,
        choices=STATUS_CHOICES,
        error_messages={"invalid_choice": "状況は一覧から選んでください。"},
    )
    narrative = _text("取組状況", rows=4)
    evidence = _text("根拠資料（メモ・リンク）", message_label="根拠資料", rows=2)

    def __init__(self, *args, measure, entry: MeasureProgress | None = None, **kwargs):
        self.measure, self.entry = measure, entry
        kwargs.setdefault("prefix", f"m{measure.pk}")
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "status": entry.status,
                "narrative": entry.narrative,
                "evidence": entry.evidence,
            }
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = entry.version if entry is not None else 0
        refused = progress_version_message(measure=measure, current=entry)
        self.fields["version"].error_messages = {"required": refused, "invalid": refused}
        self.fields["evidence"].help_text = "1行に1件（資料名・URLなど）"

    def data_for_service(self) -> dict:
        return {n: self.cleaned_data.get(n) or "" for n in ("status", "narrative", "evidence")}

    def expected_version(self) -> int:
        return self.cleaned_data["version"]


class DepartmentChoiceField(forms.ModelChoiceField):
    """A department chosen from the list: its id read by the one number parser (smrj_plan.numbers), so an id in
    other scripts' digits (「٣」) is refused like any text, as everywhere else, rather than taken as 3."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            value = str(parse_id(value))
        except ValidationError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
        return super().to_python(value)


class DepartmentForm(forms.Form):
    department = DepartmentChoiceField(
        label="担当部署",
        queryset=Department.objects.order_by("order", "code"),
        error_messages={
            "required": "担当部署を選んでください。",
            "invalid_choice": "担当部署は一覧から選んでください。",
        },
    )
    reason = forms.CharField(
        label="変更の理由",
        max_length=USER_TEXT_MAX_LENGTH,
        error_messages=form_error_messages(
            "担当部署の変更理由", required="担当部署の変更理由を記入してください。"
        ),
    )


class SelfEvaluationForm(forms.Form):
    version = VersionField()
    assessment = _text("自己評価", rows=10, limit=ASSESSMENT_MAX_LENGTH)
    grade = forms.ChoiceField(
        label="評定",
        required=False,
        choices=GRADE_CHOICES,
        error_messages={"invalid_choice": "評定はS・A・B・C・Dから選んでください。"},
    )
    grade_reason = _text("評定の理由", rows=4)

    def data_for_service(self) -> dict:
        return {n: self.cleaned_data.get(n) or "" for n in ("assessment", "grade", "grade_reason")}


class RatingForm(forms.Form):
    """The final 評定 of one indicator (moved here from the dashboard's indicator page)."""

    grade = forms.ChoiceField(
        label="最終評定",
        choices=GRADE_CHOICES,
        error_messages={
            "required": "評定はS・A・B・C・Dから選んでください。",
            "invalid_choice": "評定はS・A・B・C・Dから選んでください。",
        },
    )
    reason = forms.CharField(
        label="理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=USER_TEXT_MAX_LENGTH,
        error_messages=form_error_messages("評定の理由"),
        help_text="すべての評定に理由を記録します。Sは質的に顕著な成果である理由が必要です。",
    )
