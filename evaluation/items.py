"""評価項目: the units the year-end self-evaluation is written for (docs/domain.md「1年の流れ」).

Each pillar of chapter I is one item ("1-1" … "1-5"); each of chapters II–X that has something to evaluate (a
measure or an indicator) is one item ("2", "3", "5" …). Chapter IV holds only the budget tables, which are
published figures rather than measures, so it has no item.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from measures.models import Chapter, PlanDocument, Section


@dataclass(frozen=True)
class EvaluationItem:
    code: str  # "1-1" for pillar 1 of chapter I, "2" for chapter II; used in URLs and file names
    chapter: Chapter
    section: Section | None

    @property
    def is_pillar(self) -> bool:
        return self.section is not None

    @property
    def label(self) -> str:
        """「I-1 地域牽引・成長志向の中小企業への支援」, 「II 業務運営の効率化に関する…」."""
        if self.section is not None:
            return f"{self.chapter.numeral}-{self.section.number} {self.section.title}"
        return f"{self.chapter.numeral} {self.chapter.title}"

    @property
    def short_label(self) -> str:
        if self.section is not None:
            return f"{self.chapter.numeral}-{self.section.number}（柱{self.section.number}）"
        return f"{self.chapter.numeral}章"

    def measure_filter(self) -> Q:
        return Q(section=self.section) if self.section is not None else Q(chapter=self.chapter)

    def indicator_filter(self) -> Q:
        return Q(section=self.section) if self.section is not None else Q(section__chapter=self.chapter)


def evaluation_item_list(*, plan: PlanDocument) -> list[EvaluationItem]:
    """The plan's 評価項目 in the plan's order (2 queries)."""
    chapters = list(
        Chapter.objects.filter(plan=plan)
        .annotate(
            n_measures=Count("measures", distinct=True),
            n_indicators=Count("sections__indicators", distinct=True),
        )
        .order_by("number")
    )
    pillars = list(Section.objects.filter(chapter__plan=plan, chapter__number=1).order_by("number"))
    items: list[EvaluationItem] = []
    for chapter in chapters:
        if chapter.number == 1:
            for section in pillars:
                section.chapter = chapter
                items.append(EvaluationItem(code=f"1-{section.number}", chapter=chapter, section=section))
        elif chapter.n_measures or chapter.n_indicators:
            items.append(EvaluationItem(code=str(chapter.number), chapter=chapter, section=None))
    return items


def evaluation_item_get(*, plan: PlanDocument, code: str) -> EvaluationItem:
    """The item with that code, or 404 (an unknown or malformed code from the URL)."""
    for item in evaluation_item_list(plan=plan):
        if item.code == code:
            return item
    raise Http404("評価項目が見つかりません。")


def evaluation_item_of(*, chapter: Chapter, section: Section | None) -> EvaluationItem:
    """The item a measure or an indicator belongs to (its pillar in chapter I, else its chapter)."""
    if chapter.number == 1 and section is not None:
        return EvaluationItem(code=f"1-{section.number}", chapter=chapter, section=section)
    return EvaluationItem(code=str(chapter.number), chapter=chapter, section=None)
