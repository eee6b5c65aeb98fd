"""The one bounded number parser (smrj_plan.numbers): what it accepts, what it refuses and with which message.

The properties compare the parser with a plain statement of its rules (the oracle below) over arbitrary text,
including digit strings of thousands of characters and exponents that would never finish as int()/quantize()."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from smrj_plan.numbers import (
    MAX_INPUT_CHARS,
    MAX_VERSION,
    parse_decimal,
    parse_id,
    parse_int,
    parse_version,
)

PROPERTY = settings(max_examples=400, deadline=None)

# The rules, written out independently of the implementation.
FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "，": ",",
    "．": ".",
    "＋": "+",
    "－": "-",
    "−": "-",
}
SHAPE = re.compile(r"([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.([0-9]*))?")


def oracle(text: str, *, whole_digits: int, places: int):
    """("blank", None), ("ok", Decimal) or ("refused", None) for `text` under the documented rules."""
    stripped = text.strip()
    if not stripped:
        return "blank", None
    if len(stripped) > MAX_INPUT_CHARS:
        return "refused", None
    ascii_text = "".join(FULL_WIDTH.get(c, c) for c in stripped)
    match = SHAPE.fullmatch(ascii_text)
    if match is None or not (match[2] or match[3]):
        return "refused", None
    whole, fraction = match[2].replace(",", ""), match[3] or ""
    if len(whole.lstrip("0")) > whole_digits or len(fraction.rstrip("0")) > places:
        return "refused", None
    value = Decimal(f"{whole or '0'}.{fraction or '0'}")
    return "ok", -value if match[1] == "-" else value


NUMBERISH = st.text(
    alphabet=st.sampled_from(
        list("0123456789,.+-eE _x'") + list("０１２３４５６７８９，．－−＋　、・") + ["٣", "²", "①", "\x00"]
    ),
    max_size=MAX_INPUT_CHARS + 12,
)
ANY_TEXT = st.one_of(
    NUMBERISH,
    st.text(max_size=80),
    # Around the limits: 10 to 16 integer digits, 0 to 4 decimals, with and without separators.
    st.builds(
        lambda whole, fraction, grouped: (f"{int(whole):,}" if grouped else whole) + fraction,
        st.integers(min_value=10, max_value=16).flatmap(
            lambda n: st.text("0123456789", min_size=n, max_size=n)
        ),
        st.sampled_from(["", "."]).flatmap(
            lambda dot: st.text("0123456789", max_size=4).map(lambda d: dot + d)
        ),
        st.booleans(),
    ),
    st.sampled_from(["NaN", "-Infinity", "inf", "sNaN", "0x10", "1_000", "1e5", "1E999", "1e999999999"]),
    # Far past any limit: the parser must refuse these without converting them.
    st.integers(min_value=MAX_INPUT_CHARS + 1, max_value=20_000).map(lambda n: "9" * n),
    st.integers(min_value=1, max_value=10_000).map(lambda n: "1." + "0" * n + "1"),
    st.integers(min_value=1, max_value=999_999_999).map(lambda n: f"1e{n}"),
)


@PROPERTY
@given(text=ANY_TEXT)
@example(text="1e999999999")
@example(text="9" * 5000)
@example(text="１，５８０")
def test_parse_decimal_accepts_exactly_the_well_formed_numbers_within_bounds(text):
    expected, value = oracle(text, whole_digits=12, places=2)
    try:
        result = parse_decimal(text, max_digits=14, decimal_places=2)
    except ValidationError as exc:  # the only exception it may raise
        assert expected == "refused", (text, exc.messages)
        assert exc.messages and all(m.endswith("。") for m in exc.messages)
        return
    if expected == "blank":
        assert result is None
    else:
        assert expected == "ok" and result == value and result.is_finite()


@PROPERTY
@given(text=ANY_TEXT, max_value=st.sampled_from([4, 9999, MAX_VERSION]))
def test_parse_int_accepts_exactly_the_whole_numbers_within_bounds(text, max_value):
    expected, value = oracle(text, whole_digits=len(str(max_value)), places=0)
    if expected == "ok" and not (0 <= value <= max_value):
        expected = "refused"
    try:
        result = parse_int(text, max_value=max_value)
    except ValidationError:
        assert expected == "refused", text
        return
    if expected == "blank":
        assert result is None
    else:
        assert expected == "ok" and result == value and isinstance(result, int)


@PROPERTY
@given(
    value=st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2),
    grouped=st.booleans(),
    full_width=st.booleans(),
    trailing_zeros=st.integers(min_value=0, max_value=3),
    spaces=st.sampled_from(["", " ", "\u3000", "\t"]),
)
def test_every_decimal_within_bounds_round_trips_however_it_is_typed(
    value, grouped, full_width, trailing_zeros, spaces
):
    text = format(value, ",f" if grouped else "f")
    if trailing_zeros:
        text += ("" if "." in text else ".") + "0" * trailing_zeros
    if full_width:
        text = "".join(FULL_WIDTH_BACK.get(c, c) for c in text)
    assert parse_decimal(spaces + text + spaces, max_digits=14, decimal_places=2) == value


FULL_WIDTH_BACK = {ascii_char: wide for wide, ascii_char in FULL_WIDTH.items() if wide != "−"}


@given(value=st.integers(min_value=0, max_value=MAX_VERSION))
def test_every_version_round_trips(value):
    assert parse_version(str(value)) == value
    assert parse_version(f"{value:,}") == value
    assert parse_version(f"{value}.0") == value


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1,580", Decimal("1580")),
        ("１５８０", Decimal("1580")),
        ("１，５８０", Decimal("1580")),
        ("1580.0", Decimal("1580")),
        ("  12.5 ", Decimal("12.5")),
        ("－３", Decimal("-3")),
        ("−3", Decimal("-3")),
        (".5", Decimal("0.5")),
        ("12.", Decimal("12")),
        ("-0", Decimal("0")),
        ("", None),
        ("\u3000", None),
        (None, None),
    ],
)
def test_it_reads_what_people_type(text, expected):
    assert parse_decimal(text, max_digits=14, decimal_places=2) == expected


@pytest.mark.parametrize(
    "text,code,message",
    [
        ("9" * 5000, "max_whole_digits", "桁数が多すぎます（整数部12桁まで）。"),
        ("1234567890123", "max_whole_digits", "桁数が多すぎます（整数部12桁まで）。"),
        ("1e999999999", "exponent", "指数表記（1E5 など）は使えません。数字だけで入力してください。"),
        ("1E999", "exponent", "指数表記（1E5 など）は使えません。数字だけで入力してください。"),
        (
            "9" * 100 + "e999999999",
            "exponent",
            "指数表記（1E5 など）は使えません。数字だけで入力してください。",
        ),
        ("NaN", "invalid", "数値を入力してください（文字は入力できません）。"),
        ("Infinity", "invalid", "数値を入力してください（文字は入力できません）。"),
        ("²", "invalid", "数値を入力してください（文字は入力できません）。"),
        ("٣", "invalid", "数値を入力してください（文字は入力できません）。"),
        ("1_000", "invalid", "数値を入力してください（文字は入力できません）。"),
        ("1,58", "grouping", "カンマは3桁ごとに入れてください（例: 1,580）。"),
        ("12.345", "max_decimal_places", "小数点以下は2桁までです。"),
        ("0." + "0" * 200 + "1", "max_decimal_places", "小数点以下は2桁までです。"),
        ("0" * 100 + "1", "too_long", f"入力が長すぎます（{MAX_INPUT_CHARS}文字まで）。"),
    ],
)
def test_it_refuses_with_the_reason_in_japanese(text, code, message):
    with pytest.raises(ValidationError) as exc:
        parse_decimal(text, max_digits=14, decimal_places=2)
    assert exc.value.code == code
    assert exc.value.messages == [message]


def test_the_field_label_names_the_field():
    with pytest.raises(ValidationError) as exc:
        parse_version("9" * 5000)
    assert exc.value.messages == ["版：桁数が多すぎます（整数部10桁まで）。"]
    with pytest.raises(ValidationError) as exc:
        parse_version("-1")
    assert exc.value.messages == ["版：0以上の整数を入力してください（マイナスは入力できません）。"]
    with pytest.raises(ValidationError) as exc:
        parse_version(str(MAX_VERSION + 1))
    assert exc.value.messages == ["版：2,147,483,647以下の整数を入力してください。"]
    with pytest.raises(ValidationError) as exc:
        parse_id("1.5", field_label="指標ID")
    assert exc.value.messages == ["指標ID：整数で入力してください（小数は入力できません）。"]


def test_ids_start_at_one_and_fit_a_big_integer_column():
    assert parse_id("１２") == 12
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    for text in ("0", str(2**63), "1e3"):
        with pytest.raises(ValidationError):
            parse_id(text)
