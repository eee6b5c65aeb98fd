"""百万円 figures as the plan prints them: 1,234 / △1,234 / - (no amount). One place for every page and export."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

NEGATIVE_MARK = "△"
NO_AMOUNT = "-"
# The same convention as a spreadsheet number format (values stay numeric; a 「-」 cell is left empty or 0).
EXCEL_NUMBER_FORMAT = '#,##0;"△"#,##0;"-"'


def format_million(amount: Decimal | int | None, places: int = 0) -> str:
    """Format an amount in 百万円: None → 「-」, negatives with 「△」, thousands separators.

    `places` digits after the decimal point, rounded half-up (published tables use 0; 執行額 may carry more).
    Non-numeric input is returned as text so a template never breaks on it."""
    if amount is None or amount == "":
        return NO_AMOUNT
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return str(amount)
    exponent = Decimal(1).scaleb(-places) if places > 0 else Decimal(1)
    value = value.quantize(exponent, rounding=ROUND_HALF_UP)
    text = f"{abs(value):,.{max(places, 0)}f}"
    return f"{NEGATIVE_MARK}{text}" if value < 0 else text


@register.filter(name="million")
def million(amount, places=0):
    """{{ cell.amount|million }} → 「1,234」「△1,234」「-」; {{ x|million:3 }} keeps three decimals."""
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = 0
    return format_million(amount, places)


def format_million_exact(amount: Decimal | int | None, places: int = 3) -> str:
    """Like format_million with up to `places` decimals, trailing zeros dropped: 12.500 → 「12.5」, 3.000 → 「3」.

    For 執行額, entered to 千円 (0.001 百万円)."""
    text = format_million(amount, places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter(name="million_exec")
def million_exec(amount):
    """{{ execution.amount|million_exec }} → 「1,234.5」「△12」「-」."""
    return format_million_exact(amount)


@register.filter(name="get_entry")
def get_entry(mapping, key):
    """{{ line.entries|get_entry:quarter }}: a dict item by key, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
