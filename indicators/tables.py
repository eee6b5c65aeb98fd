import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html

from indicators.models import Indicator
from smrj_plan import formatting
from smrj_plan.tables import BaseTable


class IndicatorTable(BaseTable):
    """The plan's indicators with their published targets; the code links to the detail page."""

    code = tables.Column(
        verbose_name="番号", linkify=("indicators:detail", {"pk": tables.A("pk")}), order_by=("order",)
    )
    section = tables.Column(
        verbose_name="柱・項目", order_by=("section__chapter__number", "section__number", "order")
    )
    name = tables.Column(verbose_name="指標", order_by=("name",))
    target_text = tables.Column(verbose_name="目標", empty_values=())
    unit = tables.Column(verbose_name="単位")
    kind = tables.Column(verbose_name="種類")
    category = tables.Column(verbose_name="区分")
    department = tables.Column(verbose_name="担当部署", order_by=("department__order", "order"))

    class Meta(BaseTable.Meta):
        model = Indicator
        fields = ("code", "section", "name", "target_text", "unit", "kind", "category", "department")
        order_by = ("code",)
        row_attrs = {"class": lambda record: "sub-target" if record.parent_id else ""}

    def order_target_text(self, queryset, is_descending):
        # Indicators without a numeric target go last either way (PostgreSQL puts NULL first when descending).
        target = F("target").desc(nulls_last=True) if is_descending else F("target").asc(nulls_last=True)
        return queryset.order_by(target, "order"), True

    def render_section(self, record):
        section = record.section
        if section.chapter.number == 1:
            return f"柱{section.number} {section.title}"
        return f"{section.chapter.numeral}-{section.number} {section.title}"

    def render_name(self, record):
        if record.parent_id:
            return format_html("（{}のうち）{}", record.parent.code, record.name)
        return record.name

    def render_target_text(self, record):
        # Tables show the normalised target (1,000社以上), the detail page the published wording.
        label = formatting.target_label(
            target=record.target, unit=record.unit, comparison=record.comparison, text=record.target_text
        )
        if record.is_effort_target:
            return format_html('{}<br><span class="muted">努力目標</span>', label)
        return label
