"""What one export is about: the fiscal year, the as-of quarter, whether drafts count, who asked and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from measures.models import FiscalYear, PlanDocument
from measures.periods import fiscal_year_label, quarter_long_label
from smrj_plan import formatting


@dataclass(frozen=True)
class ExportContext:
    fiscal_year: FiscalYear
    plan: PlanDocument
    quarter: int
    include_drafts: bool
    exported_by: str
    exported_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def year(self) -> int:
        return self.fiscal_year.year

    @property
    def year_label(self) -> str:
        return fiscal_year_label(self.year)

    @property
    def quarter_label(self) -> str:
        return f"{quarter_long_label(self.quarter)}末時点"

    @property
    def scope_label(self) -> str:
        if self.include_drafts:
            return "下書き・提出済みを含む（未承認の値を含みます）"
        return "承認済みの値のみ"

    @property
    def exported_at_label(self) -> str:
        return f"{formatting.wareki_datetime(timezone.localtime(self.exported_at))}（日本時間）"
