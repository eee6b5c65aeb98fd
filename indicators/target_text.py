"""Reads what a ○指標 or 参考指標 item of a 年度計画 asks for: its name, kind, target, unit and comparison.

The rules are patterns of the published wording (docs/domain.md「指標と目標の種類」), not lines of
one year's file:

- 「<名前>：1,000社以上」 or 「<名前>を14本以上」: a count with its unit; 「70%以上」 a ratio; 「以下」 a
  lower-is-better target; no 以上/以下 an exact target (「300件」). Digits may be full- or half-width.
- 「<名前>が、<基準>の２割以上、上回る」: relative to a benchmark (multiplier 1.2; 「10%以上、上回る」 is 1.1).
- 「（上記のうち<名前>を4本以上に努める）」: a sub-target of the item above; 「に努める」 makes it an effort target.
- 参考指標: 「…を策定する。」 and other 「…する。」 are milestones, 「…比率を上回る。」 a comparison with a
  baseline, a bare noun phrase ending in 実績・件数・数 a count without a target.

Anything else, and a unit outside the known ones, comes back with `needs_review` and a note saying what to
confirm: the loader stores it for a 管理者 to confirm instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Units the plans use for counts (docs/domain.md「指標と目標の種類」) and a few more of the same family.
KNOWN_UNITS = {"社", "件", "本", "人", "機関", "者", "人日", "回", "団体", "事業者", "拠点", "校", "%"}

_NUM = r"[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?"
_UNIT = r"[^0-9０-９\s,，.．、。：:（）()]{1,4}?"
# 「名前：N単位以上」 / 「名前をN単位以上」, optionally followed by 「とする」「を目指す」 and a 「（※）」 mark.
_TARGET_RE = re.compile(
    rf"^(?P<name>.+?)(?:[：:]|を)\s*(?P<target>(?P<num>{_NUM})\s*(?P<unit>{_UNIT})\s*(?P<cmp>以上|以下)?)"
    r"(?:とする|を目指す)?\s*(?P<mark>[（(]※[）)])?。?$"
)
_BENCHMARK_RE = re.compile(
    rf"^(?P<name>.+?)が、\s*(?P<target>.+?の\s*(?P<num>{_NUM})\s*(?P<per>割|[%％])以上、?\s*上回る)。?$"
)
_SUB_RE = re.compile(r"^[（(]上記のうち(?P<inner>.+)[）)]$")
_EFFORT_SUFFIX = "に努める"
_MILESTONE_RE = re.compile(r"する。?$")
_BASELINE_RE = re.compile(r"(?:比率|割合|平均|水準|実績値?)を(?P<dir>上回る|下回る)。?$")
_NO_TARGET_RE = re.compile(r"(?:実績|件数|人数|回数|数)$")


@dataclass
class TargetSpec:
    """What the loader stores on an Indicator for one item (kinds and comparisons as in Indicator's choices)."""

    name: str
    text: str
    kind: str
    target: Decimal | None = None
    target_text: str = ""
    unit: str = ""
    comparison: str = "gte"
    direction: str = "higher"
    benchmark_multiplier: Decimal | None = None
    is_effort_target: bool = False
    frequency: str = "quarterly"
    needs_review: bool = False
    review_note: str = ""


def to_decimal(text: str) -> Decimal | None:
    """「１，０００」→ 1000, 「92,800」→ 92800, 「0.5」→ 0.5; None for anything that is not a number."""
    plain = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _numeric(name: str, text: str, match: re.Match, *, reference: bool) -> TargetSpec:
    unit = unicodedata.normalize("NFKC", match.group("unit"))
    cmp = match.group("cmp")
    kind = "ratio" if unit == "%" else ("count" if cmp else "exact")
    spec = TargetSpec(
        name=text if reference else name,
        text=text,
        kind=kind,
        target=to_decimal(match.group("num")),
        target_text=match.group("target").strip(),
        unit=unit,
        comparison={"以上": "gte", "以下": "lte"}.get(cmp, "eq"),
        direction="lower" if cmp == "以下" else "higher",
    )
    if unit not in KNOWN_UNITS:
        spec.needs_review = True
        spec.review_note = f"単位「{unit}」は既知の単位ではありません。種類と単位を確認してください。"
    return spec


def _benchmark(text: str, match: re.Match) -> TargetSpec:
    number = to_decimal(match.group("num"))
    per = Decimal("10") if match.group("per") == "割" else Decimal("100")
    return TargetSpec(
        name=match.group("name").strip(),
        text=text,
        kind="benchmark",
        target_text=match.group("target").strip(),
        unit="%",
        benchmark_multiplier=Decimal("1") + number / per,
        frequency="annual",
    )


def _unreadable(text: str, *, name: str | None = None) -> TargetSpec:
    # 「名前：何か」: keep the name apart from the target the way it is written, so that the indicator is still
    # recognised by its name (across years) and the unreadable target shows as published.
    head, sep, tail = text.rpartition("：")
    if not sep:
        head, sep, tail = text.rpartition(":")
    return TargetSpec(
        name=name or (head.strip() if sep and head.strip() else text),
        text=text,
        target_text=tail.strip() if sep else "",
        kind="count",
        comparison="none",
        needs_review=True,
        review_note="目標の形式を読み取れませんでした。種類・目標値・単位を確認してください。",
    )


# An item longer than this is not an indicator as the plans write them (the longest is about 150 characters);
# it is not matched against the patterns at all, so a hostile text cannot make the matching slow.
MAX_ITEM_LENGTH = 1000


def classify_target(text: str, *, reference: bool = False, sub: bool = False) -> TargetSpec:
    """The TargetSpec for one item's text (joined across wrapped lines, as published)."""
    text = text.strip()
    if len(text) > MAX_ITEM_LENGTH:
        spec = TargetSpec(name=text[:100], text=text, kind="count", comparison="none", needs_review=True)
        spec.review_note = f"指標の文が長すぎます（{len(text):,}文字）。本文を確認してください。"
        return spec
    if sub:
        m = _SUB_RE.match(text)
        inner = m.group("inner").strip() if m else text
        effort = inner.endswith(_EFFORT_SUFFIX)
        if effort:
            inner = inner[: -len(_EFFORT_SUFFIX)]
        match = _TARGET_RE.match(inner)
        spec = _numeric(match.group("name").strip(), text, match, reference=False) if match else None
        if spec is None:
            spec = _unreadable(text, name=inner)
        spec.is_effort_target = effort
        return spec

    match = _BENCHMARK_RE.match(text)
    if match:
        return _benchmark(text, match)
    match = _TARGET_RE.match(text)
    if match:
        return _numeric(match.group("name").strip(), text, match, reference=reference)
    if reference:
        match = _BASELINE_RE.search(text)
        if match:
            return TargetSpec(
                name=text,
                text=text,
                kind="baseline",
                unit="%" if re.search("比率|割合", text) else "",
                comparison="none",
                direction="higher" if match.group("dir") == "上回る" else "lower",
                frequency="annual",
            )
        if _MILESTONE_RE.search(text):
            return TargetSpec(name=text, text=text, kind="milestone", comparison="none")
        if _NO_TARGET_RE.search(text):
            return TargetSpec(
                name=text,
                text=text,
                kind="count_no_target",
                comparison="none",
                needs_review=True,
                review_note="目標値のない実績です。単位が本文にないので確認してください。",
            )
    return _unreadable(text)
