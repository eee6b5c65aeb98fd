"""Forms for the quarterly entry page, the managers' review actions and the Excel upload.

One ActualRowForm per indicator, prefixed with the indicator's id; the rules themselves live in
services.actual_figure_errors so the page, the upload and the services cannot disagree."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from indicators.models import Actual, Indicator
from indicators.services import COMMON_FIELDS, actual_figure_errors, actual_version_message, kind_fields
from smrj_plan.numbers import parse_decimal, parse_version
from smrj_plan.text_limits import USER_TEXT_MAX_LENGTH, form_error_messages

Kind = Indicator.Kind

# Labels that say what the numerator and denominator are for kinds where "分子/分母" says too little.
KIND_LABELS = {
    Kind.BASELINE: {
        "numerator": "一者応札・応募件数",
        "denominator": "競争性のある契約件数",
        "benchmark_rate": "基準値：第4期中期目標期間の平均比率（%）",
    },
    Kind.RATIO: {"numerator": "分子（該当数）", "denominator": "分母（回答数等）"},
}


class FigureField(forms.Field):
    """A figure as a person types it, read by the shared bounded parser (smrj_plan.numbers): 「1,580」,
    「１５８０」 and 「1580.0」 are the same number; exponents, NaN and overlong text are refused before any
    conversion, with a message that names the field (「実績値：カンマは3桁ごとに…」) wherever it is shown."""

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs):
        self.max_digits, self.decimal_places = max_digits, decimal_places
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "num-input"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            value = format(value, "f")
        return parse_decimal(
            str(value),
            max_digits=self.max_digits,
            decimal_places=self.decimal_places,
            field_label=str(self.label or ""),
        )


class VersionField(forms.Field):
    """The version the page was built from, required on every save and state change (a change that does not
    say which version it was made from could overwrite a newer value unseen).

    A missing or unreadable version is refused with `error_messages["invalid"]`, which the forms set to a
    message showing the value stored now."""

    widget = forms.HiddenInput
    default_error_messages = {
        "required": "画面の版番号が送られていません。画面を開き直してから操作してください。",
        "invalid": "画面の版番号が読めません。画面を開き直してから操作してください。",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_version(str(value))
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def _decimal(label: str, max_digits: int = 14) -> FigureField:
    return FigureField(label=label, required=False, max_digits=max_digits, decimal_places=2)


def _plain(value):
    """310.00 → "310", 12.50 → "12.5": what a person typed, not the column's fixed two decimals."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


class ActualRowForm(forms.Form):
    """One indicator's inputs for one quarter; fields that its kind does not use are removed."""

    version = VersionField()
    value = _decimal("実績値")
    numerator = _decimal("分子")
    denominator = _decimal("分母")
    growth_rate = _decimal("支援先の伸び率（%）", max_digits=9)
    benchmark_rate = _decimal("実態調査の伸び率（%）", max_digits=9)
    manual_judgement = forms.ChoiceField(
        label="判定（判定不能時）", required=False, choices=[("", "―")] + list(Actual.Judgement.choices)
    )
    milestone_status = forms.ChoiceField(
        label="進捗", required=False, choices=[("", "―")] + list(Actual.MilestoneStatus.choices)
    )
    as_of = forms.DateField(
        label="基準日",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={"invalid": "日付は 2024-06-30 の形式で入力してください。"},
    )
    note = forms.CharField(
        label="備考",
        required=False,
        max_length=USER_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=form_error_messages("備考"),
    )
    evidence = forms.CharField(
        label="根拠資料（メモ・リンク）",
        required=False,
        max_length=USER_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=form_error_messages("根拠資料"),
    )

    def __init__(self, *args, indicator: Indicator, fiscal_year, actual: Actual | None = None, **kwargs):
        self.indicator, self.fiscal_year, self.actual = indicator, fiscal_year, actual
        kwargs.setdefault("prefix", f"a{indicator.pk}")
        if actual is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                n: _plain(getattr(actual, n)) for n in kind_fields(indicator) + COMMON_FIELDS
            }
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = actual.version if actual is not None else 0
        refused = actual_version_message(indicator=indicator, current=actual)
        self.fields["version"].error_messages = {"required": refused, "invalid": refused}
        keep = set(kind_fields(indicator)) | set(COMMON_FIELDS) | {"version"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name, label in KIND_LABELS.get(indicator.kind, {}).items():
            if name in self.fields:
                self.fields[name].label = label
        if indicator.kind in (Kind.RATIO, Kind.BASELINE):
            self.fields["numerator"].widget.attrs["data-ratio"] = "numerator"
            self.fields["denominator"].widget.attrs["data-ratio"] = "denominator"

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in self.fields):
            return cleaned
        for name, messages in actual_figure_errors(
            indicator=self.indicator, fiscal_year=self.fiscal_year, data=cleaned
        ).items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def figure_data(self) -> dict:
        return {n: self.cleaned_data.get(n) for n in self.fields if n != "version"}

    def expected_version(self) -> int:
        return self.cleaned_data["version"]

    @property
    def figure_fields(self):
        return [self[n] for n in self.fields if n not in ("version", "note", "evidence", "as_of")]

    @property
    def extra_fields(self):
        return [self[n] for n in ("as_of", "note", "evidence")]


class ReasonForm(forms.Form):
    """A required written reason (締め, 締め解除; with the version: 差戻し, 再開)."""

    reason = forms.CharField(
        label="理由",
        max_length=USER_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=form_error_messages("理由", required="理由を記入してください。"),
    )


class VersionForm(forms.Form):
    """承認: only the version the manager's page showed, required (see VersionField)."""

    version = VersionField()


class ReviewReasonForm(ReasonForm, VersionForm):
    """差戻し・再開: a written reason and the version the page showed."""


class UploadForm(forms.Form):
    file = forms.FileField(
        label="入力済みのExcelファイル（.xlsx）",
        error_messages={"required": "ファイルを選んでください。", "empty": "ファイルが空です。"},
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"ファイルが大きすぎます（{f.size:,}バイト）。上限は{settings.UPLOAD_MAX_BYTES:,}バイトです。"
            )
        return f


class TargetForm(forms.Form):
    """A 管理者 sets (or confirms) an indicator's target; the rules are in target_services.target_errors."""

    kind = forms.ChoiceField(label="種類", choices=Indicator.Kind.choices)
    # Read like every other figure (「1,580」「１５８０」「1580.0」), with the field named in the message.
    target = FigureField(
        label="目標値",
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    unit = forms.CharField(label="単位", max_length=10, required=False)
    comparison = forms.ChoiceField(label="比較", choices=Indicator.Comparison.choices)
    benchmark_multiplier = FigureField(
        label="基準比の倍率",
        required=False,
        max_digits=6,
        decimal_places=3,
        help_text="基準比の指標のとき（「２割以上、上回る」なら1.2）",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    target_text = forms.CharField(
        label="目標の表記",
        max_length=100,
        required=False,
        help_text="空欄なら「1,100社以上」のように作ります",
    )
    reason = forms.CharField(
        label="理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "目標を設定する理由を記入してください。"},
    )

    def clean(self):
        from indicators.target_services import target_errors

        cleaned = super().clean()
        if self.errors:
            return cleaned
        for name, message in target_errors(
            kind=cleaned["kind"],
            target=cleaned.get("target"),
            unit=(cleaned.get("unit") or "").strip(),
            comparison=cleaned["comparison"],
            benchmark_multiplier=cleaned.get("benchmark_multiplier"),
        ).items():
            self.add_error(name, message)
        return cleaned


class DeadlineForm(forms.Form):
    """A quarter's new 提出期限 and the reason (管理者)."""

    quarter = forms.TypedChoiceField(
        label="四半期",
        coerce=int,
        choices=[
            (1, "第1四半期（4–6月）"),
            (2, "第2四半期（7–9月）"),
            (3, "第3四半期（10–12月）"),
            (4, "第4四半期（1–3月）"),
        ],
        error_messages={
            "required": "四半期を選んでください。",
            "invalid_choice": "四半期は第1〜第4四半期から選んでください。",
        },
    )
    due_date = forms.DateField(
        label="提出期限",
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "提出期限の日付を入力してください。",
            "invalid": "提出期限は 2024-07-15 のような日付で入力してください。",
        },
    )
    reason = forms.CharField(
        label="変更の理由",
        max_length=USER_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=form_error_messages("変更の理由", required="変更の理由を記入してください。"),
    )
