import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

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

    @property
    def body_html(self) -> SafeString:
        """The body rows built in Python from the same render_* methods (django-tables2's cell machinery costs
        about 0.2 ms a cell: 0.4 s for a plan of 250 indicators); the header and sorting stay django-tables2's."""
        placeholder = 987654321
        url = reverse("indicators:detail", args=[placeholder])
        cell = {
            "code": lambda r: format_html(
                '<a href="{}">{}</a>', url.replace(str(placeholder), str(r.pk)), r.code
            ),
            "section": self.render_section,
            "name": self.render_name,
            "target_text": self.render_target_text,
            "unit": lambda r: r.unit or "—",
            "kind": lambda r: r.get_kind_display(),
            "category": lambda r: r.get_category_display(),
            "department": lambda r: r.department.name if r.department_id else "—",
        }
        shown = [(column.name, cell[column.name]) for column in self.columns]
        rows = []
        for record in self.data.data:
            cells = "".join(f"<td>{conditional_escape(render(record))}</td>" for _name, render in shown)
            css = ' class="sub-target"' if record.parent_id else ""
            rows.append(f"<tr{css}>{cells}</tr>")
        return mark_safe("\n".join(rows))
