"""Writes for quarterly actuals: entry, the review workflow and quarter locks (締め).

Every write checks who may do it (PermissionDenied → 403), refuses a locked quarter, validates the figures with
Japanese messages keyed by field (ValidationError), runs in a transaction and leaves a history row with a reason.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from indicators import selectors
from indicators.models import FIGURE_FIELDS, Actual, Indicator
from measures.models import FiscalYear
from measures.periods import fiscal_year_end, fiscal_year_start, quarter_label
from smrj_plan import formatting, permissions
from smrj_plan.models import QuarterLock
from smrj_plan.text import require_visible_text
from smrj_plan.workflow import (
    EDITABLE_STATES,
    ConcurrentEditError,
    EntryState,
    lock_entry,
    state_label,
    transition,
)

Kind = Indicator.Kind

# The figure fields each kind is entered with; the others stay empty for that kind.
KIND_FIELDS: dict[str, list[str]] = {
    Kind.COUNT: ["value"],
    Kind.EXACT: ["value"],
    Kind.COUNT_NO_TARGET: ["value"],
    Kind.RATIO: ["numerator", "denominator"],
    # Annual: the supported firms' growth rate and the survey's; a manual judgement when the survey's is ≤ 0.
    Kind.BENCHMARK: ["growth_rate", "benchmark_rate", "manual_judgement"],
    Kind.MILESTONE: ["milestone_status"],
    # R2-6-1 (annual): 一者応札・応募件数 / 競争性のある契約件数, and the 第4期 average ratio (%) in benchmark_rate.
    Kind.BASELINE: ["numerator", "denominator", "benchmark_rate"],
}
COMMON_FIELDS = ["note", "evidence", "as_of"]
FIGURE_FIELDS = list(FIGURE_FIELDS)  # the model's, as a list: COMMON_FIELDS are added to it
# Every field a user fills in, in the order pages, templates and the history list them.
INPUT_FIELDS = [*FIGURE_FIELDS, "as_of", "note", "evidence"]
TEXT_FIELDS = {"manual_judgement", "milestone_status", "note", "evidence"}

NEGATIVE = "0以上の数値を入力してください（マイナスは入力できません）。"


def kind_fields(indicator: Indicator) -> list[str]:
    return KIND_FIELDS.get(indicator.kind, ["value"])


def actual_figure_errors(
    *, indicator: Indicator, fiscal_year: FiscalYear, data: dict
) -> dict[str, list[str]]:
    """The figure rules of every kind, as {field: [Japanese message]}; empty when the data is valid.

    Used by the entry form (messages next to each field), the Excel upload (row and column) and the services."""
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    get = data.get
    kind = indicator.kind
    for name in ("value", "numerator", "denominator"):
        if get(name) is not None and get(name) < 0:
            add(name, NEGATIVE)
    if kind in (Kind.RATIO, Kind.BASELINE):
        num, den = get("numerator"), get("denominator")
        if num is not None and den is None:
            add("denominator", "分子を入力したときは分母も入力してください。")
        if den is not None and num is None:
            add("numerator", "分母を入力したときは分子も入力してください。")
        if num is not None and den is not None and num >= 0 and den >= 0:
            if den == 0:
                add("denominator", "分母が0では割合を計算できません。分母は1以上にしてください。")
            elif num > den:
                add(
                    "numerator",
                    f"分子（{formatting.number(num)}）は分母（{formatting.number(den)}）以下にしてください。",
                )
    if kind == Kind.BASELINE:
        base = get("benchmark_rate")
        if base is not None and not (Decimal("0") <= base <= Decimal("100")):
            add("benchmark_rate", "基準値（平均比率）は0〜100%の範囲で入力してください。")
    if kind == Kind.BENCHMARK:
        growth, bench = get("growth_rate"), get("benchmark_rate")
        if growth is not None and bench is None:
            add("benchmark_rate", "支援先の伸び率を入力したときは実態調査の伸び率も入力してください。")
        if bench is not None and growth is None:
            add("growth_rate", "実態調査の伸び率を入力したときは支援先の伸び率も入力してください。")
        if bench is not None and bench <= 0:
            if not get("manual_judgement"):
                add(
                    "manual_judgement",
                    "実態調査の伸び率が0以下のため基準比を計算できません（判定不能）。判定を選んでください。",
                )
            if not (get("note") or "").strip():
                add("note", "判定不能のときは、判定の理由を備考に記入してください。")
        elif get("manual_judgement") and bench is not None:
            add(
                "manual_judgement",
                "実態調査の伸び率が0より大きいときは判定を選ばないでください（自動で判定します）。",
            )
    as_of = get("as_of")
    if as_of is not None:
        start, end = fiscal_year_start(fiscal_year.year), fiscal_year_end(fiscal_year.year)
        if not (start <= as_of <= end):
            add(
                "as_of",
                f"基準日は{fiscal_year.short_label}（{formatting.wareki(start)}〜{formatting.wareki(end)}）の日付を入力してください。",
            )
    return errors


def actual_missing_for_submit(*, actual: Actual) -> list[str]:
    """Labels of the figures an actual still lacks before it can be submitted."""
    labels = {f.name: f.verbose_name for f in Actual._meta.fields}
    missing = []
    for name in kind_fields(actual.indicator):
        if name == "manual_judgement":
            continue
        if getattr(actual, name) in (None, ""):
            missing.append(str(labels[name]))
    return missing


def _clean_data(indicator: Indicator, data: dict) -> dict[str, Any]:
    """Only the kind's fields and the common ones; the others are blanked so no stray figure is kept."""
    allowed = set(kind_fields(indicator)) | set(COMMON_FIELDS)
    cleaned = {}
    for name in FIGURE_FIELDS + COMMON_FIELDS:
        value = data.get(name) if name in allowed else None
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        cleaned[name] = value
    return cleaned


def _has_figures(cleaned: dict) -> bool:
    return any(cleaned[n] not in (None, "") for n in FIGURE_FIELDS + COMMON_FIELDS)


def _require_open_quarter(fiscal_year: FiscalYear, quarter: int) -> None:
    if selectors.quarter_is_locked(fiscal_year=fiscal_year, quarter=quarter):
        raise ValidationError(
            f"{fiscal_year.short_label}{quarter_label(quarter)}は締め済みのため変更できません。"
        )


def _require_editor(user, indicator: Indicator) -> None:
    if not permissions.can_enter_for(user, indicator.department_id):
        raise PermissionDenied("この指標の実績を入力できるのは担当部署の担当者だけです。")


def actual_save(
    *,
    indicator: Indicator,
    fiscal_year: FiscalYear,
    quarter: int,
    user,
    data: dict,
    expected_version: int,
    reason: str = "下書き保存",
) -> Actual | None:
    """Create or update a draft (or returned) actual from cleaned figures.

    `expected_version` is the version the form was built from (0 when there was no actual yet) and is required;
    a different stored version raises ConcurrentEditError carrying the stored actual. Returns None when the row is empty
    and nothing is stored. Unchanged figures save nothing (no version bump, no history row)."""
    _require_editor(user, indicator)
    _require_open_quarter(fiscal_year, quarter)
    cleaned = _clean_data(indicator, data)
    existing = Actual.objects.filter(indicator=indicator, fiscal_year=fiscal_year, quarter=quarter).first()
    if not selectors.indicator_is_due(indicator=indicator, quarter=quarter) and _has_figures(cleaned):
        raise ValidationError("この指標は年度末（第4四半期）にだけ入力します。")
    errors = actual_figure_errors(indicator=indicator, fiscal_year=fiscal_year, data=cleaned)
    if errors:
        raise ValidationError(errors)
    if expected_version is None:
        raise ValidationError(actual_version_message(indicator=indicator, current=existing))
    with transaction.atomic():
        if existing is not None:
            if expected_version == 0:
                raise ConcurrentEditError(current=existing)
            actual = lock_entry(Actual, pk=existing.pk, expected_version=expected_version)
            changed = [n for n, v in cleaned.items() if getattr(actual, n) != v]
            if not changed:
                actual.unchanged = True
                return actual
            if actual.state not in EDITABLE_STATES:
                raise ValidationError(
                    f"{indicator.code}の実績は「{state_label(actual.state)}」のため変更できません。"
                )
            for name in changed:
                setattr(actual, name, cleaned[name])
            actual.version += 1
        else:
            if not _has_figures(cleaned):
                return None
            actual = Actual(indicator=indicator, fiscal_year=fiscal_year, quarter=quarter, **cleaned)
        actual.updated_by = user
        actual._history_user = user
        actual._change_reason = reason
        actual.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                actual.save()
        except IntegrityError:
            # Someone created the same quarter's actual between our read and our insert.
            current = Actual.objects.filter(
                indicator=indicator, fiscal_year=fiscal_year, quarter=quarter
            ).first()
            if current is None:
                raise
            raise ConcurrentEditError(current=current) from None
    return actual


@dataclass
class RowInput:
    indicator: Indicator
    data: dict
    expected_version: int


@dataclass
class ActualBatchError(Exception):
    """Some rows of a batch were refused; nothing of the batch was saved.

    `errors` maps indicator pk to messages (field name → messages); `conflicts` to the actual now stored."""

    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    conflicts: dict[int, Actual] = field(default_factory=dict)

    def __str__(self):
        return f"{len(self.errors)}件の行に誤りがあります。"


def actual_save_many(
    *,
    user,
    fiscal_year: FiscalYear,
    quarter: int,
    rows: list[RowInput],
    submit: bool = False,
    reason: str = "下書き保存",
) -> list[Actual]:
    """Save a whole quarter page (or uploaded sheet) at once: every row or none.

    With `submit`, each saved row that is editable is then submitted (提出). Returns the actuals created,
    changed or submitted (unchanged rows are left out). Refused rows are collected and raised together as
    ActualBatchError after the transaction is rolled back."""
    batch = ActualBatchError()
    saved: list[Actual] = []
    with transaction.atomic():
        for row in rows:
            pk = row.indicator.pk
            try:
                actual = actual_save(
                    indicator=row.indicator,
                    fiscal_year=fiscal_year,
                    quarter=quarter,
                    user=user,
                    data=row.data,
                    expected_version=row.expected_version,
                    reason=reason,
                )
                if actual is not None and submit and actual.state in EDITABLE_STATES:
                    actual = actual_submit(actual=actual, user=user, expected_version=actual.version)
                elif actual is not None and getattr(actual, "unchanged", False):
                    continue  # nothing to store for this row
            except ConcurrentEditError as exc:
                batch.conflicts[pk] = exc.current
                batch.errors[pk] = {"__all__": [actual_conflict_message(exc.current)]}
                continue
            except ValidationError as exc:
                batch.errors[pk] = (
                    exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                )
                continue
            if actual is not None:
                saved.append(actual)
        if batch.errors:
            raise batch
    return saved


def _stored_text(current: Actual) -> str:
    who = formatting.person_name(current.updated_by) if current.updated_by_id else "不明"
    return (
        f"現在の値: {selectors.actual_display(current)}、"
        f"状態: {state_label(current.state)}、更新者: {who}、版{current.version}"
    )


def actual_conflict_message(current: Actual) -> str:
    """「先に更新されました」 with the value now stored, who stored it and its version."""
    return (
        f"{current.indicator.code}の実績は他の利用者が先に更新しました（{_stored_text(current)}）。"
        "画面を開き直して内容を確かめてから入力してください。"
    )


def actual_version_message(*, indicator: Indicator, current: Actual | None) -> str:
    """The refusal of a save or state change that came without a readable version, with what is stored now:
    without the version nobody can tell whether the user saw the current value."""
    stored = _stored_text(current) if current is not None else "まだ保存された値はありません"
    return (
        f"{indicator.code}の実績：画面の版番号が正しくありません（送られていないか、読めない値です）。何も変更していません（{stored}）。"
        "画面を開き直して内容を確かめてから操作してください。"
    )


def _locked_actual(actual: Actual, expected_version: int) -> Actual:
    return lock_entry(Actual, pk=actual.pk, expected_version=expected_version)


def actual_submit(*, actual: Actual, user, expected_version: int) -> Actual:
    """提出: a 担当者 of the owning department sends a complete draft (or returned) actual for review."""
    _require_editor(user, actual.indicator)
    with transaction.atomic():
        entry = _locked_actual(actual, expected_version)
        _require_open_quarter(entry.fiscal_year, entry.quarter)
        missing = actual_missing_for_submit(actual=entry)
        if missing:
            raise ValidationError(
                f"{entry.indicator.code}は「{'」「'.join(missing)}」が未入力のため提出できません。"
            )
        errors = actual_figure_errors(
            indicator=entry.indicator,
            fiscal_year=entry.fiscal_year,
            data={n: getattr(entry, n) for n in FIGURE_FIELDS + COMMON_FIELDS},
        )
        if errors:
            raise ValidationError(errors)
        transition(entry, to_state=EntryState.SUBMITTED, user=user)
    return entry


def _review(actual: Actual, user, to_state: str, reason: str, expected_version: int) -> Actual:
    permissions.require_review(user)
    with transaction.atomic():
        entry = _locked_actual(actual, expected_version)
        _require_open_quarter(entry.fiscal_year, entry.quarter)
        transition(entry, to_state=to_state, user=user, reason=reason)
    return entry


def actual_approve(*, actual: Actual, user, expected_version: int) -> Actual:
    """承認 by a 管理者: a submitted actual becomes approved and can no longer be edited."""
    return _review(actual, user, EntryState.APPROVED, "", expected_version)


class BulkApprovalError(ValidationError):
    """A bulk approval refused as a whole; `messages` name each refused row (nothing was approved)."""


def actual_approve_many(
    *, fiscal_year: FiscalYear, quarter: int, user, items: list[tuple[int, int]]
) -> list[Actual]:
    """一括承認 of the selected actuals of one quarter, all or nothing (docs/domain.md「提出状況と締め」).

    `items` are (actual id, version the page showed). Each approval goes through `transition` (the state machine,
    four-eyes and a history row「承認」); a row that is stale, not submitted, someone's own, or not of this quarter
    refuses the whole batch: BulkApprovalError lists every refused row and nothing is approved."""
    permissions.require_review(user)
    if not items:
        raise BulkApprovalError("承認する実績を選んでください。")
    ids = [pk for pk, _version in items]
    if len(set(ids)) != len(ids):
        raise BulkApprovalError("同じ実績が重複して選ばれています。何も承認していません。")
    _require_open_quarter(fiscal_year, quarter)
    known = {
        a.pk: a
        for a in Actual.objects.filter(pk__in=ids, fiscal_year=fiscal_year, quarter=quarter).select_related(
            "indicator", "fiscal_year"
        )
    }
    problems: list[str] = []
    approved: list[Actual] = []
    with transaction.atomic():
        for pk, version in items:
            actual = known.get(pk)
            if actual is None:
                problems.append(f"ID {pk}: この四半期の実績ではありません。")
                continue
            code = actual.indicator.code
            try:
                with transaction.atomic():
                    entry = _locked_actual(actual, version)
                    entry.indicator = actual.indicator
                    transition(entry, to_state=EntryState.APPROVED, user=user)
            except ConcurrentEditError as exc:
                problems.append(actual_conflict_message(exc.current))
            except ValidationError as exc:
                problems.append(f"{code}: {' '.join(exc.messages)}")
            else:
                approved.append(entry)
        if problems:
            # Raised inside the transaction: the rows approved before the refused one are rolled back too.
            raise BulkApprovalError([*problems, f"選んだ{len(items)}件のうち、どれも承認していません。"])
    return approved


def actual_return(*, actual: Actual, user, reason: str, expected_version: int) -> Actual:
    """差戻し by a 管理者, with a comment the department reads; the actual becomes editable again."""
    return _review(actual, user, EntryState.RETURNED, reason, expected_version)


def actual_reopen(*, actual: Actual, user, reason: str, expected_version: int) -> Actual:
    """再開 by a 管理者: an approved actual goes back to 下書き, with a written reason."""
    return _review(actual, user, EntryState.DRAFT, reason, expected_version)


def quarter_submit(*, user, fiscal_year: FiscalYear, quarter: int) -> list[Actual]:
    """Submit every editable actual of the user's department for a quarter, all or none."""
    permissions.require_entry(user)
    actuals = Actual.objects.filter(
        fiscal_year=fiscal_year,
        quarter=quarter,
        indicator__department_id=permissions.entry_department_id(user),
        state__in=EDITABLE_STATES,
    ).select_related("indicator", "fiscal_year")
    with transaction.atomic():
        return [actual_submit(actual=a, user=user, expected_version=a.version) for a in actuals]


def _quarter_set_lock(
    *, fiscal_year: FiscalYear, quarter: int, user, reason: str, locked: bool
) -> QuarterLock:
    permissions.require_quarter_lock(user)
    try:
        reason = require_visible_text(reason, field_label="締め・締め解除の理由")
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from None
    with transaction.atomic():
        lock = QuarterLock.objects.select_for_update().filter(
            fiscal_year=fiscal_year, quarter=quarter
        ).first() or QuarterLock(fiscal_year=fiscal_year, quarter=quarter, is_locked=False)
        if lock.is_locked == locked:
            raise ValidationError(f"{quarter_label(quarter)}は既に{'締め済み' if locked else '受付中'}です。")
        lock.is_locked = locked
        lock.reason = reason
        lock.changed_by = user
        lock._change_reason = reason
        lock._history_user = user
        lock.full_clean()
        lock.save()
    return lock


def quarter_lock(*, fiscal_year: FiscalYear, quarter: int, user, reason: str) -> QuarterLock:
    """締め: nobody can change any actual of the quarter until a 管理者 unlocks it."""
    return _quarter_set_lock(fiscal_year=fiscal_year, quarter=quarter, user=user, reason=reason, locked=True)


def quarter_unlock(*, fiscal_year: FiscalYear, quarter: int, user, reason: str) -> QuarterLock:
    """締め解除 by a 管理者, with a reason kept in the lock's history."""
    return _quarter_set_lock(fiscal_year=fiscal_year, quarter=quarter, user=user, reason=reason, locked=False)
