"""What each room still has open in a quarter, for the 締め confirmation (docs/domain.md「提出状況と締め」).

The quarter lock is shared: closing a quarter closes the indicators' actuals, the budget execution and the
measures' 取組状況 alike. The lock view (in `indicators`) may not import the rooms above or beside it, so each
room registers here, in its AppConfig.ready(), a function listing its items of a quarter that are not approved
yet; the confirmation page shows them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OpenItem:
    """One line of the confirmation: what it is, whose it is, and how many of its entries are in each state
    that is not approved (state label → count)."""

    label: str
    department: str
    counts: tuple[tuple[str, int], ...]
    url: str = ""


@dataclass
class OpenWork:
    """One room's open items of the quarter (e.g. 予算の執行額), under its heading."""

    title: str
    items: list[OpenItem] = field(default_factory=list)


_SOURCES: list[Callable] = []


def register(source: Callable) -> Callable:
    """`source(fiscal_year=…, quarter=…) -> OpenWork`; registering twice is harmless."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def open_work(*, fiscal_year, quarter: int) -> list[OpenWork]:
    """Every registered room's open items of the quarter, those with none left out."""
    work = [source(fiscal_year=fiscal_year, quarter=quarter) for source in _SOURCES]
    return [w for w in work if w.items]
