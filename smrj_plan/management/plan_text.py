"""Loading a year's plan straight from its published text (`load_plan --text FILE --year N`).

Reading and writing are separate: `plan_text_read` parses the text into the same data the fixtures hold
(structure, measures, indicator rows, budget tables), checks it, and — when the year already has a plan —
works out what the text changes; it writes nothing, so `--dry-run` is exactly that step and its report.
`plan_text_apply` then loads the data through the loaders the fixtures use, in one transaction, and records a
PlanRevision (date, note and the changes: targets, indicators, measures, headings, budget cells). Actuals stay
attached: indicators are updated in place by code, and every changed target is kept as a TargetRevision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from budgets import seed_tables
from budgets.loaders import budgets_apply
from budgets.models import BudgetCell, BudgetColumn, BudgetRow, BudgetTable
from budgets.revisions import budget_changes, grids_from_data
from budgets.selectors import grid_reconciliation
from indicators.loaders import indicator_rows_apply
from indicators.models import Indicator
from indicators.plan_text import IndicatorBuild, build_indicator_rows, curation_read, known_indicator_list
from indicators.revisions import indicator_changes
from measures import periods
from measures.loaders import FIXTURE_DIR, load_departments, read_fixture, structure_apply
from measures.models import Chapter, Department, Heading, Measure, PlanDocument, PlanRevision, Section
from measures.revisions import measure_changes, structure_changes
from measures.seed_parser import PlanText, SeedFormatError, plan_measures, plan_structure, read_plan_text
from measures.selectors import revision_change_rows
from smrj_plan import formatting

# The largest text accepted: a 年度計画 is about 100 KB; anything far larger is not one.
MAX_TEXT_BYTES = 5 * 1024 * 1024
MAX_MEASURES = 3000
MAX_INDICATORS = 500
MAX_TABLES = 100


class PlanTextError(ValueError):
    """The text cannot be loaded; the message (Japanese) says why. Nothing has been written."""


@dataclass
class PlanLoad:
    """A plan text read and checked, ready to apply (or to report with --dry-run)."""

    year: int
    source_name: str
    digest: str
    parsed: PlanText
    structure: dict
    text_data: dict
    indicators: IndicatorBuild
    budgets: dict
    budget_unplaced: list[tuple[int, str, str]]
    existing: PlanDocument | None
    compared_with: PlanDocument | None
    errors: list[str] = field(default_factory=list)
    changes: dict = field(default_factory=dict)

    @property
    def unplaced(self) -> list[tuple[int, str, str]]:
        return sorted(self.parsed.unplaced + self.budget_unplaced)


def plan_text_read(*, path: Path, year: int) -> PlanLoad:
    """Read and check the text at `path` as the plan of fiscal year `year`. Writes nothing.

    Raises PlanTextError for a text that cannot be read at all; problems that a reader should see (a year that
    does not match, an unknown 勘定, an indicator outside any section) are collected in `errors`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PlanTextError(f"計画本文のファイルを開けません: {path}") from exc
    if size > MAX_TEXT_BYTES:
        raise PlanTextError(f"計画本文が大きすぎます（{size:,}バイト、上限{MAX_TEXT_BYTES:,}バイト）。")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanTextError("計画本文はUTF-8のテキストファイルにしてください。") from exc
    if "\x00" in text:
        raise PlanTextError("計画本文にNUL文字が含まれています（テキストファイルではありません）。")
    try:
        parsed = read_plan_text(text)
    except SeedFormatError as exc:
        raise PlanTextError(f"計画本文を読めません: {exc}") from exc

    errors = []
    # Far above any published plan (199 measures, 28 indicators, 18 tables): a text beyond these is refused
    # before the comparisons, whose cost grows with the counts.
    for what, count, limit in (
        ("施策", len(parsed.measures), MAX_MEASURES),
        ("指標", len(parsed.indicators), MAX_INDICATORS),
    ):
        if count > limit:
            raise PlanTextError(
                f"{what}が多すぎます（{count:,}件、上限{limit:,}件）。年度計画の本文か確認してください。"
            )
    if year not in periods.MID_TERM_YEARS:
        errors.append(f"--year {year}: 年度は{periods.mid_term_label()}の中で指定してください。")
    if parsed.fiscal_year is None:
        errors.append("表題（「令和N年度計画」）が本文の初めにありません。")
    elif parsed.fiscal_year != year:
        errors.append(
            f"本文は{periods.fiscal_year_label(parsed.fiscal_year)}の計画です（--year {year} と食い違います）。"
        )
    if not parsed.chapters:
        errors.append("章（「I.」「Ⅱ.」…）が一つもありません。")
    for item in parsed.indicators:
        if item.section is None:
            errors.append(f"{item.line}行目: 項目（「1.」など）の外にある指標は読み込めません: {item.text}")

    tables = seed_tables.read_budget_tables(parsed.tail)
    if len(tables.tables) > MAX_TABLES:
        raise PlanTextError(f"予算表が多すぎます（{len(tables.tables):,}表、上限{MAX_TABLES}表）。")
    errors += [f"{n}行目「{text_}」: {why}" for n, text_, why in tables.errors]
    if tables.tables and tables.fiscal_year != year:
        errors.append(f"予算表は{tables.fiscal_year}年度のものです（--year {year} と食い違います）。")

    existing = PlanDocument.objects.filter(fiscal_year__year=year).first()
    compared_with = existing or (
        PlanDocument.objects.filter(fiscal_year__year__lt=year).order_by("-fiscal_year__year").first()
    )
    structure = plan_structure(parsed)
    structure["fiscal_year"] = year
    text_data = plan_measures(parsed)
    department_codes = list(Department.objects.values_list("code", flat=True)) or [
        row["code"] for row in read_fixture(FIXTURE_DIR, "departments.json")
    ]
    indicators = build_indicator_rows(
        items=[i for i in parsed.indicators if i.section is not None],
        measures=text_data["measures"],
        known=known_indicator_list(plan=compared_with),
        curation=curation_read(),
        department_codes=department_codes,
    )
    budgets = {"fiscal_year": year, "accounts": seed_tables.accounts_data(), "tables": tables.tables}
    load = PlanLoad(
        year=year,
        source_name=path.name[:200],
        digest=hashlib.sha256(raw).hexdigest(),
        parsed=parsed,
        structure=structure,
        text_data=text_data,
        indicators=indicators,
        budgets=budgets,
        budget_unplaced=tables.unplaced,
        existing=existing,
        compared_with=compared_with,
        errors=errors,
    )
    load.errors += _size_errors(load)
    if existing is not None and not load.errors:
        load.changes = plan_changes(load)
    return load


def _too_long(model, name: str, value, where: str) -> list[str]:
    field_ = model._meta.get_field(name)
    if value and field_.max_length and len(value) > field_.max_length:
        return [
            f"{where}: {field_.verbose_name}が{field_.max_length:,}文字を超えています（{len(value):,}文字）。"
        ]
    return []


def _too_large(model, name: str, value, where: str) -> list[str]:
    """A number the column cannot hold (DecimalField digits), reported instead of failing at the database."""
    if value in (None, ""):
        return []
    field_ = model._meta.get_field(name)
    number = Decimal(str(value))
    whole = field_.max_digits - field_.decimal_places
    exponent = number.as_tuple().exponent
    if abs(number) >= Decimal(10) ** whole or (
        isinstance(exponent, int) and -exponent > field_.decimal_places
    ):
        return [
            f"{where}: {field_.verbose_name}「{value}」は桁数が多すぎます（整数{whole}桁・小数{field_.decimal_places}桁まで）。"
        ]
    return []


def _size_errors(load: PlanLoad) -> list[str]:
    """Every value longer or larger than its column allows: the load is refused with the place named, rather
    than cut short or failing half-way in the database."""
    errors = _too_long(PlanDocument, "title", load.structure["title"], "表題")
    errors += _too_long(PlanDocument, "organization", load.structure["organization"], "法人名")
    errors += _too_long(PlanDocument, "preamble", load.text_data["preamble"], "前文")
    for ch in load.text_data["chapters"]:
        where = f"{ch['numeral']}章"
        errors += _too_long(Chapter, "title", ch["title"], where) + _too_long(
            Chapter, "intro", ch["intro"], where
        )
        for sec in ch["sections"]:
            where = f"{ch['numeral']}-{sec['number']}"
            errors += _too_long(Section, "title", sec["title"], where)
            errors += _too_long(Section, "intro", sec["intro"], where)
            for h in sec["headings"]:
                errors += _too_long(Heading, "label", h["label"], f"{where} {h['label']}")
                errors += _too_long(Heading, "title", h["title"], f"{where} {h['label']}")
                errors += _too_long(Heading, "intro", h["intro"], f"{where} {h['label']}")
    for m in load.text_data["measures"]:
        errors += _too_long(Measure, "text", m["text"], f"{m['source_line']}行目の施策")
    for row in load.indicators.rows:
        where = f"{row['source_line']}行目の指標"
        for name in ("code", "name", "text", "target_text", "unit", "note"):
            errors += _too_long(Indicator, name, row[name], where)
        errors += _too_large(Indicator, "target", row["target"], where)
        errors += _too_large(Indicator, "benchmark_multiplier", row["benchmark_multiplier"], where)
    for table in load.budgets["tables"]:
        where = f"{table['source_line']}行目の表"
        errors += _too_long(BudgetTable, "unit", table["unit"], where)
        for col in table["columns"]:
            errors += _too_long(BudgetColumn, "segment", col["segment"], where)
            errors += _too_long(BudgetColumn, "ledger", col["ledger"], where)
        for row in table["rows"]:
            errors += _too_long(BudgetRow, "label", row["label"], where)
            for amount in row["cells"].values():
                errors += _too_large(BudgetCell, "amount", amount, f"{where}「{row['label']}」")
    return errors


def plan_changes(load: PlanLoad) -> dict:
    """What the text changes in the year's stored plan (empty lists when nothing)."""
    plan = load.existing
    return {
        "indicators": indicator_changes(plan=plan, rows=load.indicators.rows),
        "measures": measure_changes(plan=plan, plan_data=load.structure, text_data=load.text_data),
        "structure": structure_changes(plan=plan, plan_data=load.structure, text_data=load.text_data),
        "budget_cells": budget_changes(fiscal_year=load.year, data=load.budgets),
    }


def changes_count(changes: dict) -> int:
    return sum(len(v) for v in changes.values() if isinstance(v, list))


def _new_revisions(load: PlanLoad, *, date: dt.date | None) -> list[dict]:
    """The 策定/変更 entries to record: the text's dates the plan does not have yet, or `date` if given."""
    kind_existing = (
        set(PlanRevision.objects.filter(plan=load.existing).values_list("kind", "date"))
        if load.existing
        else set()
    )
    if date is not None:
        kind = PlanRevision.Kind.AMENDED if load.existing else PlanRevision.Kind.ADOPTED
        if (kind, date) in kind_existing:
            raise PlanTextError(
                f"{periods.wareki_date(date)}の改訂は既に記録されています。別の日付を指定してください。"
            )
        return [{"kind": kind, "date": date}]
    wanted = [{"kind": r["kind"], "date": dt.date.fromisoformat(r["date"])} for r in load.parsed.revisions]
    return [r for r in wanted if (r["kind"], r["date"]) not in kind_existing]


def plan_text_apply(
    load: PlanLoad, *, date: dt.date | None = None, note: str = ""
) -> tuple[PlanRevision | None, dict[str, int]]:
    """Load the checked text in one transaction; returns the revision recorded (None if nothing changed)
    and counts. Raises PlanTextError, before writing anything, for a text with errors or a revision
    without a date."""
    if load.errors:
        raise PlanTextError("計画本文に問題があるため読み込みませんでした:\n" + "\n".join(load.errors))
    new_revisions = _new_revisions(load, date=date)
    if load.existing is not None:
        if not changes_count(load.changes) and not new_revisions:
            return None, {}
        if changes_count(load.changes) and not new_revisions:
            raise PlanTextError(
                "本文に新しい策定・変更の日付がありません。改訂の日付を --date YYYY-MM-DD で指定してください。"
            )
    elif not new_revisions:
        raise PlanTextError("本文に策定日（「令和N年M月D日策定」）がありません。--date で指定してください。")

    with transaction.atomic():
        counts = {"部署": load_departments(fixture_dir=FIXTURE_DIR)}
        plan, structure_counts = structure_apply(plan_data=load.structure, text_data=load.text_data)
        counts.update(structure_counts)
        created = []
        now = timezone.now()
        for n, spec in enumerate(new_revisions, start=1):
            last = n == len(new_revisions)
            created.append(
                PlanRevision.objects.create(
                    plan=plan,
                    kind=spec["kind"],
                    date=spec["date"],
                    note=note if last else "",
                    changes=load.changes if last else {},
                    source_name=load.source_name,
                    loaded_at=now,
                )
            )
        revisions = list(PlanRevision.objects.filter(plan=plan).order_by("date", "pk"))
        counts.update(
            indicator_rows_apply(
                plan=plan,
                rows=load.indicators.rows,
                first_revision=created[0] if created else revisions[0],
                change_revision=created[-1] if created else revisions[-1],
            )
        )
        counts.update(budgets_apply(data=load.budgets))
        counts["要確認の指標"] = Indicator.objects.filter(plan=plan, needs_review=True).count()
    return created[-1], counts


def _target_line(row: dict) -> str:
    kind = dict(Indicator.Kind.choices)[row["kind"]]
    value = formatting.count(row["target"], row["unit"])
    if row["benchmark_multiplier"]:
        value = f"基準の{formatting.multiplier(row['benchmark_multiplier'])}"
    comparison = dict(Indicator.Comparison.choices)[row["comparison"]]
    text = f"  {row['code']:<8} {row['name']}：{row['target_text'] or '（目標値なし）'} → {kind}、{value}、{comparison}"
    if row["is_effort_target"]:
        text += "、努力目標"
    if row["needs_review"]:
        text += f"  【要確認】{row['review_note']}"
    return text


def plan_text_report(load: PlanLoad) -> list[str]:
    """What --dry-run prints: what was understood, per chapter, every target, the tables' totals and
    端数差異, every line not placed, and (for a year that has a plan) what would change."""
    p = load.parsed
    out = [
        f"{p.title or '（表題なし）'} {periods.fiscal_year_label(load.year)} {p.organization}",
        "策定・変更: " + ("、".join(r["source"] for r in p.revisions) or "（日付なし）"),
    ]
    if load.existing:
        out.append("この年度の計画は読み込み済みです: 改訂として読み込みます。")
    elif load.compared_with:
        out.append(
            f"新しい年度です。指標は{load.compared_with.fiscal_year.short_label}の指標と文言で照合します。"
        )
    else:
        out.append("新しい年度です（照合する前年度の計画はありません）。")

    out.append("")
    out.append("■ 章ごとの件数")
    rows = load.indicators.rows
    for ch in load.structure["chapters"]:
        measures = sum(1 for m in load.text_data["measures"] if m["chapter"] == ch["number"])
        headings = sum(
            len(s["headings"])
            for c in load.text_data["chapters"]
            if c["number"] == ch["number"]
            for s in c["sections"]
        )
        main = sum(1 for r in rows if r["chapter"] == ch["number"] and r["category"] == "main")
        ref = sum(1 for r in rows if r["chapter"] == ch["number"] and r["category"] == "reference")
        out.append(
            f"  {ch['numeral']}. {ch['title'][:30]}: 項目 {len(ch['sections'])}、見出し {headings}、"
            f"施策 {measures}、指標 {main}、参考指標 {ref}"
        )
    out.append(f"  計: 施策 {len(load.text_data['measures'])}、指標 {len(rows)}")

    out.append("")
    out.append(f"■ 指標と目標（{len(rows)}件、要確認 {sum(1 for r in rows if r['needs_review'])}件）")
    out += [_target_line(r) for r in rows]
    if load.indicators.problems:
        out.append("  注意:")
        out += [f"    {message}" for message in load.indicators.problems]

    out.append("")
    grids = grids_from_data(load.budgets)
    out.append(f"■ 予算表（{len(grids)}表、単位 百万円）")
    items = []
    for grid in grids:
        total_column = grid.columns[-1]
        labels = {r.order: r.label for r in grid.rows}
        totals = [
            f"{labels[r.parent_order] + ' ' if r.parent_order in labels and r.label == '計' else ''}{r.label} "
            f"{formatting.million(r.cell(total_column.order).amount)}"
            for r in grid.rows
            if r.is_total and r.cell(total_column.order).present
        ]
        found = grid_reconciliation(grid)
        items += found
        rounding = sum(1 for i in found if i.severity == "rounding")
        errors = len(found) - rounding
        out.append(f"  {grid.title}: {'、'.join(totals)}（端数差異 {rounding}件、不一致 {errors}件）")
    out.append(
        f"  合計の突合: 端数差異 {sum(1 for i in items if i.severity == 'rounding')}件、"
        f"不一致 {sum(1 for i in items if i.severity != 'rounding')}件"
    )
    for i in items:
        out.append(
            f"    [{i.severity_label}] {i.kind_label}（{i.account_name}） {i.row_label} × {i.column_label}"
            f"（{i.check_label}）: 公表 {formatting.million(i.published)}、内訳の和 {formatting.million(i.computed)}、"
            f"差 {formatting.million(i.difference)}"
        )

    out.append("")
    out.append(f"■ 読み取れなかった行（{len(load.unplaced)}行）")
    out += [f"  {n}行目: {text_} （{why}）" for n, text_, why in load.unplaced]

    if load.errors:
        out.append("")
        out.append(f"■ 読み込めない問題（{len(load.errors)}件）")
        out += [f"  {e}" for e in load.errors]

    if load.existing is not None and not load.errors:
        out.append("")
        out += changes_report(load.changes)
    return out


def changes_report(changes: dict) -> list[str]:
    """The changes as text lines (the dry-run report), row for row what the revision page shows."""
    out = [f"■ 変更点（{changes_count(changes)}件）"]
    for row in revision_change_rows(changes):
        field_ = f" {row.field}" if row.field else ""
        out.append(f"  {row.area} {row.change} {row.subject}{field_}: {row.old or '—'} → {row.new or '—'}")
    return out
