import django_filters

from indicators.models import Indicator
from measures.models import Department, Section


class IndicatorFilter(django_filters.FilterSet):
    """Narrow the indicator list by pillar / section, owning department, category and kind (GET parameters)."""

    section = django_filters.ModelChoiceFilter(
        label="柱・項目",
        queryset=Section.objects.filter(indicators__isnull=False)
        .select_related("chapter")
        .distinct()
        .order_by("chapter__number", "number"),
        empty_label="すべて",
    )
    department = django_filters.ModelChoiceFilter(
        label="担当部署",
        queryset=Department.objects.filter(indicators__isnull=False).distinct().order_by("order", "code"),
        empty_label="すべて",
    )
    category = django_filters.ChoiceFilter(
        label="区分", choices=Indicator.Category.choices, empty_label="すべて"
    )
    kind = django_filters.ChoiceFilter(label="種類", choices=Indicator.Kind.choices, empty_label="すべて")

    class Meta:
        model = Indicator
        fields = ["section", "department", "category", "kind"]
