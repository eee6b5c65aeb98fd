"""Reads the budget tables of a 年度計画's text (chapter IV, 別紙1–3) and builds fixtures/plan_r6/budgets.json.

The text holds each table after the plan's closing 「以上」 as tab-separated lines: a title 「2024年度計画(…)の
予算計画」, the 勘定 「<一般勘定>」, the unit, two or three header rows (金額 → 業務 segment → (経理)), one line
per row and the note 「※端数処理の関係で…」. `read_budget_tables` reads them from any year's text, marks each
row as heading, item or total, records which rows a total sums (`parts`, with signs) and reports what it could
not read; `build_fixture` writes the fixture that `budgets.loaders.load_budgets` loads.

    .venv/bin/python -m budgets.seed_tables            # rewrite the fixture
    .venv/bin/python -m budgets.seed_tables --check    # exit 1 when the fixture is out of date

Pure Python (no Django), so it can run before the database exists.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SEED = BASE_DIR / "fixtures" / "seed" / "r6_plan.txt"
FIXTURE = BASE_DIR / "fixtures" / "plan_r6" / "budgets.json"
NOTE = "※端数処理の関係で合計が合わないことがある。"
# 「2024年度計画(2024年4月～2025年3月)の予算計画」: the year and which of the three plans follows.
KIND_TITLE_RE = re.compile(r"^(\d{4})年度計画.*の(予算計画|収支計画|資金計画)$")
ACCOUNT_RE = re.compile(r"^<\s*(.+?)\s*>$")
UNIT_RE = re.compile(r"^\(単位[:：]\s*(.+?)\)$")

ACCOUNTS = [
    ("ippan", "一般勘定"),
    ("sangyo-kiban", "産業基盤整備勘定"),
    ("shisetsu-seibi", "施設整備等勘定"),
    ("shokibo-kyosai", "小規模企業共済勘定"),
    ("tosan-boshi", "中小企業倒産防止共済勘定"),
    ("shusshi-shokei", "出資承継勘定"),
]
KIND_TITLES = {"予算計画": "budget", "収支計画": "income", "資金計画": "cashflow"}
KIND_NAMES = {code: title for title, code in KIND_TITLES.items()}

# Who enters 執行額 for a 予算計画 column: the department running the 業務 segment.
SEGMENT_DEPARTMENTS = {
    "地域牽引": "keiei-shien",
    "新市場": "hanro-shien",
    "スタートアップ": "sogyo-venture",
    "事業継続": "shokei-saisei",
    "経営環境変化": "jinzai",
    "共通": "zaimu",
}
TOTAL_DEPARTMENT = "zaimu"

_AMOUNT = re.compile(r"^(△)?\s*([0-9][0-9,]*)$")


def squeeze(text: str) -> str:
    """Remove the spaces the text layout put inside names (「スタートアップ創 出・成長支援業務」, 「共 通」)."""
    return re.sub(r"[\s\u3000]+", "", text)


def parse_amount(text: str) -> Decimal | None | str:
    """「1,234」→ 1234, 「△ 346,114」→ -346114, 「-」→ None. Anything else is returned unchanged."""
    text = text.strip()
    if text == "-":
        return None
    match = _AMOUNT.match(text)
    if not match:
        return text
    value = Decimal(match.group(2).replace(",", ""))
    return -value if match.group(1) else value


@dataclass
class BudgetText:
    """The tables read from a plan's text, and what could not be read.

    `errors` stop a load (an unknown 勘定, an amount that is not a number, a row whose place is unclear);
    `unplaced` are lines outside any table that no rule recognised. Both as (line number, text, why)."""

    fiscal_year: int | None = None
    tables: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    unplaced: list[tuple[int, str, str]] = field(default_factory=list)


def _is_header_start(line: str) -> bool:
    return squeeze(line.split("\t")[0]) == "区別"


def _read_blocks(numbered: list[tuple[int, str]], result: BudgetText):
    """Yield (kind, account name, unit, header lines, data lines, header line number) for each table."""
    kind = account = None
    unit = "百万円"
    i = 0
    while i < len(numbered):
        number, line = numbered[i]
        stripped = line.strip()
        plain = unicodedata.normalize("NFKC", stripped)
        title = KIND_TITLE_RE.match(plain)
        if title:
            kind = KIND_TITLES[title.group(2)]
            year = int(title.group(1))
            if result.fiscal_year is None:
                result.fiscal_year = year
            elif result.fiscal_year != year:
                result.errors.append((number, stripped, f"年度が{result.fiscal_year}年度の表と食い違います"))
        elif ACCOUNT_RE.match(plain):
            account = squeeze(ACCOUNT_RE.match(plain).group(1))
        elif UNIT_RE.match(plain):
            unit = squeeze(UNIT_RE.match(plain).group(1))
        elif _is_header_start(line):
            header, data = [], []
            while i < len(numbered) and (
                _is_header_start(numbered[i][1]) or numbered[i][1].split("\t")[0].strip() == ""
            ):
                if not numbered[i][1].strip():
                    break
                header.append(numbered[i][1].split("\t"))
                i += 1
            while i < len(numbered) and numbered[i][1].strip():
                data.append(numbered[i][1].split("\t"))
                i += 1
            if kind is None or account is None:
                result.errors.append(
                    (number, stripped, "表の前に計画の種類（予算計画など）と勘定の行がありません")
                )
            else:
                yield kind, account, unit, header, data, number
            continue
        elif stripped and stripped != NOTE:
            result.unplaced.append((number, stripped, "予算表の外の行"))
        i += 1


def _columns(header: list[list[str]], kind: str) -> tuple[list[dict], list[list[dict]]]:
    """Column specs (segment, ledger, role, department) and the published header layout."""
    width = max(len(r) for r in header) - 1
    rows = [[(r[c + 1].strip() if c + 1 < len(r) else "") for c in range(width)] for r in header]
    segment_row = rows[1]
    ledger_row = rows[2] if len(rows) == 3 else [""] * width
    total_row = next(i for i, r in enumerate(rows) if squeeze(r[-1]) == "合計") if width > 1 else None

    columns = []
    segment = ""
    for c in range(width):
        if c == width - 1 and total_row is not None:
            columns.append({"segment": "", "ledger": "合計", "role": "grand_total"})
            continue
        if segment_row[c]:
            segment = squeeze(segment_row[c])
        ledger = squeeze(ledger_row[c]).strip("()（）")
        columns.append({"segment": segment, "ledger": ledger, "role": "ledger"})
    # A segment with one column is a plain segment; a segment's (合計) is its subtotal.
    for col in columns:
        if col["role"] == "grand_total":
            continue
        same = [c for c in columns if c["segment"] == col["segment"] and c["role"] != "grand_total"]
        if col["ledger"] == "合計":
            col["role"] = "segment_total"
        elif len(same) == 1:
            col["role"] = "segment"
    for order, col in enumerate(columns, start=1):
        col["order"] = order
        department = None
        if kind == "budget":
            if col["role"] == "grand_total":
                department = TOTAL_DEPARTMENT
            else:
                department = next(
                    (d for key, d in SEGMENT_DEPARTMENTS.items() if col["segment"].startswith(key)), None
                )
        col["department"] = department

    # Header layout as published: 区 別 | 金 額 over the amounts (the 合 計 column beside or under it).
    n = len(rows)
    beside = total_row == 0
    top = [{"text": "区 別", "colspan": 1, "rowspan": n}]
    top.append({"text": "金 額", "colspan": width - (1 if beside else 0), "rowspan": 1})
    if beside:
        top.append({"text": "合 計", "colspan": 1, "rowspan": n})
    second = []
    groups: list[list[dict]] = []
    for col in columns:
        if col["role"] == "grand_total":
            continue
        if groups and groups[-1][0]["segment"] == col["segment"]:
            groups[-1].append(col)
        else:
            groups.append([col])
    for group in groups:
        has_ledgers = any(c["ledger"] for c in group)
        second.append(
            {
                "text": group[0]["segment"],
                "colspan": len(group),
                "rowspan": 1 if (has_ledgers or n == 2) else n - 1,
            }
        )
    # 合 計 sits where the plan prints it: spanning down from the segment row (一般勘定 予算計画, 産業基盤整備勘定),
    # or in the 経理 row under a segment heading that spans it too (共済勘定: one segment, 合 計 beside its 経理).
    if total_row == 1:
        second.append({"text": "合 計", "colspan": 1, "rowspan": n - 1})
    elif total_row == 2:
        second[-1]["colspan"] += 1
    layout = [top, second]
    if n == 3:
        third = [
            {"text": ledger_row[c], "colspan": 1, "rowspan": 1}
            for c, col in enumerate(columns)
            if (col["role"] != "grand_total" and col["ledger"])
            or (col["role"] == "grand_total" and total_row == 2)
        ]
        layout.append(third)
    return columns, layout


def _rows_budget(labels: list[str]) -> list[dict]:
    rows, heading = [], None
    for order, label in enumerate(labels, start=1):
        if label in ("収入", "支出"):
            heading = order
            rows.append({"label": label, "level": 0, "role": "heading", "parent": None, "parts": []})
        elif label == "計":
            items = [r["order"] for r in rows if r["parent"] == heading and r["role"] == "item"]
            rows.append(
                {
                    "label": label,
                    "level": 1,
                    "role": "total",
                    "parent": heading,
                    "parts": [[o, 1] for o in items],
                }
            )
        else:
            rows.append({"label": label, "level": 1, "role": "item", "parent": heading, "parts": []})
        rows[-1]["order"] = order
    return rows


def _rows_income(labels: list[str], empty: set[int]) -> list[dict]:
    rows: list[dict] = []
    find = {}
    section = group = None
    for order, label in enumerate(labels, start=1):
        row = {"order": order, "label": label, "parts": []}
        if label in ("費用の部", "収益の部"):
            section, group = order, None
            row.update(level=0, role="heading" if order in empty else "total", parent=None)
        elif label in ("経常費用", "経常収益"):
            group = order
            row.update(level=1, role="total", parent=section)
        elif label == "臨時利益":
            group = order
            row.update(level=1, role="heading", parent=section)
        elif label.startswith("純利益"):
            section = group = None
            row.update(level=0, role="total", parent=None)
        elif label.startswith("前中期目標期間繰越積立金取崩額"):
            row.update(level=0, role="item", parent=None)
        elif label.startswith("総利益"):
            row.update(level=0, role="total", parent=None)
        else:
            row.update(level=2, role="item", parent=group)
        find[label] = order
        rows.append(row)

    def children(parent):
        return [r["order"] for r in rows if r["parent"] == parent and r["role"] == "item"]

    extraordinary = children(find["臨時利益"]) if "臨時利益" in find else []
    for row in rows:
        if row["label"] in ("経常費用", "経常収益"):
            row["parts"] = [[o, 1] for o in children(row["order"])]
        elif row["label"] == "収益の部" and row["role"] == "total":
            row["parts"] = [[find["経常収益"], 1]] + [[o, 1] for o in extraordinary]
        elif row["label"].startswith("純利益"):
            row["parts"] = (
                [[find["経常収益"], 1]] + [[o, 1] for o in extraordinary] + [[find["経常費用"], -1]]
            )
        elif row["label"].startswith("総利益"):
            net = next(r["order"] for r in rows if r["label"].startswith("純利益"))
            row["parts"] = [[net, 1]] + [
                [r["order"], 1] for r in rows if r["label"].startswith("前中期目標期間繰越積立金取崩額")
            ]
    return rows


CASH_OUT = ("業務活動による支出", "投資活動による支出", "財務活動による支出", "次年度への繰越金")
CASH_IN = ("業務活動による収入", "投資活動による収入", "財務活動による収入", "前年度よりの繰越金")


def _rows_cashflow(labels: list[str]) -> list[dict]:
    rows: list[dict] = []
    section = group = None
    for order, label in enumerate(labels, start=1):
        row = {"order": order, "label": label, "parts": []}
        if label in ("資金支出", "資金収入"):
            section, group = order, None
            row.update(level=0, role="total", parent=None)
        elif label == "業務活動による収入":
            group = order
            row.update(level=1, role="total", parent=section)
        elif label in CASH_OUT or label in CASH_IN:
            group = None
            row.update(level=1, role="item", parent=section)
        elif group is not None:
            row.update(level=2, role="item", parent=group)
        else:
            raise ValueError(f"資金計画の行「{label}」の位置が分かりません")
        rows.append(row)
    for row in rows:
        if row["role"] == "total":
            row["parts"] = [[r["order"], 1] for r in rows if r["parent"] == row["order"]]
    return rows


def read_budget_tables(numbered: list[tuple[int, str]]) -> BudgetText:
    """Read every table in `numbered` ((line number, line) pairs: the text after the plan's 「以上」)."""
    result = BudgetText()
    account_codes = {name: code for code, name in ACCOUNTS}
    for kind, account, unit, header, data, header_line in _read_blocks(numbered, result):
        if account not in account_codes:
            result.errors.append((header_line, account, f"勘定「{account}」は登録されていません"))
            continue
        if len(header) < 2:
            result.errors.append((header_line, "\t".join(header[0]), "列見出しが2行未満です"))
            continue
        try:
            columns, layout = _columns(header, kind)
            labels = [squeeze(r[0]) for r in data]
            empty = {i for i, r in enumerate(data, start=1) if not any(cell.strip() for cell in r[1:])}
            if kind == "budget":
                rows = _rows_budget(labels)
            elif kind == "income":
                rows = _rows_income(labels, empty)
            else:
                rows = _rows_cashflow(labels)
        except (ValueError, KeyError, IndexError, StopIteration) as exc:
            result.errors.append((header_line, f"{KIND_NAMES[kind]} {account}", f"表の形を読めません: {exc}"))
            continue
        for col in columns:
            if kind == "budget" and col["department"] is None:
                result.unplaced.append(
                    (header_line, col["segment"], "執行額の入力部署が決まっていない業務（管理サイトで設定）")
                )
        unreadable = False
        for offset, (row, raw) in enumerate(zip(rows, data, strict=True)):
            cells = {}
            for col in columns:
                text = raw[col["order"]].strip() if col["order"] < len(raw) else ""
                if not text:
                    continue  # an empty cell is not published at all
                value = parse_amount(unicodedata.normalize("NFKC", text))
                if isinstance(value, str):
                    line = header_line + len(header) + offset
                    result.errors.append((line, text, "金額として読めません"))
                    unreadable = True
                    continue
                cells[str(col["order"])] = None if value is None else str(value)
            row["cells"] = cells
        if unreadable:
            continue
        result.tables.append(
            {
                "account": account_codes[account],
                "kind": kind,
                "unit": unit,
                "note": NOTE,
                "source_line": header_line,
                "header": layout,
                "columns": columns,
                "rows": rows,
            }
        )
    return result


def _seed_tail(seed: Path) -> list[tuple[int, str]]:
    """The seed's lines after its closing 「以上」, numbered from 1 as in the file."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    end = next(i for i, line in enumerate(lines) if line.strip() == "以上")
    return [(n, line) for n, line in enumerate(lines[end + 1 :], start=end + 2)]


def build_tables(seed: Path = SEED) -> list[dict]:
    """Parse the seed's 18 tables into fixture dicts (in the order 予算計画, 収支計画, 資金計画 × 勘定)."""
    result = read_budget_tables(_seed_tail(seed))
    if result.errors:
        raise ValueError("; ".join(f"{n}行目 {text}: {why}" for n, text, why in result.errors))
    if len(result.tables) != 18:
        raise ValueError(f"予算表は18表のはずが{len(result.tables)}表でした")
    return result.tables


def accounts_data() -> list[dict]:
    return [{"code": code, "name": name, "order": i} for i, (code, name) in enumerate(ACCOUNTS, start=1)]


def build_fixture(seed: Path = SEED) -> dict:
    return {
        "fiscal_year": read_budget_tables(_seed_tail(seed)).fiscal_year,
        "accounts": accounts_data(),
        "tables": build_tables(seed),
    }


def render(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> int:
    text = render(build_fixture())
    if "--check" in argv:
        current = FIXTURE.read_text(encoding="utf-8") if FIXTURE.exists() else ""
        if current != text:
            print(f"{FIXTURE} is out of date", file=sys.stderr)
            return 1
        return 0
    FIXTURE.write_text(text, encoding="utf-8")
    print(f"wrote {FIXTURE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
