"""Writes for the measures' quarterly 取組状況 and their 担当部署.

The same rules as the indicators' actuals (indicators.services): who may write (PermissionDenied → 403), the
quarter lock (締め), the version the page was built from (ConcurrentEditError), Japanese messages keyed by field
(ValidationError), one transaction per page, and a history row with a reason for every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from evaluation import selectors
from evaluation.models import MeasureProgress, MeasureStatus
from measures.models import Department, FiscalYear, Measure
from measures.periods import quarter_label
from smrj_plan import formatting, permissions
from smrj_plan.models import QuarterLock
from smrj_plan.text import has_visible_text, require_visible_text
from smrj_plan.workflow import (
    EDITABLE_STATES,
    ConcurrentEditError,
    EntryState,
    lock_entry,
    state_label,
    transition,
)

# Every field a 担当者 fills in, in the order the page, the history and the workbook list them.
INPUT_FIELDS = ["status", "narrative", "evidence"]


def _measure_label(measure: Measure) -> str:
    return f"施策{measure.order}"


def _require_open_quarter(fiscal_year: FiscalYear, quarter: int) -> None:
    if QuarterLock.objects.filter(fiscal_year=fiscal_year, quarter=quarter, is_locked=True).exists():
        raise ValidationError(
            f"{fiscal_year.short_label}{quarter_label(quarter)}は締め済みのため変更できません。"
        )


def _require_editor(user, measure: Measure) -> None:
    if not selectors.measure_can_edit(user=user, measure=measure):
        raise PermissionDenied("この施策の取組状況を入力できるのは担当部署の担当者だけです。")


def progress_errors(*, data: dict) -> dict[str, list[str]]:
    """The rules of an entry, as {field: [Japanese message]}; empty when the data is valid."""
    errors: dict[str, list[str]] = {}
    status = data.get("status") or ""
    if status and status not in MeasureStatus.values:
        errors["status"] = ["状況は「予定どおり」「前倒し」「遅れ」「未着手」「完了」から選んでください。"]
    return errors


def progress_missing_for_submit(*, entry: MeasureProgress) -> list[str]:
    """What an entry still lacks before it can be submitted: a status, and a narrative that shows something."""
    missing = []
    if not entry.status:
        missing.append("状況")
    if not has_visible_text(entry.narrative):
        missing.append("取組状況")
    return missing


def _clean(data: dict) -> dict:
    return {name: (data.get(name) or "").strip() for name in INPUT_FIELDS}


def progress_save(
    *,
    measure: Measure,
    fiscal_year: FiscalYear,
    quarter: int,
    user,
    data: dict,
    expected_version: int,
    reason: str = "下書き保存",
) -> MeasureProgress | None:
    """Create or update a draft (or returned) entry.

    `expected_version` is the version the form was built from (0 when there was no entry yet) and is required; a
    different stored version raises ConcurrentEditError carrying the stored entry. Returns None when nothing was
    typed and nothing is stored; an unchanged entry is returned with `unchanged` set and saves nothing."""
    _require_editor(user, measure)
    _require_open_quarter(fiscal_year, quarter)
    if measure.plan.fiscal_year_id != fiscal_year.pk:
        raise ValidationError("この年度の計画の施策ではありません。")
    cleaned = _clean(data)
    errors = progress_errors(data=cleaned)
    if errors:
        raise ValidationError(errors)
    existing = MeasureProgress.objects.filter(
        measure=measure, fiscal_year=fiscal_year, quarter=quarter
    ).first()
    with transaction.atomic():
        if existing is not None:
            if expected_version == 0:
                raise ConcurrentEditError(current=existing)
            entry = lock_entry(MeasureProgress, pk=existing.pk, expected_version=expected_version)
            changed = [n for n, v in cleaned.items() if getattr(entry, n) != v]
            if not changed:
                entry.unchanged = True
                return entry
            if entry.state not in EDITABLE_STATES:
                raise ValidationError(
                    f"{_measure_label(measure)}の取組状況は「{state_label(entry.state)}」のため変更できません。"
                )
            for name in changed:
                setattr(entry, name, cleaned[name])
            entry.version += 1
        else:
            if not any(cleaned.values()):
                return None
            entry = MeasureProgress(measure=measure, fiscal_year=fiscal_year, quarter=quarter, **cleaned)
        entry.updated_by = user
        entry._history_user = user
        entry._change_reason = reason
        entry.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            # Someone created the same quarter's entry between our read and our insert.
            current = MeasureProgress.objects.filter(
                measure=measure, fiscal_year=fiscal_year, quarter=quarter
            ).first()
            if current is None:
                raise
            raise ConcurrentEditError(current=current) from None
    return entry


@dataclass
class ProgressInput:
    measure: Measure
    data: dict
    expected_version: int


@dataclass
class ProgressBatchError(Exception):
    """Some rows of a page were refused; nothing of the page was saved.

    `errors` maps measure pk to messages (field name → messages)."""

    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    def __str__(self):
        return f"{len(self.errors)}件の施策に誤りがあります。"


def progress_save_many(
    *,
    user,
    fiscal_year: FiscalYear,
    quarter: int,
    rows: list[ProgressInput],
    submit: bool = False,
) -> list[MeasureProgress]:
    """Save a whole quarter page at once: every row or none. With `submit`, each saved editable row is then
    submitted. Returns the entries created, changed or submitted."""
    batch = ProgressBatchError()
    saved: list[MeasureProgress] = []
    reason = "保存して提出" if submit else "下書き保存"
    with transaction.atomic():
        for row in rows:
            pk = row.measure.pk
            try:
                entry = progress_save(
                    measure=row.measure,
                    fiscal_year=fiscal_year,
                    quarter=quarter,
                    user=user,
                    data=row.data,
                    expected_version=row.expected_version,
                    reason=reason,
                )
                if entry is not None and submit and entry.state in EDITABLE_STATES:
                    entry = progress_submit(entry=entry, user=user, expected_version=entry.version)
                elif entry is not None and getattr(entry, "unchanged", False):
                    continue
            except ConcurrentEditError as exc:
                batch.errors[pk] = {"__all__": [progress_conflict_message(exc.current)]}
                continue
            except ValidationError as exc:
                batch.errors[pk] = (
                    exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                )
                continue
            if entry is not None:
                saved.append(entry)
        if batch.errors:
            raise batch
    return saved


def _stored_text(current: MeasureProgress) -> str:
    who = formatting.person_name(current.updated_by) if current.updated_by_id else "不明"
    status = selectors.status_label(current.status) if current.status else "未選択"
    return f"現在の状況: {status}、状態: {state_label(current.state)}、更新者: {who}、版{current.version}"


def progress_conflict_message(current: MeasureProgress) -> str:
    """「先に更新されました」 with what is now stored, who stored it and its version."""
    return (
        f"{_measure_label(current.measure)}の取組状況は他の利用者が先に更新しました（{_stored_text(current)}）。"
        "画面を開き直して内容を確かめてから入力してください。"
    )


def progress_version_message(*, measure: Measure, current: MeasureProgress | None) -> str:
    """The refusal of a change that came without a readable version (nobody can tell what the user saw)."""
    stored = _stored_text(current) if current is not None else "まだ保存された内容はありません"
    return (
        f"{_measure_label(measure)}の取組状況：画面の版番号が正しくありません（送られていないか、読めない値です）。"
        f"何も変更していません（{stored}）。画面を開き直して内容を確かめてから操作してください。"
    )


def progress_submit(*, entry: MeasureProgress, user, expected_version: int) -> MeasureProgress:
    """提出: a 担当者 of the measure's 部署 sends a complete draft (or returned) entry for review."""
    _require_editor(user, entry.measure)
    with transaction.atomic():
        locked = lock_entry(MeasureProgress, pk=entry.pk, expected_version=expected_version)
        _require_open_quarter(locked.fiscal_year, locked.quarter)
        missing = progress_missing_for_submit(entry=locked)
        if missing:
            raise ValidationError(
                f"{_measure_label(entry.measure)}は「{'」「'.join(missing)}」が未入力のため提出できません。"
            )
        transition(locked, to_state=EntryState.SUBMITTED, user=user)
    locked.measure = entry.measure
    return locked


def _review(entry: MeasureProgress, user, to_state: str, reason: str, expected_version) -> MeasureProgress:
    permissions.require_review(user)
    with transaction.atomic():
        locked = lock_entry(MeasureProgress, pk=entry.pk, expected_version=expected_version)
        _require_open_quarter(locked.fiscal_year, locked.quarter)
        transition(locked, to_state=to_state, user=user, reason=reason)
    locked.measure = entry.measure
    return locked


def progress_approve(*, entry: MeasureProgress, user, expected_version: int) -> MeasureProgress:
    """承認 by a 管理者 who neither submitted nor wrote the entry (four-eyes, in workflow.transition)."""
    return _review(entry, user, EntryState.APPROVED, "", expected_version)


def progress_return(*, entry: MeasureProgress, user, reason: str, expected_version: int) -> MeasureProgress:
    """差戻し by a 管理者, with a reason the 部署 reads; the entry becomes editable again."""
    return _review(entry, user, EntryState.RETURNED, reason, expected_version)


def progress_reopen(*, entry: MeasureProgress, user, reason: str, expected_version: int) -> MeasureProgress:
    """再開 by a 管理者: an approved entry goes back to 下書き, with a written reason."""
    return _review(entry, user, EntryState.DRAFT, reason, expected_version)


def measure_department_set(*, measure: Measure, department: Department, user, reason: str) -> Measure:
    """A 管理者 gives a measure another 担当部署, with a reason kept in the measure's history.

    From then on load_plan keeps this choice. Entries already recorded stay as they are: the new 部署 continues
    them (a returned or draft entry is edited by the new 部署)."""
    if not permissions.can_change_measure_department(user):
        raise PermissionDenied("施策の担当部署を変更できるのは管理者だけです。")
    try:
        reason = require_visible_text(reason, field_label="担当部署の変更理由")
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from None
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if locked.department_id == department.pk:
            raise ValidationError(f"{_measure_label(locked)}の担当部署は既に「{department.name}」です。")
        locked.department = department
        locked.department_is_default = False
        locked._history_user = user
        locked._change_reason = reason
        locked.save(update_fields=["department", "department_is_default"])
    return locked
