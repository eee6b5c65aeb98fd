"""The one base django-tables2 table of the app: shared template (Japanese pagination, sort marks), CSS class
and empty text. Each app's tables.py subclasses BaseTable."""

import django_tables2 as tables


class BaseTable(tables.Table):
    """Sortable by clicking a header (?sort=…); a subclass sets Meta.model, fields and sequence."""

    class Meta:
        template_name = "tables/base_table.html"
        attrs = {"class": "data-table"}
        orderable = True
        empty_text = "該当するデータはありません。"
