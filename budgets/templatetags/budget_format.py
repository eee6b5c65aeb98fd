"""Template helpers of the budget pages. Figures (百万円, 執行額, 執行率) are written by the project's one
formatting module: `{% load figures %}` (`smrj_plan/templatetags/figures.py`)."""

from django import template

register = template.Library()


@register.filter(name="get_entry")
def get_entry(mapping, key):
    """{{ line.entries|get_entry:quarter }}: a dict item by key, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
