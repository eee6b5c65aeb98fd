"""Budget pages: published layout (multi-level headers, indentation, △ and -), summary, reconciliation, access."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from budgets.selectors import budget_grid_get, budget_grid_list, budget_summary_list
from smrj_plan.formatting import executed, million


class TableParser(HTMLParser):
    """Collects the first table.budget-grid: header cells with spans and body rows (label, classes, cells)."""

    def __init__(self):
        super().__init__()
        self.in_grid = self.in_head = False
        self.header, self.body = [], []
        self.current = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "budget-grid" in (attrs.get("class") or ""):
            self.in_grid = True
        if not self.in_grid:
            return
        if tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.current = {"class": attrs.get("class", ""), "cells": []}
        elif tag in ("th", "td") and self.current is not None:
            self.cell = {
                "tag": tag,
                "text": "",
                "class": attrs.get("class") or "",
                "colspan": int(attrs.get("colspan", 1)),
                "rowspan": int(attrs.get("rowspan", 1)),
            }

    def handle_endtag(self, tag):
        if not self.in_grid:
            return
        if tag in ("th", "td") and self.cell is not None:
            self.cell["text"] = self.cell["text"].strip()
            self.current["cells"].append(self.cell)
            self.cell = None
        elif tag == "tr" and self.current is not None:
            (self.header if self.in_head else self.body).append(self.current)
            self.current = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "table":
            self.in_grid = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def parse(response):
    parser = TableParser()
    parser.feed(response.content.decode())
    return parser


def header_spans(parser):
    return [[(c["text"], c["colspan"], c["rowspan"]) for c in row["cells"]] for row in parser.header]


def body_row(parser, label, occurrence=0):
    rows = [r for r in parser.body if r["cells"][0]["text"] == label]
    return rows[occurrence]


@pytest.fixture
def reader_client(manager_client):
    return manager_client


def test_format_million_prints_as_the_plan_does():
    assert million(Decimal("415095")) == "415,095"
    assert million(Decimal("-346114")) == "△346,114"
    assert million(None) == "-"
    assert million(Decimal("0")) == "0"
    assert million(Decimal("1234.5")) == "1,235"  # half-up to 百万円
    # 執行額 (to 千円) keep their three decimals, so a column of them reads one way.
    assert executed(Decimal("12.5")) == "12.500"
    assert executed(Decimal("-1000.000")) == "△1,000.000"


def test_anonymous_users_are_sent_to_login(client):
    for url in (
        reverse("budgets:index"),
        reverse("budgets:table", args=["budget", "ippan"]),
        reverse("budgets:reconciliation"),
        reverse("budgets:execution", args=["ippan"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_general_account_budget_has_the_published_three_level_header(reader_client):
    parser = parse(reader_client.get(reverse("budgets:table", args=["budget", "ippan"])))
    assert header_spans(parser) == [
        [("区 別", 1, 3), ("金 額", 11, 1)],
        [
            ("地域牽引・成長志向企業支援業務", 1, 1),
            ("新市場開拓支援業務", 1, 1),
            ("スタートアップ創出・成長支援業務", 1, 1),
            ("事業継続・経営体力強化支援業務", 3, 1),
            ("経営環境変化対応支援業務", 3, 1),
            ("共通", 1, 1),
            ("合 計", 1, 2),
        ],
        [("(一般経理)", 1, 1)] * 4
        + [("(特定出資経理)", 1, 1), ("(合 計)", 1, 1), ("(一般経理)", 1, 1), ("(復興経理)", 1, 1)]
        + [("(合 計)", 1, 1), ("(一般経理)", 1, 1)],
    ]
    total = body_row(parser, "計")
    assert [c["text"] for c in total["cells"]] == [
        "計", "103,088", "2,424", "18,095", "13,541", "21,948", "35,489", "253,466", "2,177", "255,643", "355",
        "415,095",
    ]  # fmt: skip
    assert "row-total" in total["class"]
    assert "indent-1" in body_row(parser, "政府出資金")["cells"][0]["class"]
    assert [c["text"] for c in body_row(parser, "政府出資金")["cells"][1:4]] == ["-", "-", "3,000"]


def test_income_tables_put_the_grand_total_beside_the_amount_header(reader_client):
    parser = parse(reader_client.get(reverse("budgets:table", args=["income", "ippan"])))
    assert header_spans(parser)[0] == [("区 別", 1, 3), ("金 額", 10, 1), ("合 計", 1, 3)]
    # An empty published cell stays empty; 「-」 stays 「-」 (前中期目標期間繰越積立金取崩額, line 668).
    row = body_row(parser, "前中期目標期間繰越積立金取崩額")
    assert [c["text"] for c in row["cells"][1:]] == [
        "-",
        "7",
        "7",
        "40",
        "-",
        "40",
        "110",
        "",
        "110",
        "283",
        "446",
    ]
    net = body_row(parser, "純利益(△純損失)")
    assert [c["text"] for c in net["cells"][1:3]] == ["△943", "△1,321"]
    assert "indent-2" in body_row(parser, "業務経費")["cells"][0]["class"]


def test_mutual_aid_tables_show_the_adjustment_ledger_with_negatives(reader_client):
    response = reader_client.get(reverse("budgets:table", args=["budget", "shokibo-kyosai"]))
    parser = parse(response)
    assert header_spans(parser)[:2] == [
        [("区 別", 1, 3), ("金 額", 5, 1)],
        [("事業継続・経営体力強化支援業務", 5, 1)],
    ]
    assert header_spans(parser)[2][-2:] == [("(調 整)", 1, 1), ("合 計", 1, 1)]
    assert [c["text"] for c in body_row(parser, "借入金等")["cells"]] == [
        "借入金等", "-", "657,374", "-", "△346,114", "311,260",
    ]  # fmt: skip
    content = response.content.decode()
    assert "（単位:百万円）" in content
    assert "※端数処理の関係で合計が合わないことがある。" in content


def test_a_single_column_table_reads_as_published(reader_client):
    parser = parse(reader_client.get(reverse("budgets:table", args=["cashflow", "shisetsu-seibi"])))
    assert header_spans(parser) == [
        [("区 別", 1, 2), ("金 額", 1, 1)],
        [("スタートアップ創出・成長支援業務", 1, 1)],
    ]
    assert [c["text"] for c in body_row(parser, "資金支出")["cells"]] == ["資金支出", "9,038"]
    assert len(parser.body) == 12


def test_totals_that_do_not_add_up_are_marked_with_their_difference(reader_client):
    parser = parse(reader_client.get(reverse("budgets:table", args=["budget", "ippan"])))
    grand_total = body_row(parser, "計")["cells"][-1]
    assert "diff-rounding" in grand_total["class"]
    # 一般勘定 政府出資金 adds up: no mark.
    assert all("diff-" not in c["class"] for c in body_row(parser, "政府出資金")["cells"])


def test_unknown_tables_are_404(reader_client):
    assert reader_client.get(reverse("budgets:table", args=["budget", "nothing"])).status_code == 404
    assert reader_client.get(reverse("budgets:table", args=["forecast", "ippan"])).status_code == 404


def test_a_table_page_costs_the_same_queries_whatever_its_size(reader_client, django_assert_max_num_queries):
    # 出資承継勘定 予算計画 has 9 rows and 1 column; 一般勘定 収支計画 has 26 rows and 11 columns.
    small = budget_grid_get(fiscal_year=2024, kind="budget", account_code="shusshi-shokei")
    large = budget_grid_get(fiscal_year=2024, kind="income", account_code="ippan")
    assert (len(small.rows), len(large.rows)) == (9, 26)
    for kind, account in (("budget", "shusshi-shokei"), ("income", "ippan")):
        with django_assert_max_num_queries(8):
            response = reader_client.get(reverse("budgets:table", args=[kind, account]))
        assert response.status_code == 200


def test_all_eighteen_grids_load_in_a_constant_number_of_queries(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        grids = budget_grid_list(fiscal_year=2024)
    assert [(g.kind, g.account_code) for g in grids][:7] == [
        ("budget", "ippan"),
        ("budget", "sangyo-kiban"),
        ("budget", "shisetsu-seibi"),
        ("budget", "shokibo-kyosai"),
        ("budget", "tosan-boshi"),
        ("budget", "shusshi-shokei"),
        ("income", "ippan"),
    ]
    assert len(grids) == 18


def test_the_summary_lists_income_and_expense_totals_per_account(db, staff_client):
    assert [
        (s.account_name, s.income_total, s.expense_total) for s in budget_summary_list(fiscal_year=2024)
    ] == [
        ("一般勘定", Decimal("415095"), Decimal("1281273")),
        ("産業基盤整備勘定", Decimal("136"), Decimal("329")),
        ("施設整備等勘定", Decimal("1054"), Decimal("1023")),
        ("小規模企業共済勘定", Decimal("1595835"), Decimal("1234034")),
        ("中小企業倒産防止共済勘定", Decimal("821696"), Decimal("574483")),
        ("出資承継勘定", Decimal("9"), Decimal("8")),
    ]
    content = staff_client.get(reverse("budgets:index")).content.decode()
    row = re.search(r'<tr data-account="ippan">(.*?)</tr>', content, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["415,095", "1,281,273", "△866,178"]
    assert content.count("budgets/budget/") >= 6  # every 予算計画 is linked


def test_the_reconciliation_page_lists_each_table_with_counts(reader_client):
    content = reader_client.get(reverse("budgets:reconciliation")).content.decode()
    assert "全103件" in content and "不一致 0件" in content and "端数差異 103件" in content
    assert 'id="t-budget-ippan"' in content and 'id="t-cashflow-shusshi-shokei"' in content
    assert content.count('class="severity-rounding"') == 103
    assert "すべての合計が内訳の和と一致しています。" in content  # e.g. 施設整備等勘定 予算計画
