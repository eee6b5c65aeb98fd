"""Checks on free text a person must write (reasons for 差戻し, 再開, 締め, 評定 …).

A required reason exists so that someone reading the history later learns why; a value that shows nothing on
screen (a zero-width space, a byte-order mark, an ideographic space) satisfies "not empty" while telling nobody
anything. One rule, used by every service that takes a required reason, decides what counts as written.
"""

import unicodedata

from django.core.exceptions import ValidationError

# Unicode general categories that never put ink on the page: separators (spaces, line and paragraph
# separators) and "other" (control, format such as U+200B–U+200D / U+2060 / U+FEFF, surrogate, private use,
# unassigned and non-characters such as U+FFFF).
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"})

# Letters and symbols that are drawn as blank space although their category says otherwise (Hangul fillers,
# the blank Braille pattern) and marks that only modify another character (variation selectors, the
# combining grapheme joiner).
_BLANK_LOOKING = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u034f\u180b\u180c\u180d\u180f" + "".join(map(chr, range(0xFE00, 0xFE10)))
)


def is_visible_char(char: str) -> bool:
    """True for a character that shows something on screen (a letter, digit, punctuation, symbol …)."""
    return char not in _BLANK_LOOKING and unicodedata.category(char) not in _INVISIBLE_CATEGORIES


def has_visible_text(value: str | None) -> bool:
    return bool(value) and any(is_visible_char(c) for c in value)


def require_visible_text(value: str | None, *, field_label: str) -> str:
    """The value without surrounding whitespace, or ValidationError when it shows nothing on screen.

    `field_label` names the field in the message, e.g. 「差戻し・再開の理由」."""
    if has_visible_text(value):
        return value.strip()
    if not value:
        raise ValidationError(f"{field_label}を記入してください。", code="required")
    raise ValidationError(
        f"{field_label}を記入してください。空白やゼロ幅スペースなどの見えない文字だけでは記入したことになりません。",
        code="invisible",
    )
