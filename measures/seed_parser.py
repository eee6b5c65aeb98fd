"""Reads a 年度計画 in its published text form (fixtures/seed/r6_plan.txt is FY2024's) into its parts.

`read_plan_text` returns everything the text says: the header (title, 策定/変更 dates, organization), the
preamble, chapters, sections, headings, every measure, the raw ○指標 / 参考指標 items (classified by
indicators/target_text.py), the lines after 「以上」 (the budget tables, read by budgets/seed_tables.py) and every
line it could not place. `parse_plan_text` gives the part that fixtures/plan_r6/measures.json holds;
`python manage.py build_measures_fixture` writes it.

Rules the text follows (checked line by line against the seed; none of them names a line number or a wording
particular to one year):
- The header: a title 「令和N年度計画」, dates 「令和N年M月D日策定」 / 「…変更」, then the organization.
- A chapter starts with a Roman numeral 「I.」…「X.」 (ASCII or the full-width Ⅱ, Ⅲ forms), a section with 「1.」
  (full-width 「１．」 too).
- Headings are 「（１）」 or 「(1)」 (level 1) and 「①」 (level 2, under the preceding level-1 heading).
- Each 「・」 bullet (written 「- ・」, 「 - ・」, 「- ・ 」 or 「・」) is one measure. Source lines are wrapped: a line
  that is not a bullet or heading continues the bullet above it when it follows directly, or when it follows
  after blank lines and the bullet has not yet ended its sentence (no 「。」).
- 「○指標」 and 「…以下を参考指標とする。」 open an indicator block: its bullets are indicators, 「（上記のうち…）」
  lines are sub-targets of the indicator above, 「※」 lines are notes. The block lasts until the next heading,
  section or chapter.
- Other paragraphs are intro text of the innermost open element (plan preamble, chapter, section, heading).
- The plan ends at the line 「以上」; the budget tables come after it.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
CHAPTER_RE = re.compile(r"^(X|IX|VIII|VII|VI|V|IV|III|II|I)\.\s*(\S.*)$")
# 「1. 項目」, or 「１．項目」 without the space (a wrapped 「1.05%…」 is not a section: a digit follows the dot).
SECTION_RE = re.compile(r"^(\d+)\.(?:\s+|(?=[^\d\s]))(\S.*)$")
HEADING1_RE = re.compile(r"^([（(][0-9０-９]+[）)])\s*(\S.*)$")
HEADING2_RE = re.compile(r"^([①-⑳])\s*(\S.*)$")
BULLET_RE = re.compile(r"^(\s*)(?:-\s*)?・\s*(.*)$")
MAIN_BLOCK_RE = re.compile(r"^[○〇◯]\s*指標$")
REFERENCE_BLOCK_RE = re.compile(r"以下を参考指標とする。?$")
SUB_TARGET_RE = re.compile(r"^[（(]上記のうち")
NOTE_RE = re.compile(r"^(?:-\s*)?(※.*)$")
TITLE_RE = re.compile(r"^(令和|平成)(\d+|元)年度計画$")
DATE_RE = re.compile(r"^(令和|平成)(\d+|元)年(\d+)月(\d+)日(策定|変更)$")
ERA_OFFSET = {"令和": 2018, "平成": 1988}
END_MARKER = "以上"
# A bullet ending like this introduces a list whose bullets are its sub-items (I-5 (3): なりわい再建…).
SUB_LIST_INTRO = "以下の事業に活用する。"
SENTENCE_ENDS = ("。",)
# An indicator item whose text ends like this is complete; a later line after a blank is not its continuation.
ITEM_ENDS = ("。", "）", ")")


class SeedFormatError(ValueError):
    pass


def nfkc(text: str) -> str:
    """Full-width digits, letters and Roman numerals as ASCII (for detection; stored text stays as published)."""
    return unicodedata.normalize("NFKC", text)


def _era_year(era: str, number: str) -> int:
    return ERA_OFFSET[era] + (1 if number == "元" else int(number))


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
    source_numeral: str
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


@dataclass
class IndicatorItem:
    """One ○指標 or 参考指標 item as written: its joined text, where it sits, and the ※ notes about it."""

    chapter: int
    section: int | None
    line: int
    text: str
    reference: bool
    sub: bool
    notes: list[str] = field(default_factory=list)


@dataclass
class PlanText:
    """Everything read from a plan's text. `unplaced` lists (line number, text, why) for lines no rule placed."""

    title: str
    fiscal_year: int | None
    organization: str
    revisions: list[dict]
    preamble: list[str]
    chapters: list[_Chapter]
    measures: list[_Measure]
    indicators: list[IndicatorItem]
    tail: list[tuple[int, str]]  # (line number, line) after 「以上」: the budget tables
    unplaced: list[tuple[int, str, str]]


def _chapter_match(line: str):
    # NFKC turns the full-width Roman numerals (Ⅱ, Ⅲ) into ASCII; only used for detection.
    return CHAPTER_RE.match(nfkc(line.strip()))


def _after_number(stripped: str) -> str:
    """The title after 「I.」, 「Ⅱ.」, 「1.」 or 「１．」 as published (NFKC would turn （ ） into ( ))."""
    return re.split(r"[.．]", stripped, maxsplit=1)[1].strip()


def _read_header(lines: list[str]) -> tuple[dict, int]:
    """Title, 策定/変更 dates and organization from the lines before the first paragraph.

    Returns the header and the index of the first line after it."""
    header = {"title": "", "fiscal_year": None, "organization": "", "revisions": []}
    for index, raw in enumerate(lines):
        stripped = raw.strip()
        if not stripped:
            continue
        plain = nfkc(stripped)
        m = TITLE_RE.match(plain)
        if m and not header["title"]:
            header["title"] = stripped
            header["fiscal_year"] = _era_year(m.group(1), m.group(2))
            continue
        m = DATE_RE.match(plain)
        if m:
            year = _era_year(m.group(1), m.group(2))
            try:
                date = dt.date(year, int(m.group(3)), int(m.group(4)))
            except ValueError as exc:
                raise SeedFormatError(f"{index + 1}行目: 日付「{stripped}」は存在しない日付です。") from exc
            kind = "adopted" if m.group(5) == "策定" else "amended"
            header["revisions"].append({"kind": kind, "date": date.isoformat(), "source": stripped})
            continue
        # The first other line closes the header: the organization that publishes the plan.
        header["organization"] = stripped
        return header, index + 1
    raise SeedFormatError("計画本文がありません（表題・日付・法人名の後に本文が続くこと）。")


def read_plan_text(text: str) -> PlanText:
    """Read a plan's text into its parts (see the module docstring for the rules)."""
    lines = text.splitlines()
    header, first = _read_header(lines)
    preamble: list[str] = []
    chapters: list[_Chapter] = []
    measures: list[_Measure] = []
    items: list[IndicatorItem] = []
    unplaced: list[tuple[int, str, str]] = []
    chapter = section = None
    heading_l1 = heading = None
    block: str | None = None  # "main" or "reference" inside an indicator block
    current: _Measure | None = None  # the bullet that a continuation line may extend
    item: IndicatorItem | None = None  # the indicator item that a continuation line may extend
    prev_blank = False
    sub_list_open = False
    end_line = None

    def intro_target() -> list[str]:
        if heading is not None:
            return heading.intro
        if section is not None:
            return section.intro
        if chapter is not None:
            return chapter.intro
        return preamble

    def close_block():
        nonlocal block, item, current, sub_list_open
        block = item = current = None
        sub_list_open = False

    for lineno, raw in enumerate(lines[first:], start=first + 1):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            prev_blank = True
            continue
        if stripped == END_MARKER:
            end_line = lineno
            break

        m = _chapter_match(stripped)
        if m and BULLET_RE.match(line) is None:
            numeral = m.group(1)
            chapter = _Chapter(ROMAN[numeral], numeral, stripped.split(".")[0].strip(), "", lineno)
            chapter.title = _after_number(stripped)
            chapters.append(chapter)
            section = heading_l1 = heading = None
            close_block()
            prev_blank = False
            continue
        if chapter is not None:
            m = SECTION_RE.match(nfkc(stripped))
            if m and BULLET_RE.match(line) is None:
                section = _Section(int(m.group(1)), _after_number(stripped), lineno)
                chapter.sections.append(section)
                heading_l1 = heading = None
                close_block()
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
                close_block()
                prev_blank = False
                continue
        if MAIN_BLOCK_RE.match(nfkc(stripped)) or REFERENCE_BLOCK_RE.search(stripped):
            if chapter is None:
                unplaced.append((lineno, stripped, "章より前の指標ブロック"))
            block = "reference" if REFERENCE_BLOCK_RE.search(stripped) else "main"
            item = current = None
            prev_blank = False
            continue

        bullet = BULLET_RE.match(line)
        if block is not None and chapter is not None:
            note = NOTE_RE.match(stripped)
            if bullet or SUB_TARGET_RE.match(stripped):
                sub = bullet is None
                text_ = bullet.group(2).strip() if bullet else stripped
                item = IndicatorItem(
                    chapter.number,
                    section.number if section else None,
                    lineno,
                    text_,
                    block == "reference",
                    sub,
                )
                items.append(item)
            elif note:
                # A ※ note belongs to the nearest item above that carries a ※ mark, else to the item above.
                target = next((i for i in reversed(items) if "※" in i.text and not i.sub), None) or item
                if target is None or target.chapter != chapter.number:
                    unplaced.append((lineno, stripped, "指標のない※注記"))
                else:
                    target.notes.append(note.group(1).strip())
                    item = None
            elif item is not None and (not prev_blank or not item.text.endswith(ITEM_ENDS)):
                item.text += stripped
            else:
                unplaced.append((lineno, stripped, "指標ブロックの中で指標の続きでも※注記でもない行"))
            prev_blank = False
            continue

        if bullet:
            prev_blank = False
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

        if NOTE_RE.match(stripped):
            unplaced.append((lineno, stripped, "指標ブロックの外の※注記"))
            prev_blank = False
            continue
        if current is not None and (not prev_blank or not current.text.endswith(SENTENCE_ENDS)):
            current.text += stripped
            prev_blank = False
            continue
        current = None
        intro_target().append(stripped)
        prev_blank = False

    if end_line is None:
        raise SeedFormatError("計画本文の終わり（「以上」の行）が見つかりません。")

    tail = [(n, raw.rstrip("\r")) for n, raw in enumerate(lines[end_line:], start=end_line + 1)]
    return PlanText(
        title=header["title"],
        fiscal_year=header["fiscal_year"],
        organization=header["organization"],
        revisions=header["revisions"],
        preamble=preamble,
        chapters=chapters,
        measures=measures,
        indicators=items,
        tail=tail,
        unplaced=unplaced,
    )


def plan_structure(parsed: PlanText) -> dict:
    """The data of fixtures/plan_r6/plan.json: year, title, organization, revisions, chapters and sections."""
    return {
        "fiscal_year": parsed.fiscal_year,
        "title": parsed.title,
        "organization": parsed.organization,
        "revisions": parsed.revisions,
        "chapters": [
            {
                "number": ch.number,
                "numeral": ch.numeral,
                "source_numeral": ch.source_numeral,
                "title": ch.title,
                "sections": [{"number": sec.number, "title": sec.title} for sec in ch.sections],
            }
            for ch in parsed.chapters
        ],
    }


def plan_measures(parsed: PlanText) -> dict:
    """The data of fixtures/plan_r6/measures.json: preamble, intro paragraphs, headings and measures."""
    return {
        "preamble": "\n".join(parsed.preamble),
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
            for ch in parsed.chapters
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
            for i, m in enumerate(parsed.measures, start=1)
        ],
    }


def parse_plan_text(text: str) -> dict:
    """Parse the plan text into a dict: preamble, chapters (intro, sections, headings) and measures in order."""
    return plan_measures(read_plan_text(text))


def parse_plan_file(path: Path) -> dict:
    """Parse the seed file at `path` (UTF-8)."""
    return parse_plan_text(Path(path).read_text(encoding="utf-8"))
