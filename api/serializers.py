"""What the API returns and accepts. Output serializers read plain dicts built by the views from selector output;
numbers are exact decimal text (Decimal, never float). Query serializers validate the filters with Japanese
messages (400 with the parameter's name)."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.history import KIND_CHOICES
from budgets.models import BudgetTable
from indicators.models import Actual, Indicator
from indicators.progress import Status
from indicators.services import INPUT_FIELDS
from smrj_plan.workflow import EntryState

QUARTER_MESSAGES = {
    "invalid": "四半期は1〜4の整数で指定してください。",
    "min_value": "四半期は1〜4の整数で指定してください。",
    "max_value": "四半期は1〜4の整数で指定してください。",
}
YEAR_MESSAGES = {
    "invalid": "年度は西暦の整数で指定してください（例: 2024）。",
    "min_value": "年度は西暦の整数で指定してください（例: 2024）。",
    "max_value": "年度は西暦の整数で指定してください（例: 2024）。",
}


@extend_schema_field({"type": "string", "format": "decimal", "example": "1683.5", "nullable": True})
class DecimalText(serializers.Field):
    """A Decimal as its exact text ("1683", "75.0", "-12.345"); null for no figure. Read-only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return format(Decimal(value), "f")


def plain(value: Decimal | None) -> Decimal | None:
    """Trailing zeros of a stored figure dropped (1683.00 → 1683): the digits a person entered."""
    return None if value is None else value.normalize()


@extend_schema_field(OpenApiTypes.INT)
class BoundedInt(serializers.Field):
    """A whole number in a query or body, read by the pages' bounded parser; one Japanese message for anything
    that is not a whole number in range."""

    def __init__(self, *, min_value: int, max_value: int, message: str, **kwargs):
        self.min_value, self.max_value, self.message = min_value, max_value, message
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        from django.core.exceptions import ValidationError as DjangoValidationError

        from api import adapters

        if isinstance(data, bool) or not isinstance(data, (str, int, Decimal)):
            raise serializers.ValidationError(self.message)
        text = format(data, "f") if isinstance(data, Decimal) else str(data)
        try:
            value = adapters.parse_int(text, min_value=self.min_value, max_value=self.max_value)
        except DjangoValidationError:
            raise serializers.ValidationError(self.message) from None
        if value is None:
            raise serializers.ValidationError(self.message)
        return value

    def to_representation(self, value):
        return value


def year_field(**kwargs):
    kwargs.setdefault("required", False)
    return BoundedInt(min_value=2000, max_value=2100, message=YEAR_MESSAGES["invalid"], **kwargs)


def quarter_field(**kwargs):
    kwargs.setdefault("required", False)
    return BoundedInt(min_value=1, max_value=4, message=QUARTER_MESSAGES["invalid"], **kwargs)


# ---------------------------------------------------------------------------------------------------------------
# Query parameters


class YearQuery(serializers.Serializer):
    year = year_field(help_text="年度（西暦）。省略時は計画のある最新の年度")


class PlanQuery(YearQuery):
    chapter = BoundedInt(
        required=False,
        min_value=1,
        max_value=99,
        message="章番号は1〜10の整数で指定してください。",
        help_text="章番号（1〜10）",
    )
    pillar = BoundedInt(
        required=False,
        min_value=1,
        max_value=99,
        message="柱の番号は1〜5の整数で指定してください。",
        help_text="柱の番号（I章の項目 1〜5）",
    )


class MeasureQuery(PlanQuery):
    heading = BoundedInt(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        message="見出しのIDは正の整数で指定してください。",
        help_text="見出しのID",
    )


class IndicatorQuery(YearQuery):
    as_of = quarter_field(help_text="時点の四半期（1〜4）。省略時は承認済みの実績がある最後の四半期")
    pillar = BoundedInt(
        required=False,
        min_value=1,
        max_value=99,
        message="柱の番号は1〜5の整数で指定してください。",
        help_text="柱の番号",
    )
    department = serializers.SlugField(required=False, max_length=40, help_text="担当部署のコード")
    status = serializers.ChoiceField(required=False, choices=[s.value for s in Status], help_text="状況")
    category = serializers.ChoiceField(required=False, choices=Indicator.Category.values)
    code = serializers.CharField(required=False, max_length=20, help_text="指標番号（例: 1-1）")


class ActualQuery(YearQuery):
    quarter = quarter_field(help_text="四半期（1〜4）")
    indicator = serializers.CharField(required=False, max_length=20, help_text="指標番号（例: 1-1）")
    state = serializers.ChoiceField(required=False, choices=EntryState.values)
    department = serializers.SlugField(required=False, max_length=40, help_text="担当部署のコード")


class BudgetQuery(YearQuery):
    kind = serializers.ChoiceField(required=False, choices=BudgetTable.Kind.values)
    account = serializers.SlugField(required=False, max_length=40, help_text="勘定コード（例: ippan）")


class ReconciliationQuery(BudgetQuery):
    severity = serializers.ChoiceField(required=False, choices=["rounding", "error"])


class ExecutionQuery(YearQuery):
    account = serializers.SlugField(required=False, max_length=40, help_text="勘定コード。省略時はすべて")


class HistoryQuery(YearQuery):
    kind = serializers.ChoiceField(
        required=False,
        choices=[k for k, _ in KIND_CHOICES],
        help_text="actual（既定）・execution・rating・lock",
    )
    quarter = quarter_field()
    indicator = serializers.CharField(required=False, max_length=20, help_text="指標番号（実績・評定）")


# ---------------------------------------------------------------------------------------------------------------
# Output


class QuarterSerializer(serializers.Serializer):
    quarter = serializers.IntegerField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    locked = serializers.BooleanField(help_text="締め済み")


class RevisionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    date = serializers.DateField()


class FiscalYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    label = serializers.CharField(help_text="令和6年度（2024年度）")
    start = serializers.DateField()
    end = serializers.DateField()
    plan_title = serializers.CharField()
    revisions = RevisionSerializer(many=True)
    default_as_of = serializers.IntegerField(help_text="承認済みの実績がある最後の四半期（無ければ1）")
    quarters = QuarterSerializer(many=True)


class ChapterSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    numeral = serializers.CharField()
    title = serializers.CharField()
    intro = serializers.CharField()
    measure_count = serializers.IntegerField()


class PillarSerializer(serializers.Serializer):
    chapter = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    label = serializers.CharField()
    is_pillar = serializers.BooleanField(help_text="I章の項目（5つの柱）")
    intro = serializers.CharField()
    measure_count = serializers.IntegerField()


class HeadingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    chapter = serializers.IntegerField()
    section = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)
    level = serializers.IntegerField()
    order = serializers.IntegerField()
    label = serializers.CharField()
    title = serializers.CharField()


class MeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    chapter = serializers.IntegerField()
    section = serializers.IntegerField(allow_null=True)
    heading = serializers.IntegerField(allow_null=True)
    heading_label = serializers.CharField()
    text = serializers.CharField()
    is_sub_item = serializers.BooleanField()
    source_line = serializers.IntegerField(allow_null=True)


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    target = DecimalText(help_text="目標値（数値）。目標の無い参考指標は null")
    target_text = serializers.CharField(help_text="目標の表記（計画の原文のまま）")
    target_label = serializers.CharField(help_text="表での目標の表記（例: 1,000社以上）")
    comparison = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField()
    is_effort_target = serializers.BooleanField()
    parent = serializers.CharField(allow_null=True, help_text="親指標の番号（副目標のとき）")
    chapter = serializers.IntegerField()
    pillar = serializers.IntegerField(allow_null=True, help_text="柱の番号（I章のとき）")
    department = serializers.CharField()
    department_name = serializers.CharField()
    year = serializers.IntegerField()
    as_of = serializers.IntegerField(help_text="時点の四半期")
    cumulative = DecimalText(help_text="累計実績（承認済み）。割合・基準比は0.1%単位の%")
    cumulative_text = serializers.CharField(help_text="画面の表記（例: 550社、71.1%、実施中、—）")
    numerator_total = DecimalText()
    denominator_total = DecimalText()
    milestone_status = serializers.CharField(help_text="取組の達成状況（not_started/in_progress/done）")
    achievement_rate = DecimalText(help_text="達成率（%、0.1%単位・四捨五入）")
    pace = DecimalText(help_text="ペース（目標×経過四半期／4）")
    pace_rate = DecimalText(help_text="ペース比（%）")
    status = serializers.CharField()
    status_label = serializers.CharField()
    forecast = DecimalText(help_text="年度末見込み（予測。件数は整数に四捨五入、割合は%）")
    forecast_text = serializers.CharField(help_text="画面の表記（例: 807人）")
    forecast_rate = DecimalText()
    grade = serializers.CharField(allow_null=True, help_text="評定の目安（A〜D。Sは計算しない）")
    grade_is_forecast = serializers.BooleanField()
    grade_label = serializers.CharField(help_text="例: B（見込み）")
    final_grade = serializers.CharField(allow_null=True, help_text="管理者が付けた最終評定")
    benchmark = DecimalText()
    required = DecimalText()
    note = serializers.CharField()
    unapproved_count = serializers.IntegerField(
        help_text="時点までの未承認（下書き・提出済み・差戻し）の件数"
    )
    cumulative_with_unapproved = DecimalText(help_text="未承認を含む累計")


class ActualSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator = serializers.CharField(help_text="指標番号")
    indicator_name = serializers.CharField()
    department = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    version = serializers.IntegerField(help_text="同時編集の検出に使う版番号（書き込みのときに送る）")
    value = DecimalText()
    numerator = DecimalText()
    denominator = DecimalText()
    growth_rate = DecimalText()
    benchmark_rate = DecimalText()
    milestone_status = serializers.CharField()
    manual_judgement = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    evidence = serializers.CharField()
    display = serializers.CharField(help_text="画面の表記（例: 420社、75／100（75.0%））")
    updated_by = serializers.CharField()
    updated_at = serializers.DateTimeField()
    submitted_by = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_comment = serializers.CharField()


class VersionInput(serializers.Field):
    """The version the client read (0 when there was no actual), read by the pages' bounded parser."""

    default_error_messages = {
        "required": "版番号（version）を指定してください（まだ実績が無ければ0）。",
        "invalid": "版番号（version）は0以上の整数で指定してください。",
    }

    def to_internal_value(self, data):
        from django.core.exceptions import ValidationError as DjangoValidationError

        from api import adapters

        if isinstance(data, bool) or not isinstance(data, (str, int, Decimal)):
            self.fail("invalid")
        try:
            version = adapters.parse_version(format(data, "f") if isinstance(data, Decimal) else str(data))
        except DjangoValidationError:
            self.fail("invalid")
        if version is None:
            self.fail("required")
        return version

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "integer", "minimum": 0})
class _VersionSchema(VersionInput):
    pass


class ActualWriteHead(serializers.Serializer):
    """Which actual a write is about, the version the client read and what to do."""

    year = year_field(
        required=True, error_messages={"required": "年度（year）を指定してください（例: 2024）。"}
    )
    quarter = quarter_field(
        required=True, error_messages={"required": "四半期（quarter）を指定してください（1〜4）。"}
    )
    indicator = serializers.CharField(max_length=20, help_text="指標番号（例: 1-1）")
    version = _VersionSchema(help_text="読み出したときの版番号（まだ実績が無ければ0）")
    action = serializers.ChoiceField(
        choices=[("save", "下書き保存"), ("submit", "提出")],
        default="save",
        help_text="save: 下書き保存、submit: 保存して提出（承認はできません）",
    )


class ActualWriteSerializer(ActualWriteHead):
    """The body of POST /api/v1/actuals/: the head and the figures, which the entry page's form checks (numbers
    as JSON numbers or as text, e.g. "1,580"; fields of other kinds of indicator are refused)."""

    value = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="実績値")
    numerator = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    denominator = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    growth_rate = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    benchmark_rate = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    milestone_status = serializers.ChoiceField(
        required=False, allow_blank=True, choices=Actual.MilestoneStatus.values
    )
    manual_judgement = serializers.ChoiceField(
        required=False, allow_blank=True, choices=Actual.Judgement.values
    )
    as_of = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="基準日 YYYY-MM-DD"
    )
    note = serializers.CharField(required=False, allow_blank=True, help_text="備考")
    evidence = serializers.CharField(required=False, allow_blank=True, help_text="根拠資料（メモ・リンク）")


# Every field a user fills in: the entry form's (indicators.services.INPUT_FIELDS).
FIGURE_INPUTS = tuple(INPUT_FIELDS)


class ActualWriteResultSerializer(serializers.Serializer):
    result = serializers.CharField(help_text="created / updated / unchanged / submitted")
    actual = ActualSerializer()


class BudgetTableSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    attachment = serializers.CharField()
    account = serializers.CharField()
    account_name = serializers.CharField()
    unit = serializers.CharField()
    note = serializers.CharField()
    url = serializers.CharField()


class HeaderCellSerializer(serializers.Serializer):
    text = serializers.CharField()
    colspan = serializers.IntegerField()
    rowspan = serializers.IntegerField()


class GridColumnSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    segment = serializers.CharField(help_text="業務")
    ledger = serializers.CharField(help_text="経理")
    role = serializers.CharField(help_text="ledger / segment / segment_total / grand_total")
    label = serializers.CharField()


class GridCellSerializer(serializers.Serializer):
    column = serializers.IntegerField(help_text="列の順序（columns の order）")
    amount = DecimalText(help_text="百万円。公表の「-」（金額なし）は null")
    text = serializers.CharField(help_text="公表の表記（1,234／△1,234／-）")


class GridRowSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    label = serializers.CharField()
    level = serializers.IntegerField(help_text="字下げ")
    role = serializers.CharField(help_text="heading / item / total")
    parent = serializers.IntegerField(allow_null=True, help_text="上位の行の順序")
    parts = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="合計行の内訳 [行の順序, 符号]",
    )
    cells = GridCellSerializer(many=True, help_text="公表されたセルだけ（空欄のセルは含まない）")


class BudgetGridSerializer(BudgetTableSerializer):
    header = serializers.ListField(
        child=HeaderCellSerializer(many=True), help_text="公表の列見出し（結合つき）"
    )
    columns = GridColumnSerializer(many=True)
    rows = GridRowSerializer(many=True)


class BudgetCellSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    account = serializers.CharField()
    account_name = serializers.CharField()
    row_order = serializers.IntegerField()
    row_label = serializers.CharField()
    row_level = serializers.IntegerField()
    row_role = serializers.CharField()
    row_parent = serializers.CharField(help_text="上位の行の区別")
    column_order = serializers.IntegerField()
    segment = serializers.CharField()
    ledger = serializers.CharField()
    column_role = serializers.CharField()
    column_label = serializers.CharField()
    amount = DecimalText(help_text="百万円。公表の「-」は null")
    text = serializers.CharField()


class ReconciliationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    account = serializers.CharField()
    account_name = serializers.CharField()
    row_order = serializers.IntegerField()
    row_label = serializers.CharField()
    column_order = serializers.IntegerField()
    column_label = serializers.CharField()
    check = serializers.CharField(help_text="row（行の合計）/ column（列の合計）")
    check_label = serializers.CharField()
    published = DecimalText()
    computed = DecimalText()
    difference = DecimalText(help_text="公表値－内訳の和（百万円）")
    severity = serializers.CharField(help_text="rounding（端数差異）/ error（不一致）")
    severity_label = serializers.CharField()


class ExecutionQuarterSerializer(serializers.Serializer):
    amount = DecimalText(help_text="執行額（百万円）。入力が無ければ null")
    state = serializers.CharField(help_text="draft / submitted / returned / approved。入力が無ければ空")


class ExecutionLineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    account = serializers.CharField()
    account_name = serializers.CharField()
    section = serializers.CharField(help_text="収入 / 支出")
    row_label = serializers.CharField()
    row_level = serializers.IntegerField()
    column_label = serializers.CharField()
    department = serializers.CharField(help_text="執行額の入力部署のコード")
    budget = DecimalText(help_text="予算額（百万円、公表値）。「-」は null")
    q1 = ExecutionQuarterSerializer()
    q2 = ExecutionQuarterSerializer()
    q3 = ExecutionQuarterSerializer()
    q4 = ExecutionQuarterSerializer()
    executed = DecimalText(help_text="累計（承認済み）")
    difference = DecimalText(help_text="差額（執行額－予算額）")
    rate = DecimalText(help_text="執行率（%、0.1%単位・四捨五入）")
    pending = DecimalText(help_text="未承認の執行額の計")


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class HistorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField(help_text="日時（日本時間）")
    user = serializers.CharField(help_text="操作者")
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    object_id = serializers.IntegerField()
    target = serializers.CharField()
    quarter = serializers.IntegerField(allow_null=True)
    quarter_label = serializers.CharField()
    operation = serializers.CharField(help_text="新規 / 変更 / 削除")
    state = serializers.CharField()
    reason = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False, help_text="項目ごとの誤り"
    )


__all__ = ["OpenApiTypes"]
