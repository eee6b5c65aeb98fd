"""CSV for the list endpoints (?format=csv or Accept: text/csv).

One line per row of the list's current page, the columns in the order the JSON gives them; nested objects are
flattened to `parent.child` columns. Numbers stay the exact decimal text of the JSON (never a float). The file
starts with a BOM so Excel opens it as UTF-8; text that Excel would read as a formula (starting with = + - @,
a tab or a line break) is prefixed with ' — numbers are left as they are, so「-1234」stays a number."""

import csv
import io
import json
from decimal import Decimal

from rest_framework.renderers import BaseRenderer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def flatten(row: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _is_number_text(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return text.strip() == text and text.lstrip("-").replace(".", "", 1).isdigit()


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number_text(text):
        return "'" + text
    return text


def _field_names(fields, prefix: str = "") -> list[str]:
    names = []
    for name, field in fields.items():
        nested = getattr(field, "fields", None)
        if nested is not None and not getattr(field, "many", False):
            names += _field_names(nested, f"{prefix}{name}.")
        else:
            names.append(f"{prefix}{name}")
    return names


def _declared_columns(renderer_context) -> list[str]:
    """The columns of an empty list: the row serializer's fields, so the header is there even without rows."""
    view = (renderer_context or {}).get("view")
    response = (renderer_context or {}).get("response")
    if view is None or response is None or response.status_code >= 400:
        return []
    serializer_class = getattr(view, "serializer_class", None)
    if serializer_class is None:
        return []
    return _field_names(serializer_class().fields)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data] if data is not None else []  # an error or a single object: one line
        rows = [flatten(r) if isinstance(r, dict) else {"value": r} for r in rows]
        columns: list[str] = _declared_columns(renderer_context) if not rows else []
        for row in rows:
            for name in row:
                if name not in columns:
                    columns.append(name)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(name)) for name in columns])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
