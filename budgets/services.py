"""Writes for budget execution (執行額): entry by the column's department, and the review workflow shared with
indicator actuals (smrj_plan.workflow: 下書き → 提出済み → 承認済み / 差戻し, reopen by a 管理者).

Every write checks who may do it (PermissionDenied → 403), refuses a locked quarter (smrj_plan.models.QuarterLock),
validates with Japanese messages (ValidationError), runs in a transaction and leaves a history row with a reason.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from budgets import selectors
from budgets.models import BudgetColumn, BudgetExecution, BudgetRow, BudgetTable
from measures.periods import QUARTERS, quarter_label
from smrj_plan import formatting, permissions
from smrj_plan.models import QuarterLock
from smrj_plan.numbers import parse_decimal
from smrj_plan.workflow import (
    EDITABLE_STATES,
    ConcurrentEditError,
    EntryState,
    lock_entry,
    state_label,
    transition,
)

# BudgetExecution.amount is Decimal(14, 3): up to 11 digits of 百万円 and 3 decimals (千円).
AMOUNT_INTEGER_DIGITS = 11
AMOUNT_DECIMAL_PLACES = 3


def execution_amount_parse(text: str | None) -> Decimal | None:
    """Read an amount typed in 百万円 (「1,234.5」, full-width digits allowed); blank → None.

    Read by the shared bounded parser (smrj_plan.numbers); raises ValidationError with a message the 担当者 can
    act on: not a number, negative, too many digits or decimals."""
    try:
        value = parse_decimal(
            text,
            max_digits=AMOUNT_INTEGER_DIGITS + AMOUNT_DECIMAL_PLACES,
            decimal_places=AMOUNT_DECIMAL_PLACES,
            field_label="執行額（百万円）",
        )
    except ValidationError as exc:
        if exc.code == "max_decimal_places":
            raise ValidationError(
                f"執行額（百万円）の小数は{AMOUNT_DECIMAL_PLACES}桁（千円単位）までです。"
            ) from None
        if exc.code == "invalid":
            shown = text.strip() if len(text.strip()) <= 20 else text.strip()[:20] + "…"
            raise ValidationError(
                f"「{shown}」は数値として読めません。金額（百万円）を数字で入力してください。"
            ) from None
        raise
    if value is not None and value < 0:
        raise ValidationError("執行額は0以上で入力してください（マイナスは入力できません）。")
    return value


def _require_open_quarter(fiscal_year, quarter: int) -> None:
    if quarter not in QUARTERS:
        raise ValidationError("四半期は1〜4で指定してください。")
    if QuarterLock.objects.filter(fiscal_year=fiscal_year, quarter=quarter, is_locked=True).exists():
        raise ValidationError(
            f"{fiscal_year.short_label}{quarter_label(quarter)}は締め済みのため変更できません。"
        )


def _require_editor(user, column: BudgetColumn) -> None:
    if not selectors.execution_column_can_edit(user=user, column=column):
        raise PermissionDenied("この予算の執行額を入力できるのは担当部署の担当者だけです。")


def _line_label(row: BudgetRow, column: BudgetColumn) -> str:
    return f"{row.label}（{column.label}）"


def execution_save(
    *,
    row: BudgetRow,
    column: BudgetColumn,
    quarter: int,
    amount: Decimal | None,
    user,
    expected_version: int,
    note: str = "",
    reason: str = "下書き保存",
) -> BudgetExecution | None:
    """Create or update a draft (or returned) executed amount for one line and quarter.

    `expected_version` is the version the form was built from (0 when there was no entry yet) and is required;
    a different stored version raises ConcurrentEditError. A blank amount on a new line stores nothing (returns None);
    unchanged values save nothing. Raises PermissionDenied for anyone but the column's 担当者."""
    _require_editor(user, column)
    table = column.table
    if row.table_id != table.pk or row.role != BudgetRow.Role.ITEM:
        raise ValidationError("執行額は予算計画の項目行にだけ入力できます。")
    _require_open_quarter(table.fiscal_year, quarter)
    if amount is not None and amount < 0:
        raise ValidationError("執行額は0以上で入力してください（マイナスは入力できません）。")
    note = (note or "").strip()
    if expected_version is None:
        current = BudgetExecution.objects.filter(row=row, column=column, quarter=quarter).first()
        raise ValidationError(execution_version_message(current, label=_line_label(row, column)))
    with transaction.atomic():
        existing = BudgetExecution.objects.filter(row=row, column=column, quarter=quarter).first()
        if existing is not None:
            if expected_version == 0:
                raise ConcurrentEditError(current=existing)
            entry = lock_entry(BudgetExecution, pk=existing.pk, expected_version=expected_version)
            if amount is None:
                raise ValidationError(
                    f"{_line_label(row, column)}：保存済みの執行額は空欄にできません。0を入力してください。"
                )
            if entry.amount == amount and entry.note == note:
                return entry
            if entry.state not in EDITABLE_STATES:
                raise ValidationError(
                    f"{_line_label(row, column)}の執行額は「{state_label(entry.state)}」のため変更できません。"
                )
            entry.amount, entry.note = amount, note
            entry.version += 1
        else:
            if amount is None:
                return None
            entry = BudgetExecution(row=row, column=column, quarter=quarter, amount=amount, note=note)
        entry.updated_by = user
        entry._change_reason = reason
        entry._history_user = user  # who, also outside a request (imports, shell)
        entry.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            # Someone created the same line's quarter between our read and our insert.
            current = BudgetExecution.objects.filter(row=row, column=column, quarter=quarter).first()
            if current is None:
                raise
            raise ConcurrentEditError(current=current) from None
    return entry


@dataclass
class ExecutionInput:
    """One line of a quarter's entry form: the typed text, the note and the version the form was built from."""

    row: BudgetRow
    column: BudgetColumn
    text: str
    expected_version: int
    note: str = ""


@dataclass
class ExecutionBatchError(Exception):
    """Some lines were refused; nothing of the batch was saved. `errors` maps (row pk, column pk) to messages."""

    errors: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    def __str__(self):
        return f"{len(self.errors)}件の行に誤りがあります。何も保存していません。"


def _stored_text(current: BudgetExecution) -> str:
    who = formatting.person_name(current.updated_by) if current.updated_by_id else "不明"
    return (
        f"現在の値: {formatting.executed(current.amount)}百万円、状態: {state_label(current.state)}、"
        f"更新者: {who}、版{current.version}"
    )


def execution_conflict_message(current: BudgetExecution) -> str:
    return f"他の利用者が先に更新しました（{_stored_text(current)}）。画面を開き直して内容を確かめてから入力してください。"


def execution_version_message(current: BudgetExecution | None, *, label: str) -> str:
    """The refusal of a save or state change that came without a readable version, with what is stored now."""
    stored = _stored_text(current) if current is not None else "まだ保存された値はありません"
    return (
        f"{label}：画面の版番号が正しくありません（送られていないか、読めない値です）。何も変更していません（{stored}）。"
        "画面を開き直して内容を確かめてから操作してください。"
    )


def execution_save_many(
    *, user, quarter: int, lines: list[ExecutionInput], submit: bool = False
) -> list[BudgetExecution]:
    """Save a quarter's entry form at once: every line or none (then ExecutionBatchError lists each refusal).

    With `submit`, every saved editable line is then submitted (提出)."""
    batch = ExecutionBatchError()
    saved = []
    with transaction.atomic():
        for line in lines:
            key = (line.row.pk, line.column.pk)
            try:
                amount = execution_amount_parse(line.text)
                entry = execution_save(
                    row=line.row,
                    column=line.column,
                    quarter=quarter,
                    amount=amount,
                    user=user,
                    note=line.note,
                    expected_version=line.expected_version,
                )
                if entry is not None and submit and entry.state in EDITABLE_STATES:
                    entry = execution_submit(execution=entry, user=user, expected_version=entry.version)
            except ConcurrentEditError as exc:
                batch.errors[key] = [execution_conflict_message(exc.current)]
                continue
            except ValidationError as exc:
                batch.errors[key] = exc.messages
                continue
            if entry is not None:
                saved.append(entry)
        if batch.errors:
            raise batch
    return saved


def execution_submit(*, execution: BudgetExecution, user, expected_version: int) -> BudgetExecution:
    """提出: the column's 担当者 sends a draft (or returned) amount for review."""
    _require_editor(user, execution.column)
    with transaction.atomic():
        entry = lock_entry(BudgetExecution, pk=execution.pk, expected_version=expected_version)
        _require_open_quarter(execution.column.table.fiscal_year, entry.quarter)
        entry._history_user = user
        transition(entry, to_state=EntryState.SUBMITTED, user=user)
    return entry


def _review(
    execution: BudgetExecution, user, to_state: str, reason: str, expected_version
) -> BudgetExecution:
    permissions.require_review(user)
    with transaction.atomic():
        entry = lock_entry(BudgetExecution, pk=execution.pk, expected_version=expected_version)
        _require_open_quarter(execution.column.table.fiscal_year, entry.quarter)
        entry._history_user = user
        transition(entry, to_state=to_state, user=user, reason=reason)
    return entry


def execution_approve(*, execution: BudgetExecution, user, expected_version: int) -> BudgetExecution:
    """承認 by a 管理者: the amount counts in 執行額 and can no longer be edited."""
    return _review(execution, user, EntryState.APPROVED, "", expected_version)


def execution_return(
    *, execution: BudgetExecution, user, reason: str, expected_version: int
) -> BudgetExecution:
    """差戻し by a 管理者 with a comment; the department can correct and submit again."""
    return _review(execution, user, EntryState.RETURNED, reason, expected_version)


def execution_reopen(
    *, execution: BudgetExecution, user, reason: str, expected_version: int
) -> BudgetExecution:
    """再開 by a 管理者: an approved amount goes back to 下書き, with a written reason."""
    return _review(execution, user, EntryState.DRAFT, reason, expected_version)


class ExecutionBulkApprovalError(ValidationError):
    """A bulk approval of executed amounts refused as a whole; `messages` name each refused line."""


def execution_approve_many(
    *, fiscal_year, account_code: str, user, items: list[tuple[int, int]]
) -> list[BudgetExecution]:
    """一括承認 of the selected executed amounts of one 勘定's 予算計画, all or nothing (docs/domain.md
    「提出状況と締め」): the same rules as the indicators' (`indicators.services.actual_approve_many`).

    `items` are (execution id, version the page showed). Each approval goes through `transition` (four-eyes, a
    history row「承認」); a line that is stale, not submitted, someone's own, in a locked quarter or of another
    勘定 refuses the whole batch and ExecutionBulkApprovalError lists them."""
    permissions.require_review(user)
    if not items:
        raise ExecutionBulkApprovalError("承認する執行額を選んでください。")
    ids = [pk for pk, _version in items]
    if len(set(ids)) != len(ids):
        raise ExecutionBulkApprovalError("同じ執行額が重複して選ばれています。何も承認していません。")
    known = {
        e.pk: e
        for e in BudgetExecution.objects.filter(
            pk__in=ids,
            row__table__fiscal_year=fiscal_year,
            row__table__account__code=account_code,
            row__table__kind=BudgetTable.Kind.BUDGET,
        ).select_related("row", "column__table__fiscal_year")
    }
    problems: list[str] = []
    approved: list[BudgetExecution] = []
    with transaction.atomic():
        for pk, version in items:
            execution = known.get(pk)
            if execution is None:
                problems.append(f"ID {pk}: この勘定の執行額ではありません。")
                continue
            label = f"{_line_label(execution.row, execution.column)}{quarter_label(execution.quarter)}"
            try:
                with transaction.atomic():
                    entry = lock_entry(BudgetExecution, pk=pk, expected_version=version)
                    _require_open_quarter(fiscal_year, entry.quarter)
                    entry._history_user = user
                    transition(entry, to_state=EntryState.APPROVED, user=user)
            except ConcurrentEditError as exc:
                problems.append(f"{label}：{execution_conflict_message(exc.current)}")
            except ValidationError as exc:
                problems.append(f"{label}：{' '.join(exc.messages)}")
            else:
                entry.row, entry.column = execution.row, execution.column
                approved.append(entry)
        if problems:
            # Raised inside the transaction: the lines approved before the refused one are rolled back too.
            raise ExecutionBulkApprovalError(
                [*problems, f"選んだ{len(items)}件のうち、どれも承認していません。"]
            )
    return approved
