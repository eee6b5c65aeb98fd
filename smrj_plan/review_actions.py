"""A 管理者's decision on one entry of a review queue — 承認, 差戻し or 再開 — as every queue takes it (the actuals',
the measures' 取組状況): the version the page showed is required, a 差戻し or 再開 needs a visible reason, a stale
version or a refused transition is said in Japanese, and the manager goes back to the queue they came from.

The view checks who may act and reads the entry; the service does the transition (smrj_plan.workflow)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from smrj_plan.workflow import ConcurrentEditError

ACTIONS = ("approve", "return", "reopen")
DONE = {
    "approve": "{subject}を承認しました。",
    "return": "{subject}を差し戻しました。",
    "reopen": "{subject}の承認を取り消し、下書きに戻しました。",
}
REASON_MISSING = "理由を記入してください（差戻し・再開には理由が必要です）。"


def review_action(
    request,
    *,
    action: str,
    label: str,
    back: str,
    forms: tuple[type, type],
    run: Callable[..., object],
    subject: str,
    version_message: Callable[[], str],
    conflict_message: Callable[[object], str],
):
    """Take `action` on the entry that `run(action, version=…, reason=…)` changes, then go to `back`.

    `forms` is (the version form of 承認, the reason-and-version form of 差戻し and 再開); `label` names the entry
    in refusals (「1-1」「施策5」), `subject` in what was done (「1-1」「施策5の取組状況」「I-1の自己評価」);
    `version_message()` answers a missing or unreadable version with the value now stored,
    `conflict_message(current)` a version another person changed."""
    if action not in ACTIONS:
        raise ValueError(f"unknown review action {action!r}")
    version_form, reason_form = forms
    form = (version_form if action == "approve" else reason_form)(request.POST)
    if "version" in form.errors:
        messages.error(request, version_message())
        return redirect(back)
    if not form.is_valid():
        if form.has_error("reason", "max_length"):
            messages.error(request, f"{label}: {' '.join(form.errors['reason'])}")
        else:
            messages.error(request, f"{label}: {REASON_MISSING}")
        return redirect(back)
    try:
        run(action, version=form.cleaned_data["version"], reason=form.cleaned_data.get("reason", ""))
    except ConcurrentEditError as exc:
        messages.error(request, conflict_message(exc.current))
    except ValidationError as exc:
        messages.error(request, f"{label}: {' '.join(exc.messages)}")
    else:
        messages.success(request, DONE[action].format(subject=subject))
    return redirect(back)
