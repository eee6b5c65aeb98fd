"""The 18 budget tables are stored cell for cell as published in the plan's text.

The seed is parsed here with its own small parser, independently of budgets/seed_tables.py and the fixture."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from budgets.models import Account, BudgetCell, BudgetColumn, BudgetRow, BudgetTable

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed" / "r6_plan.txt"
ACCOUNT_NAMES = [
    "一般勘定",
    "産業基盤整備勘定",
    "施設整備等勘定",
    "小規模企業共済勘定",
    "中小企業倒産防止共済勘定",
    "出資承継勘定",
]
KINDS = {"予算計画": "budget", "収支計画": "income", "資金計画": "cashflow"}


def nospace(text):
    return re.sub(r"\s+", "", text)


def seed_value(text):
    """「1,234」→ 1234, 「△ 346,114」→ -346114, 「-」→ None."""
    if text == "-":
        return None
    negative = text.startswith("△")
    value = Decimal(text.lstrip("△").strip().replace(",", ""))
    return -value if negative else value


def parse_seed():
    """{(kind, account, row_no, column_no): (row label, segment, ledger, value)} for every non-empty cell,
    plus the count of tables seen. row_no and column_no are 1-based positions in the published table."""
    lines = SEED.read_text(encoding="utf-8").split("\n")[488:938]
    cells, tables = {}, 0
    kind = account = None
    header = None
    row_no = 0
    for line in lines:
        for title, code in KINDS.items():
            if line.endswith("の" + title) and line.startswith("2024年度計画"):
                kind = code
        if line.strip().startswith("<"):
            account = nospace(line.strip("<> "))
            continue
        parts = line.split("\t")
        if parts[0] == "区 別":
            header, row_no, tables = [parts], 0, tables + 1
            continue
        if header is None:
            continue
        if not line.strip():
            header = None  # a blank line ends the table
            continue
        if row_no == 0 and parts[0] == "":
            header.append(parts)
            continue
        row_no += 1
        width = len(header[0]) - 1
        segment = ""
        for col in range(1, width + 1):
            seg_text = header[1][col].strip() if col < len(header[1]) else ""
            if seg_text:
                segment = nospace(seg_text)
            ledger = nospace(header[2][col]).strip("()") if len(header) == 3 and col < len(header[2]) else ""
            is_grand = col == width and width > 1 and any(nospace(h[-1]) == "合計" for h in header)
            text = parts[col].strip() if col < len(parts) else ""
            if not text:
                continue
            expected_column = ("", "合計") if is_grand else (segment, ledger)
            cells[(kind, account, row_no, col)] = (nospace(parts[0]), *expected_column, seed_value(text))
    return cells, tables


@pytest.fixture(scope="module")
def seed_cells():
    return parse_seed()


def stored_cells():
    result = {}
    for cell in BudgetCell.objects.select_related("row__table__account", "column"):
        table = cell.row.table
        key = (table.kind, table.account.name, cell.row.order, cell.column.order)
        result[key] = (cell.row.label, cell.column.segment, cell.column.ledger, cell.amount)
    return result


def test_the_seed_parser_sees_18_tables(seed_cells):
    cells, tables = seed_cells
    assert tables == 18
    assert {(k[0], k[1]) for k in cells} == {
        (kind, name) for kind in KINDS.values() for name in ACCOUNT_NAMES
    }


def test_every_published_cell_is_stored_with_its_value_row_column_account_and_kind(db, seed_cells):
    cells, _ = seed_cells
    stored = stored_cells()
    missing = {k: v for k, v in cells.items() if stored.get(k) != v}
    assert missing == {}
    assert len(cells) == 1276


def test_no_cell_is_stored_that_the_plan_does_not_publish(db, seed_cells):
    cells, _ = seed_cells
    extra = set(stored_cells()) - set(cells)
    assert extra == set()


def test_it_stores_18_tables_for_six_accounts_in_three_kinds(db):
    assert list(Account.objects.values_list("name", flat=True)) == ACCOUNT_NAMES
    assert BudgetTable.objects.filter(fiscal_year__year=2024).count() == 18
    for kind in KINDS.values():
        assert BudgetTable.objects.filter(kind=kind).count() == 6


def cell(kind, account, label, segment="", ledger="合計", occurrence=0):
    rows = BudgetRow.objects.filter(table__kind=kind, table__account__name=account, label=label).order_by(
        "order"
    )
    return BudgetCell.objects.get(row=rows[occurrence], column__segment=segment, column__ledger=ledger)


def test_spot_checks_read_by_hand_from_the_plan(db):
    # 一般勘定 予算計画 収入 計 合計: 415,095 (seed line 509).
    assert cell("budget", "一般勘定", "計").amount == Decimal("415095")
    # 支出 計 合計: 1,281,273 (line 518).
    assert cell("budget", "一般勘定", "計", occurrence=1).amount == Decimal("1281273")
    # 小規模企業共済勘定 借入金等 (調 整): 「△ 346,114」 (line 572).
    seg = "事業継続・経営体力強化支援業務"
    assert cell("budget", "小規模企業共済勘定", "借入金等", seg, "調整").amount == Decimal("-346114")
    # 施設整備等勘定 資金計画 資金支出: 9,038 (line 860), a table with a single column.
    only = BudgetCell.objects.get(
        row__table__kind="cashflow", row__table__account__name="施設整備等勘定", row__label="資金支出"
    )
    assert only.amount == Decimal("9038")
    # 「-」 is stored as no amount, not 0: 一般勘定 予算計画 その他支出 合計 (line 517).
    assert cell("budget", "一般勘定", "その他支出").amount is None
    # A published 0 stays 0: 施設整備等勘定 予算計画 貸付金利息 (line 550).
    zero = BudgetCell.objects.get(
        row__table__kind="budget", row__table__account__name="施設整備等勘定", row__label="貸付金利息"
    )
    assert zero.amount == Decimal("0")


def test_an_empty_published_cell_has_no_cell_at_all(db):
    # 収支計画 一般勘定 前中期目標期間繰越積立金取崩額 is empty under 経営環境変化対応支援業務 (復興経理) (line 668).
    row = BudgetRow.objects.get(
        table__kind="income", table__account__name="一般勘定", label="前中期目標期間繰越積立金取崩額"
    )
    ledgers = set(
        row.cells.filter(column__segment="経営環境変化対応支援業務").values_list("column__ledger", flat=True)
    )
    assert ledgers == {"一般経理", "合計"}
    # 臨時利益 is a heading with empty cells everywhere.
    heading = BudgetRow.objects.get(table__kind="income", table__account__name="一般勘定", label="臨時利益")
    assert heading.role == BudgetRow.Role.HEADING and heading.cells.count() == 0


def test_split_segment_names_are_normalised(db):
    segments = set(
        BudgetColumn.objects.filter(table__account__name="産業基盤整備勘定").values_list("segment", flat=True)
    )
    assert segments == {"スタートアップ創出・成長支援業務", "事業継続・経営体力強化支援業務", "共通", ""}


def test_rows_carry_hierarchy_role_and_parts(db):
    rows = {
        r.label: r
        for r in BudgetRow.objects.filter(
            table__kind="income", table__account__name="施設整備等勘定"
        ).select_related("parent")
    }
    assert rows["収益の部"].role == "total"  # carries figures here (1,013), unlike in 産業基盤整備勘定
    assert rows["経常費用"].parent.label == "費用の部" and rows["業務経費"].parent.label == "経常費用"
    assert rows["貸倒引当金戻入益"].parent.label == "臨時利益" and rows["貸倒引当金戻入益"].level == 2
    by_order = {r.order: r.label for r in rows.values()}
    net = [(by_order[o], s) for o, s in rows["純利益(△純損失)"].parts]
    assert net == [("経常収益", 1), ("貸倒引当金戻入益", 1), ("経常費用", -1)]
    assert BudgetRow.objects.get(
        table__kind="income", table__account__name="産業基盤整備勘定", label="収益の部"
    ).role == ("heading")


def test_budget_columns_are_assigned_to_departments_for_execution(db):
    columns = BudgetColumn.objects.filter(
        table__kind="budget", table__account__name="一般勘定"
    ).select_related("department")
    assert {c.segment: c.department.code for c in columns if c.segment} == {
        "地域牽引・成長志向企業支援業務": "keiei-shien",
        "新市場開拓支援業務": "hanro-shien",
        "スタートアップ創出・成長支援業務": "sogyo-venture",
        "事業継続・経営体力強化支援業務": "shokei-saisei",
        "経営環境変化対応支援業務": "jinzai",
        "共通": "zaimu",
    }
    assert not BudgetColumn.objects.filter(table__kind="income", department__isnull=False).exists()


def test_loading_again_changes_nothing_and_never_duplicates(db):
    before = stored_cells()
    counts = (BudgetTable.objects.count(), BudgetRow.objects.count(), BudgetColumn.objects.count())
    call_command("load_plan", verbosity=0)
    assert stored_cells() == before
    assert (BudgetTable.objects.count(), BudgetRow.objects.count(), BudgetColumn.objects.count()) == counts


def test_loading_again_restores_a_changed_figure_in_place(db):
    target = cell("budget", "一般勘定", "計")
    target.amount = Decimal("1")
    target.save()
    call_command("load_plan", verbosity=0)
    target.refresh_from_db()
    assert target.amount == Decimal("415095")
    assert BudgetCell.objects.filter(row=target.row, column=target.column).count() == 1


def test_the_fixture_is_what_the_generator_builds_from_the_seed():
    from budgets import seed_tables

    assert seed_tables.main(["--check"]) == 0
