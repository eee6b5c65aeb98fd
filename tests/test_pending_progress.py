"""Unapproved is not zero (docs/domain.md「年度途中の進捗」): an indicator whose 第3四半期 waits for approval is
shown as 承認待ち on every page and in the workbook, with figures as of its last approved quarter.

Hand-computed, as of 第3四半期 (2-1's approved Q3 moves the as-of quarter there):
- 1-1 (1,000社以上, count): Q1 300 + Q2 200 approved, Q3 250 submitted → as of Q2: 500社, 達成率 50.0 %,
  pace 1,000×2/4 = 500 → 100.0 %, forecast 500×4/2 = 1,000社 → 100.0 % → B（見込み）.
  (Counting Q3 as 0 gave 500/750 = 66.7 % 遅れ and 667社 → 66.7 % → D（見込み）.)
- 1-3 (70%以上, ratio): Q1 14/20 + Q2 30/40 approved, Q3 5/40 submitted → 44/60 = 73.3 %, 達成率 104.8 %, B（見込み）.
- 2-1 (10,000件以上, count): Q1–Q3 2,500 each approved → 7,500件, 75.0 %, pace 7,500 → 100.0 % 順調, not pending.
"""

import io
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Actual, Indicator
from indicators.progress import Status
from measures.models import FiscalYear
from reports.workbook import export_context_build, workbook_write


def ind(code) -> Indicator:
    return Indicator.objects.get(code=code, plan__fiscal_year__year=2024)


def add(code, quarter, state="approved", **figures):
    return Actual.objects.create(
        indicator=ind(code),
        fiscal_year=FiscalYear.objects.get(year=2024),
        quarter=quarter,
        state=state,
        **{k: D(v) for k, v in figures.items()},
    )


@pytest.fixture
def q3_waiting(db):
    add("1-1", 1, value="300")
    add("1-1", 2, value="200")
    add("1-1", 3, state="submitted", value="250")
    add("1-3", 1, numerator="14", denominator="20")
    add("1-3", 2, numerator="30", denominator="40")
    add("1-3", 3, state="submitted", numerator="5", denominator="40")
    for q in (1, 2, 3):
        add("2-1", q, value="2500")


def cells(content: str, code: str) -> list[str]:
    match = re.search(rf'<tr[^>]*data-code="{re.escape(code)}"[^>]*>(.*?)</tr>', content, re.S)
    assert match, f"row {code} not found"
    tds = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", td)).strip() for td in tds]


def test_overview_shows_waiting_rows_as_pending_with_figures_of_the_approved_quarters(
    manager_client, q3_waiting
):
    content = manager_client.get(reverse("dashboard:overview")).content.decode()
    assert "第3四半期時点" in content
    row = cells(content, "1-1")
    assert row[4].startswith("500社")
    assert row[5] == "50.0%"
    assert row[6] == "100.0% （500）"
    assert row[7] == "承認待ち 第3四半期が承認待ち（第2四半期までの承認済みの値で計算）"
    assert row[8] == "1,000社 （予測 100.0%）"
    assert row[9] == "B（見込み）"
    ratio = cells(content, "1-3")
    assert ratio[4].startswith("73.3%") and ratio[5] == "104.8%"
    assert ratio[7].startswith("承認待ち") and ratio[9] == "B（見込み）"
    other = cells(content, "2-1")
    assert other[4] == "7,500件" and other[5] == "75.0%" and other[6] == "100.0% （7,500）"
    assert other[7] == "順調"


def test_pillar_counts_pending_apart_from_behind(manager_client, q3_waiting):
    response = manager_client.get(reverse("dashboard:pillar", args=[2024, 1]))
    content = response.content.decode()
    assert cells(content, "1-1")[6].startswith("承認待ち")
    assert cells(content, "1-3")[6].startswith("承認待ち")
    overview = manager_client.get(reverse("dashboard:overview")).context["overview"]
    pillar1 = next(p for p in overview.pillars if p.section.number == 1)
    assert pillar1.counts[Status.PENDING] == 2
    assert pillar1.counts[Status.BEHIND] == 0
    assert pillar1.counts[Status.NO_DATA] == 1  # 1-2 (annual benchmark) has nothing yet
    pillar2 = next(p for p in overview.pillars if p.section.number == 2)
    assert pillar2.counts[Status.ON_TRACK] == 1 and pillar2.counts[Status.PENDING] == 0


def test_indicator_page_says_which_quarter_waits_and_paces_on_the_approved_ones(manager_client, q3_waiting):
    response = manager_client.get(reverse("dashboard:indicator", args=[ind("1-1").pk]) + "?q=3")
    content = response.content.decode()
    progress = response.context["detail"].progress
    assert progress.status == Status.PENDING and progress.pace_rate == D("100.0")
    assert "ペース（目標×2/4）" in content
    assert "第3四半期が承認待ち（第2四半期までの承認済みの値で計算）" in content
    assert re.search(r'data-figure="status".*?承認待ち', content, re.S)


@pytest.mark.django_db
def test_the_workbook_indicator_sheet_says_pending_with_the_same_figures(q3_waiting):
    ctx = export_context_build(year=2024, quarter=3, include_drafts=False, exported_by="kansa")
    buffer = io.BytesIO()
    workbook_write(ctx=ctx, output=buffer)
    buffer.seek(0)
    ws = load_workbook(buffer)["指標"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value in ("1-1", "1-3", "2-1")}
    one = rows["1-1"]
    assert D(str(one[10].value)) == D("500") and D(str(one[11].value)) == D("50.0")
    assert one[12].value == "承認待ち"
    assert D(str(one[13].value)) == D("1000") and one[14].value == "B（見込み）"
    assert "第3四半期が承認待ち（第2四半期までの承認済みの値で計算）" in one[19].value
    assert rows["1-3"][12].value == "承認待ち" and D(str(rows["1-3"][11].value)) == D("104.8")
    assert rows["2-1"][12].value == "順調" and D(str(rows["2-1"][10].value)) == D("7500")
