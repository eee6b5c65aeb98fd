"""Reads the plan's published text (fixtures/seed/r6_plan.txt) into headings, measures and intro paragraphs.

The output is the data of fixtures/plan_r6/measures.json; `python manage.py build_measures_fixture` writes it.

Rules the text follows (checked line by line against the seed):
- A chapter starts with a Roman numeral 「I.」…「X.」 (ASCII or the full-width Ⅱ, Ⅲ forms), a section with 「1.」.
- Headings are 「（１）」 or 「(1)」 (level 1) and 「①」 (level 2, under the preceding level-1 heading).
- Each 「・」 bullet (written 「- ・」, 「 - ・」, 「- ・ 」 or 「・」) is one measure. Source lines are wrapped: a line
  that is not a bullet or heading continues the bullet above it when it follows directly, or when it follows
  after blank lines and the bullet has not yet ended its sentence (no 「。」).
- 「○指標」 and 「上記の取組の実施に際して、以下を参考指標とする。」 open an indicator block: its bullets (and the
  ※ notes) are indicators, not measures. The block lasts until the next heading, section or chapter.
- Other paragraphs are intro text of the innermost open element (plan preamble, chapter, section, heading).
- The plan ends at the line 「以上」; the budget tables after it are read elsewhere.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
CHAPTER_RE = re.compile(r"^(X|IX|VIII|VII|VI|V|IV|III|II|I)\.\s*(\S.*)$")
SECTION_RE = re.compile(r"^(\d+)\.\s+(\S.*)$")
HEADING1_RE = re.compile(r"^([（(][0-9０-９]+[）)])\s*(\S.*)$")
HEADING2_RE = re.compile(r"^([①-⑳])\s*(\S.*)$")
BULLET_RE = re.compile(r"^(\s*)(?:-\s*)?・\s*(.*)$")
INDICATOR_BLOCK_MARKERS = ("○指標", "上記の取組の実施に際して、以下を参考指標とする。")
END_MARKER = "以上"
# A bullet ending like this introduces a list whose bullets are its sub-items (I-5 (3): なりわい再建…).
SUB_LIST_INTRO = "以下の事業に活用する。"
SENTENCE_ENDS = ("。",)


class SeedFormatError(ValueError):
    pass


@dataclass
class _Heading:
    order: int
    label: str
    title: str
    parent: int | None
    line: int
    intro: list[str] = field(default_factory=list)


@dataclass
class _Section:
    number: int
    title: str
    line: int
    intro: list[str] = field(default_factory=list)
    headings: list[_Heading] = field(default_factory=list)


@dataclass
class _Chapter:
    number: int
    numeral: str
    title: str
    line: int
    intro: list[str] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)


@dataclass
class _Measure:
    chapter: int
    section: int | None
    heading: int | None
    text: str
    is_sub_item: bool
    line: int


def _chapter_match(line: str):
    # NFKC turns the full-width Roman numerals (Ⅱ, Ⅲ) into ASCII; only used for detection.
    return CHAPTER_RE.match(unicodedata.normalize("NFKC", line.strip()))


def parse_plan_text(text: str) -> dict:
    """Parse the plan text into a dict: preamble, chapters (intro, sections, headings) and measures in order."""
    lines = text.splitlines()
    preamble: list[str] = []
    chapters: list[_Chapter] = []
    measures: list[_Measure] = []
    chapter = section = None
    heading_l1 = heading = None
    in_indicators = False
    current: _Measure | None = None  # the bullet that a continuation line may extend
    prev_blank = False
    sub_list_open = False
    started = False
    ended = False

    def intro_target() -> list[str]:
        if heading is not None:
            return heading.intro
        if section is not None:
            return section.intro
        if chapter is not None:
            return chapter.intro
        return preamble

    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            prev_blank = True
            continue
        if not started:
            # Lines before the first paragraph: title, dates and organization (kept in plan.json).
            if stripped.startswith("独立行政法人中小企業基盤整備機構"):
                started = True
            prev_blank = False
            continue
        if stripped == END_MARKER:
            ended = True
            break

        m = _chapter_match(stripped)
        if m and BULLET_RE.match(line) is None:
            numeral = m.group(1)
            # The title as published (NFKC would turn （ ） into ( )).
            title = stripped.split(".", 1)[1].strip()
            chapter = _Chapter(ROMAN[numeral], numeral, title, lineno)
            chapters.append(chapter)
            section = heading_l1 = heading = current = None
            in_indicators = sub_list_open = False
            prev_blank = False
            continue
        if chapter is not None:
            m = SECTION_RE.match(stripped)
            if m:
                section = _Section(int(m.group(1)), m.group(2).strip(), lineno)
                chapter.sections.append(section)
                heading_l1 = heading = current = None
                in_indicators = sub_list_open = False
                prev_blank = False
                continue
            m = HEADING1_RE.match(stripped) or HEADING2_RE.match(stripped)
            if m and section is not None:
                is_l2 = HEADING2_RE.match(stripped) is not None
                parent = heading_l1.order if (is_l2 and heading_l1 is not None) else None
                heading = _Heading(len(section.headings) + 1, m.group(1), m.group(2).strip(), parent, lineno)
                section.headings.append(heading)
                if not is_l2:
                    heading_l1 = heading
                current = None
                in_indicators = sub_list_open = False
                prev_blank = False
                continue
        if stripped in INDICATOR_BLOCK_MARKERS:
            in_indicators = True
            current = None
            prev_blank = False
            continue

        bullet = BULLET_RE.match(line)
        if bullet:
            prev_blank = False
            if in_indicators:
                current = None
                continue
            if chapter is None:
                raise SeedFormatError(f"{lineno}行目: 章の前に箇条書きがあります。")
            indented = bool(bullet.group(1))
            is_sub = indented or sub_list_open
            current = _Measure(
                chapter.number,
                section.number if section else None,
                heading.order if heading else None,
                bullet.group(2).strip(),
                is_sub,
                lineno,
            )
            measures.append(current)
            if not is_sub:
                sub_list_open = current.text.endswith(SUB_LIST_INTRO)
            continue

        if in_indicators:
            # Wrapped indicator lines, （上記のうち…） effort targets and ※ notes: not measures, not intro.
            prev_blank = False
            continue
        if stripped.startswith("※") or stripped.startswith("- ※"):
            prev_blank = False
            continue
        if current is not None and (not prev_blank or not current.text.endswith(SENTENCE_ENDS)):
            current.text += stripped
            prev_blank = False
            continue
        current = None
        intro_target().append(stripped)
        prev_blank = False

    if not ended:
        raise SeedFormatError("計画本文の終わり（「以上」の行）が見つかりません。")

    return {
        "preamble": "\n".join(preamble),
        "chapters": [
            {
                "number": ch.number,
                "numeral": ch.numeral,
                "title": ch.title,
                "intro": "\n".join(ch.intro),
                "sections": [
                    {
                        "number": sec.number,
                        "title": sec.title,
                        "intro": "\n".join(sec.intro),
                        "headings": [
                            {
                                "order": h.order,
                                "label": h.label,
                                "title": h.title,
                                "parent": h.parent,
                                "intro": "\n".join(h.intro),
                                "source_line": h.line,
                            }
                            for h in sec.headings
                        ],
                    }
                    for sec in ch.sections
                ],
            }
            for ch in chapters
        ],
        "measures": [
            {
                "order": i,
                "chapter": m.chapter,
                "section": m.section,
                "heading": m.heading,
                "text": m.text,
                "is_sub_item": m.is_sub_item,
                "source_line": m.line,
            }
            for i, m in enumerate(measures, start=1)
        ],
    }


def parse_plan_file(path: Path) -> dict:
    """Parse the seed file at `path` (UTF-8)."""
    return parse_plan_text(Path(path).read_text(encoding="utf-8"))
