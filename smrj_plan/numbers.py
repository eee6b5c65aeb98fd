"""One bounded parser for every number and id a person types or a file carries.

The entry page, the review and budget buttons, budget execution and the Excel upload all read numbers through
these functions, so they accept and refuse the same text with the same Japanese messages.

Rules (the order matters: every limit is checked on the text, before any conversion):

1. ``None`` and blank text (spaces, full-width spaces, tabs only) mean "no value": the result is ``None``.
2. Surrounding white space is ignored. Text longer than ``MAX_INPUT_CHARS`` (64) characters is refused without
   being converted; the message still says why (too many digits, too many decimals, an exponent, not a number).
3. Full-width digits, comma, period, plus and minus (「１，５８０．５」「－３」) and the minus sign U+2212 are read
   as their ASCII forms through an explicit table. Unicode normalisation is not used: NFKC would turn 「²」 or
   「①」 into digits, and other scripts' digits (「٣」) are not numbers here.
4. The shape is: an optional sign, digits with an optional decimal point and decimals. Commas are thousands
   separators and must group by three (「1,580」, not 「1,58」). 「.5」 and 「12.」 are read as 0.5 and 12.
   Exponents (「1e5」「1E999」), NaN, Infinity, hexadecimal, underscores and spaces inside are refused.
5. Limits count the digits that matter: leading zeros of the integer part and trailing zeros of the decimals do
   not count, so 「1580.0」 is an integer and 「007」 is 7. ``parse_decimal`` allows ``max_digits -
   decimal_places`` integer digits and ``decimal_places`` decimals (the same meaning as Django's DecimalField).
   ``parse_int`` allows no decimals other than zeros and checks ``min_value``/``max_value``.
6. Errors raise ``django.core.exceptions.ValidationError`` with a Japanese message and a code
   (invalid, exponent, grouping, too_long, max_whole_digits, max_decimal_places, not_integer, min_value,
   max_value). Nothing else is raised for any text, however long or strange.

The value returned is exact: ``parse_decimal(format(d, "f"), ...) == d`` for every Decimal within the limits.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError

# Longest text read as a number: 14 digits with separators, a sign, decimals and trailing zeros fit many times.
MAX_INPUT_CHARS = 64
# BigAutoField ids and PositiveIntegerField versions (the columns they are compared with).
MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1

_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "，": ",",
        "．": ".",
        "＋": "+",
        "－": "-",
        "−": "-",  # U+2212 MINUS SIGN
        "\u3000": " ",
    }
)
# After the table: sign, integer part (plain, or grouped by three with commas), optional decimals.
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<fraction>[0-9]*))?")
# Shapes refused with a more useful message than "not a number". Every repeated class is followed by a class it
# does not share characters with, so matching stays linear in the length of the text.
_EXPONENT = re.compile(r"[+-]?[0-9.,]+[eE][+-]?[0-9]+")
_LOOSE_NUMBER = re.compile(r"[+-]?[0-9,]*(?:\.[0-9]*)?")

INVALID = "数値を入力してください（文字は入力できません）。"


def _error(field_label: str, message: str, code: str) -> ValidationError:
    return ValidationError(f"{field_label}：{message}" if field_label else message, code=code)


def _digits(text: str) -> tuple[str, str, str] | None:
    """(sign, integer digits, decimals) of a well-shaped number without leading/trailing zeros; else None."""
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    whole = match["whole"].replace(",", "")
    fraction = match["fraction"] or ""
    if not whole and not fraction:
        return None
    return match["sign"], whole.lstrip("0"), fraction.rstrip("0")


def _read(text: str | None, *, whole_digits: int, decimal_places: int, field_label: str):
    """The checked (sign, integer digits, decimals) of `text`, or None for blank; raises ValidationError."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("numbers are parsed from text")
    stripped = text.strip()
    if not stripped:
        return None
    if len(stripped) > MAX_INPUT_CHARS:
        # Only linear scans of long text: the translation and two regular expressions without nesting.
        loose = stripped.translate(_FULL_WIDTH)
        if _EXPONENT.fullmatch(loose):
            raise _error(
                field_label, "指数表記（1E5 など）は使えません。数字だけで入力してください。", "exponent"
            )
        if _LOOSE_NUMBER.fullmatch(loose) and re.search("[0-9]", loose):
            whole, _, fraction = loose.lstrip("+-").partition(".")
            if len(whole.replace(",", "").lstrip("0")) > whole_digits:
                raise _too_many_digits(field_label, whole_digits)
            if len(fraction.rstrip("0")) > decimal_places:
                raise _too_many_decimals(field_label, decimal_places)
            raise _error(field_label, f"入力が長すぎます（{MAX_INPUT_CHARS}文字まで）。", "too_long")
        raise _error(field_label, INVALID, "invalid")
    normalised = stripped.translate(_FULL_WIDTH)
    parts = _digits(normalised)
    if parts is None:
        if _EXPONENT.fullmatch(normalised):
            raise _error(
                field_label, "指数表記（1E5 など）は使えません。数字だけで入力してください。", "exponent"
            )
        if "," in normalised and _digits(normalised.replace(",", "")) is not None:
            raise _error(field_label, "カンマは3桁ごとに入れてください（例: 1,580）。", "grouping")
        raise _error(field_label, INVALID, "invalid")
    sign, whole, fraction = parts
    if len(whole) > whole_digits:
        raise _too_many_digits(field_label, whole_digits)
    if len(fraction) > decimal_places:
        raise _too_many_decimals(field_label, decimal_places)
    return sign, whole, fraction


def _too_many_digits(field_label: str, whole_digits: int) -> ValidationError:
    return _error(field_label, f"桁数が多すぎます（整数部{whole_digits}桁まで）。", "max_whole_digits")


def _too_many_decimals(field_label: str, decimal_places: int) -> ValidationError:
    if decimal_places == 0:
        return _error(field_label, "整数で入力してください（小数は入力できません）。", "not_integer")
    return _error(field_label, f"小数点以下は{decimal_places}桁までです。", "max_decimal_places")


def parse_decimal(
    text: str | None, *, max_digits: int, decimal_places: int, field_label: str = ""
) -> Decimal | None:
    """A Decimal with at most `max_digits - decimal_places` integer digits and `decimal_places` decimals.

    Negative numbers are read (the caller decides whether a sign is allowed: figures and amounts say so in
    their own words). Blank → None. See the module docstring for the rules."""
    parts = _read(
        text, whole_digits=max_digits - decimal_places, decimal_places=decimal_places, field_label=field_label
    )
    if parts is None:
        return None
    sign, whole, fraction = parts
    if not whole and not fraction:
        return Decimal("0")  # 「-0」 and 「0.00」 are zero, without a sign
    return Decimal(f"{'-' if sign == '-' else ''}{whole or '0'}{'.' + fraction if fraction else ''}")


def parse_int(text: str | None, *, max_value: int, min_value: int = 0, field_label: str = "") -> int | None:
    """A whole number between `min_value` and `max_value`; 「1,580」「１５８０」「1580.0」 are 1580. Blank → None."""
    limit = max(len(str(abs(max_value))), len(str(abs(min_value))))
    parts = _read(text, whole_digits=limit, decimal_places=0, field_label=field_label)
    if parts is None:
        return None
    sign, whole, _fraction = parts
    value = int(whole or "0")  # at most `limit` digits: the conversion is bounded
    if sign == "-":
        value = -value
    if value < min_value:
        if min_value == 0:
            raise _error(
                field_label, "0以上の整数を入力してください（マイナスは入力できません）。", "min_value"
            )
        raise _error(field_label, f"{min_value:,}以上の整数を入力してください。", "min_value")
    if value > max_value:
        raise _error(field_label, f"{max_value:,}以下の整数を入力してください。", "max_value")
    return value


def parse_id(text: str | None, *, field_label: str = "ID") -> int | None:
    """A database id (1 to the largest BigAutoField value). Blank → None."""
    return parse_int(text, min_value=1, max_value=MAX_ID, field_label=field_label)


def parse_version(text: str | None, *, field_label: str = "版") -> int | None:
    """An optimistic-lock version as a page or template sent it (0 = no stored value yet). Blank → None."""
    return parse_int(text, min_value=0, max_value=MAX_VERSION, field_label=field_label)
