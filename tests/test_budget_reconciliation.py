"""The reconciliation of the 18 tables: every published total that is not the sum of its parts.

The pinned list is what the plan's figures give. All of them are within the rounding tolerance (端数差異); the
plan itself warns 「※端数処理の関係で合計が合わないことがある。」"""

from decimal import Decimal

import pytest

from budgets.models import BudgetColumn, BudgetRow
from budgets.selectors import (
    ROUNDING_TOLERANCE,
    BudgetGrid,
    GridCell,
    GridColumn,
    GridRow,
    budget_reconciliation_list,
    grid_reconciliation,
)

# (kind, 勘定, row, column, check, published, computed, published − computed). Published None is 「-」.
# Checked by hand against the seed (fixtures/seed/r6_plan.txt):
# - 予算計画 一般勘定 計 (収入) 合計, line 509: 3,000 + 360,925 + 120 + 169 + 47,868 + 307 + 2,287 + 200 + 60 + 158
#   = 415,094, published 415,095 → +1. Along the row: 103,088 + 2,424 + 18,095 + 35,489 + 255,643 + 355 = 415,094.
# - 予算計画 一般勘定 貸付等回収金 合計, line 503: 12,517 + 28,969 + 6,383 = 47,869, published 47,868 → −1.
# - 予算計画 一般勘定 支出 計 経営環境変化対応支援業務（合計）, line 518: 1,118,491 + 60 + 385 + 147 = 1,119,083,
#   published 1,119,085 → +2 (the largest difference in the plan, still 端数差異).
# - 収支計画 中小企業倒産防止共済勘定 純利益 基金経理, lines 760–780: 446,482 + 2,775 − 449,258 = −1, published 「-」.
# - 資金計画 産業基盤整備勘定 資金収入 合計, lines 845–850: 136 + 5,760 + 7 = 5,903, published 5,904 → +1.
PINNED = [
    ("budget", "ippan", "貸付等回収金", "合計", "column", 47868, 47869, -1),
    ("budget", "ippan", "計", "事業継続・経営体力強化支援業務（一般経理）", "row", 13541, 13542, -1),
    ("budget", "ippan", "計", "事業継続・経営体力強化支援業務（合計）", "row", 35489, 35490, -1),
    ("budget", "ippan", "計", "合計", "row", 415095, 415094, 1),
    ("budget", "ippan", "計", "合計", "column", 415095, 415094, 1),
    ("budget", "ippan", "業務経費", "合計", "column", 1238342, 1238341, 1),
    ("budget", "ippan", "一般管理費", "経営環境変化対応支援業務（合計）", "column", 385, 386, -1),
    ("budget", "ippan", "計", "事業継続・経営体力強化支援業務（合計）", "row", 25834, 25835, -1),
    ("budget", "ippan", "計", "経営環境変化対応支援業務（合計）", "row", 1119085, 1119083, 2),
    ("budget", "ippan", "計", "事業継続・経営体力強化支援業務（合計）", "column", 25834, 25835, -1),
    ("budget", "ippan", "計", "経営環境変化対応支援業務（合計）", "column", 1119085, 1119084, 1),
    ("budget", "sangyo-kiban", "業務収入", "合計", "column", 98, 97, 1),
    ("budget", "sangyo-kiban", "計", "合計", "row", 136, 137, -1),
    (
        "budget",
        "shokibo-kyosai",
        "計",
        "事業継続・経営体力強化支援業務（給付経理）",
        "row",
        1284725,
        1284724,
        1,
    ),
    ("budget", "shokibo-kyosai", "計", "合計", "row", 1595835, 1595834, 1),
    ("budget", "shokibo-kyosai", "業務経費", "合計", "column", 580292, 580291, 1),
    ("budget", "shokibo-kyosai", "支払利息", "合計", "column", 1115, 1114, 1),
    (
        "budget",
        "shokibo-kyosai",
        "計",
        "事業継続・経営体力強化支援業務（融資経理）",
        "row",
        1001272,
        1001271,
        1,
    ),
    ("budget", "shokibo-kyosai", "計", "合計", "row", 1234034, 1234035, -1),
    ("budget", "tosan-boshi", "その他収入", "合計", "column", 85, 84, 1),
    ("budget", "tosan-boshi", "計", "合計", "row", 821696, 821697, -1),
    ("budget", "tosan-boshi", "計", "事業継続・経営体力強化支援業務（基金経理）", "row", 572640, 572641, -1),
    ("budget", "tosan-boshi", "計", "合計", "row", 574483, 574484, -1),
    ("income", "ippan", "経常費用", "スタートアップ創出・成長支援業務（一般経理）", "row", 2994, 2993, 1),
    ("income", "ippan", "経常費用", "事業継続・経営体力強化支援業務（一般経理）", "row", 10116, 10117, -1),
    ("income", "ippan", "経常費用", "事業継続・経営体力強化支援業務（特定出資経理）", "row", 117, 116, 1),
    ("income", "ippan", "経常費用", "経営環境変化対応支援業務（合計）", "row", 1119067, 1119066, 1),
    ("income", "ippan", "経常費用", "合計", "column", 1240382, 1240383, -1),
    ("income", "ippan", "減価償却費", "合計", "column", 762, 761, 1),
    ("income", "ippan", "その他の費用", "経営環境変化対応支援業務（合計）", "column", 10, 11, -1),
    ("income", "ippan", "収益の部", "合計", "row", 1242824, 1242823, 1),
    ("income", "ippan", "収益の部", "合計", "column", 1242824, 1242823, 1),
    ("income", "ippan", "経常収益", "地域牽引・成長志向企業支援業務（一般経理）", "row", 103097, 103098, -1),
    ("income", "ippan", "経常収益", "経営環境変化対応支援業務（一般経理）", "row", 1116993, 1116992, 1),
    ("income", "ippan", "経常収益", "経営環境変化対応支援業務（復興経理）", "row", 219, 218, 1),
    ("income", "ippan", "経常収益", "経営環境変化対応支援業務（合計）", "row", 1117212, 1117210, 2),
    ("income", "ippan", "資産見返補助金等戻入", "合計", "column", 80, 79, 1),
    ("income", "ippan", "出資金収益", "合計", "column", 6135, 6136, -1),
    ("income", "ippan", "賞与引当金見返に係る収益", "合計", "column", 475, 474, 1),
    (
        "income",
        "ippan",
        "純利益(△純損失)",
        "地域牽引・成長志向企業支援業務（一般経理）",
        "row",
        -943,
        -944,
        1,
    ),
    (
        "income",
        "ippan",
        "純利益(△純損失)",
        "スタートアップ創出・成長支援業務（一般経理）",
        "row",
        3883,
        3882,
        1,
    ),
    ("income", "ippan", "純利益(△純損失)", "合計", "column", 2441, 2442, -1),
    ("income", "ippan", "前中期目標期間繰越積立金取崩額", "合計", "column", 446, 447, -1),
    (
        "income",
        "ippan",
        "総利益(△総損失)",
        "スタートアップ創出・成長支援業務（一般経理）",
        "row",
        3889,
        3890,
        -1,
    ),
    ("income", "ippan", "総利益(△総損失)", "合計", "row", 2888, 2887, 1),
    ("income", "sangyo-kiban", "経常費用", "スタートアップ創出・成長支援業務", "row", 878, 879, -1),
    ("income", "sangyo-kiban", "引当金繰入", "合計", "column", 1031, 1032, -1),
    ("income", "sangyo-kiban", "経常収益", "合計", "column", 133, 132, 1),
    ("income", "sangyo-kiban", "事業収入", "合計", "column", 94, 93, 1),
    ("income", "sangyo-kiban", "純利益(△純損失)", "合計", "row", -1004, -1003, -1),
    ("income", "sangyo-kiban", "総利益(△総損失)", "合計", "row", -981, -982, 1),
    ("income", "sangyo-kiban", "総利益(△総損失)", "合計", "column", -981, -982, 1),
    (
        "income",
        "shokibo-kyosai",
        "経常費用",
        "事業継続・経営体力強化支援業務（業務等経理）",
        "row",
        9183,
        9182,
        1,
    ),
    ("income", "shokibo-kyosai", "経常費用", "合計", "row", 973772, 973773, -1),
    ("income", "shokibo-kyosai", "業務経費", "合計", "column", 973302, 973301, 1),
    ("income", "shokibo-kyosai", "一般管理費", "合計", "column", 158, 157, 1),
    ("income", "shokibo-kyosai", "減価償却費", "合計", "column", 311, 310, 1),
    ("income", "shokibo-kyosai", "その他の費用", "合計", "column", 2, 3, -1),
    (
        "income",
        "shokibo-kyosai",
        "経常収益",
        "事業継続・経営体力強化支援業務（融資経理）",
        "row",
        4370,
        4369,
        1,
    ),
    ("income", "shokibo-kyosai", "経常収益", "合計", "row", 918363, 918361, 2),
    ("income", "shokibo-kyosai", "経常収益", "合計", "column", 918363, 918362, 1),
    ("income", "shokibo-kyosai", "純利益(△純損失)", "合計", "row", -55410, -55409, -1),
    (
        "income",
        "tosan-boshi",
        "経常費用",
        "事業継続・経営体力強化支援業務（業務等経理）",
        "row",
        10709,
        10710,
        -1,
    ),
    ("income", "tosan-boshi", "経常費用", "合計", "row", 451247, 451248, -1),
    (
        "income",
        "tosan-boshi",
        "収益の部",
        "事業継続・経営体力強化支援業務（基金経理）",
        "row",
        449258,
        449257,
        1,
    ),
    (
        "income",
        "tosan-boshi",
        "経常収益",
        "事業継続・経営体力強化支援業務（基金経理）",
        "row",
        446482,
        446483,
        -1,
    ),
    ("income", "tosan-boshi", "経常収益", "合計", "column", 447925, 447924, 1),
    (
        "income",
        "tosan-boshi",
        "純利益(△純損失)",
        "事業継続・経営体力強化支援業務（基金経理）",
        "row",
        None,
        -1,
        1,
    ),
    ("cashflow", "ippan", "資金支出", "事業継続・経営体力強化支援業務（一般経理）", "row", 17722, 17721, 1),
    (
        "cashflow",
        "ippan",
        "資金支出",
        "事業継続・経営体力強化支援業務（特定出資経理）",
        "row",
        23632,
        23631,
        1,
    ),
    ("cashflow", "ippan", "資金支出", "事業継続・経営体力強化支援業務（合計）", "row", 41354, 41353, 1),
    ("cashflow", "ippan", "資金支出", "経営環境変化対応支援業務（合計）", "row", 1121991, 1121992, -1),
    ("cashflow", "ippan", "資金支出", "合計", "row", 2421681, 2421680, 1),
    (
        "cashflow",
        "ippan",
        "業務活動による支出",
        "事業継続・経営体力強化支援業務（合計）",
        "column",
        25835,
        25834,
        1,
    ),
    (
        "cashflow",
        "ippan",
        "業務活動による支出",
        "経営環境変化対応支援業務（合計）",
        "column",
        1119085,
        1119084,
        1,
    ),
    ("cashflow", "ippan", "業務活動による支出", "合計", "column", 1281273, 1281274, -1),
    ("cashflow", "ippan", "業務活動による収入", "合計", "row", 412095, 412094, 1),
    ("cashflow", "ippan", "業務活動による収入", "合計", "column", 412095, 412094, 1),
    ("cashflow", "ippan", "貸付等回収金", "合計", "column", 47868, 47869, -1),
    ("cashflow", "ippan", "事業収入", "合計", "column", 2763, 2762, 1),
    ("cashflow", "ippan", "前年度よりの繰越金", "合計", "column", 907656, 907657, -1),
    ("cashflow", "sangyo-kiban", "資金収入", "スタートアップ創出・成長支援業務", "row", 271, 270, 1),
    ("cashflow", "sangyo-kiban", "資金収入", "合計", "row", 5904, 5903, 1),
    ("cashflow", "sangyo-kiban", "業務活動による収入", "合計", "row", 136, 137, -1),
    ("cashflow", "sangyo-kiban", "事業収入", "合計", "column", 98, 97, 1),
    (
        "cashflow",
        "shokibo-kyosai",
        "資金支出",
        "事業継続・経営体力強化支援業務（給付経理）",
        "row",
        2150720,
        2150721,
        -1,
    ),
    (
        "cashflow",
        "shokibo-kyosai",
        "資金支出",
        "事業継続・経営体力強化支援業務（業務等経理）",
        "row",
        12581,
        12582,
        -1,
    ),
    (
        "cashflow",
        "shokibo-kyosai",
        "資金支出",
        "事業継続・経営体力強化支援業務（調整）",
        "row",
        -699215,
        -699214,
        -1,
    ),
    ("cashflow", "shokibo-kyosai", "資金支出", "合計", "column", 2465383, 2465382, 1),
    ("cashflow", "shokibo-kyosai", "業務活動による支出", "合計", "column", 923866, 923867, -1),
    ("cashflow", "shokibo-kyosai", "次年度への繰越金", "合計", "column", 11427, 11428, -1),
    (
        "cashflow",
        "shokibo-kyosai",
        "資金収入",
        "事業継続・経営体力強化支援業務（給付経理）",
        "row",
        2150720,
        2150721,
        -1,
    ),
    (
        "cashflow",
        "shokibo-kyosai",
        "資金収入",
        "事業継続・経営体力強化支援業務（融資経理）",
        "row",
        1001296,
        1001297,
        -1,
    ),
    (
        "cashflow",
        "shokibo-kyosai",
        "資金収入",
        "事業継続・経営体力強化支援業務（業務等経理）",
        "row",
        12581,
        12582,
        -1,
    ),
    ("cashflow", "shokibo-kyosai", "資金収入", "合計", "row", 2465383, 2465384, -1),
    ("cashflow", "shokibo-kyosai", "資金収入", "合計", "column", 2465383, 2465382, 1),
    ("cashflow", "shokibo-kyosai", "前年度よりの繰越金", "合計", "column", 11926, 11927, -1),
    ("cashflow", "tosan-boshi", "資金支出", "合計", "column", 1273509, 1273508, 1),
    ("cashflow", "tosan-boshi", "次年度への繰越金", "合計", "column", 8644, 8643, 1),
    (
        "cashflow",
        "tosan-boshi",
        "資金収入",
        "事業継続・経営体力強化支援業務（業務等経理）",
        "row",
        20877,
        20878,
        -1,
    ),
    ("cashflow", "tosan-boshi", "資金収入", "合計", "column", 1273509, 1273508, 1),
    (
        "cashflow",
        "tosan-boshi",
        "業務活動による収入",
        "事業継続・経営体力強化支援業務（基金経理）",
        "row",
        514527,
        514528,
        -1,
    ),
    ("cashflow", "tosan-boshi", "業務活動による収入", "合計", "row", 515967, 515968, -1),
]


def as_tuples(items):
    return [
        (i.kind, i.account_code, i.row_label, i.column_label, i.check, i.published, i.computed, i.difference)
        for i in items
    ]


def test_it_lists_exactly_the_totals_that_do_not_add_up(db):
    expected = [
        (k, a, r, c, chk, None if p is None else Decimal(p), Decimal(comp), Decimal(d))
        for k, a, r, c, chk, p, comp, d in PINNED
    ]
    assert as_tuples(budget_reconciliation_list(fiscal_year=2024)) == expected


def test_every_difference_in_the_plan_is_rounding(db):
    items = budget_reconciliation_list(fiscal_year=2024)
    assert len(items) == 103
    assert {i.severity for i in items} == {"rounding"}
    assert max(abs(i.difference) for i in items) == Decimal("2")


def test_it_filters_by_kind_and_account(db):
    items = budget_reconciliation_list(fiscal_year=2024, kind="cashflow", account_code="sangyo-kiban")
    assert [(i.row_label, i.column_label, i.difference) for i in items] == [
        ("資金収入", "スタートアップ創出・成長支援業務", Decimal("1")),
        ("資金収入", "合計", Decimal("1")),
        ("業務活動による収入", "合計", Decimal("-1")),
        ("事業収入", "合計", Decimal("1")),
    ]
    assert budget_reconciliation_list(fiscal_year=2024, kind="budget", account_code="shisetsu-seibi") == []


# A small synthetic grid to pin the rules themselves.
SEG = "事業継続・経営体力強化支援業務"
COLUMNS = (
    GridColumn(order=1, segment=SEG, ledger="一般経理", role=BudgetColumn.Role.LEDGER),
    GridColumn(order=2, segment=SEG, ledger="調整", role=BudgetColumn.Role.LEDGER),
    GridColumn(order=3, segment=SEG, ledger="合計", role=BudgetColumn.Role.SEGMENT_TOTAL),
    GridColumn(order=4, segment="共通", ledger="", role=BudgetColumn.Role.SEGMENT),
    GridColumn(order=5, segment="", ledger="合計", role=BudgetColumn.Role.GRAND_TOTAL),
)


def grid(rows):
    built = []
    for order, (label, role, parts, values) in enumerate(rows, start=1):
        cells = tuple(
            GridCell(column_order=i, amount=None if v in ("-", "") else Decimal(v), present=v != "")
            for i, v in enumerate(values, start=1)
        )
        built.append(
            GridRow(
                order=order,
                label=label,
                level=0,
                role=role,
                parent_order=None,
                parts=tuple(parts),
                cells=cells,
            )
        )
    return BudgetGrid(
        table_id=0,
        fiscal_year=2024,
        account_code="x",
        account_name="x",
        kind="budget",
        kind_label="予算計画",
        attachment="別紙1",
        unit="百万円",
        note="",
        header_rows=(),
        columns=COLUMNS,
        rows=tuple(built),
    )


ITEM, TOTAL = BudgetRow.Role.ITEM, BudgetRow.Role.TOTAL


def test_a_dash_total_over_dash_parts_is_fine_and_empty_cells_are_skipped():
    g = grid(
        [
            ("a", ITEM, [], ["-", "-", "-", "", "-"]),
            ("b", ITEM, [], ["-", "-", "-", "", ""]),
            ("計", TOTAL, [(1, 1), (2, 1)], ["-", "-", "-", "", "-"]),
        ]
    )
    assert grid_reconciliation(g) == []


def test_a_segment_total_sums_its_ledgers_adjustment_included_and_the_grand_total_counts_it_once():
    g = grid([("a", ITEM, [], ["100", "-30", "70", "5", "75"])])
    assert grid_reconciliation(g) == []
    g = grid([("a", ITEM, [], ["100", "-30", "71", "5", "80"])])
    found = [(i.column_label, i.computed, i.difference, i.severity) for i in grid_reconciliation(g)]
    assert found == [
        (f"{SEG}（合計）", Decimal("70"), Decimal("1"), "rounding"),
        ("合計", Decimal("76"), Decimal("4"), "error"),  # 71 + 5 = 76; 80 − 76 = 4 > tolerance
    ]


def test_signs_in_parts_subtract():
    g = grid(
        [
            ("収益", ITEM, [], ["10", "", "", "", ""]),
            ("費用", ITEM, [], ["25", "", "", "", ""]),
            ("純利益", TOTAL, [(1, 1), (2, -1)], ["-12", "", "", "", ""]),
        ]
    )
    (item,) = grid_reconciliation(g)
    assert (item.published, item.computed, item.difference, item.severity) == (
        Decimal("-12"),
        Decimal("-15"),
        Decimal("3"),
        "error",
    )


@pytest.mark.parametrize("difference,severity", [(0, None), (1, "rounding"), (-2, "rounding"), (3, "error")])
def test_the_tolerance_boundary(difference, severity):
    assert ROUNDING_TOLERANCE == Decimal("2")
    g = grid(
        [
            ("a", ITEM, [], ["10", "", "", "", ""]),
            ("計", TOTAL, [(1, 1)], [str(10 + difference), "", "", "", ""]),
        ]
    )
    assert [i.severity for i in grid_reconciliation(g)] == ([severity] if severity else [])
