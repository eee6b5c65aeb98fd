"""Template filters over `smrj_plan.formatting`: `{% load figures %}` and every figure on a page reads as in the
workbook. A filter never breaks a page: a value that is not a number is shown as it is."""

from django import template

from smrj_plan import formatting

register = template.Library()


def _safe(format_value, value, *args, **kwargs) -> str:
    try:
        return format_value(value, *args, **kwargs)
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        return "" if value is None else str(value)


@register.filter
def count(value, unit=""):
    """{{ n|count:"社" }} → 「1,683社」; None → 「—」."""
    return _safe(formatting.count, value, unit or "")


@register.filter
def percent(value):
    """{{ rate|percent }} → 「12.3%」 (0.1 %, half-up); None → 「—」."""
    return _safe(formatting.percent, value)


@register.filter
def forecast(value, unit=""):
    """{{ progress.forecast|forecast:"社" }} → 「1,167社」 (whole units)."""
    return _safe(formatting.forecast, value, unit or "")


@register.filter
def ratio_pair(numerator, denominator):
    """{{ progress.numerator_total|ratio_pair:progress.denominator_total }} → 「1,683／2,098」."""
    return _safe(formatting.ratio_pair, numerator, denominator)


@register.filter
def million(amount, places=0):
    """{{ cell.amount|million }} → 「1,234」「△1,234」「0」「-」."""
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = 0
    return _safe(formatting.million, amount, places)


@register.filter
def executed(amount):
    """{{ entry.amount|executed }} → 「41.000」「△1,234.500」「-」 (百万円 to 千円)."""
    return _safe(formatting.executed, amount)


@register.filter
def amount_input(amount):
    """The value of an amount input field: 「1,000」, 「40.32」, "" for none."""
    return _safe(formatting.amount_input, amount)


@register.filter
def multiplier(value):
    return _safe(formatting.multiplier, value)


@register.filter
def wareki(day):
    """{{ date|wareki }} → 「令和7年3月26日」."""
    return _safe(formatting.wareki, day)


@register.filter
def person_name(user):
    """{{ user|person_name }} → 「山田 太郎」 (family name first; the login name when no name is recorded)."""
    return formatting.person_name(user)


@register.filter
def target_label(indicator):
    """{{ indicator|target_label }} → 「1,000社以上」: the normalised target tables show."""
    return _safe(
        lambda ind: formatting.target_label(
            target=ind.target, unit=ind.unit, comparison=ind.comparison, text=ind.target_text
        ),
        indicator,
    )
