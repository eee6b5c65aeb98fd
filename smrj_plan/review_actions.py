"""A 管理者's decision on one entry of a review queue — 承認, 差戻し or 再開 — as every queue takes it (the actuals',
the measures' 取組状況): the version the page showed is required, a 差戻し or 再開 needs a visible reason, a stale
version or a refused transition is said in Japanese, and the manager goes back to the queue they came from.

The view checks who may act and reads the entry; the service does the transition (smrj_plan.workflow)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from smrj_plan.numbers import parse_id, parse_version
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


def posted_selection(post, *, limit: int, noun: str, scope: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The (id, version) pairs a bulk approval posted (`ids`, `version-<id>`), or Japanese messages saying why
    they cannot be read — then none is taken.

    `noun` names an entry (「実績」「執行額」), `scope` the list it is chosen from (「この四半期の実績」); at most
    `limit` ids (the entries that list holds): a longer list is refused before any id is read."""
    raw_ids = post.getlist("ids")
    if not raw_ids:
        return [], [f"承認する{noun}を選んでください。何も承認していません。"]
    if len(raw_ids) > limit:
        return [], [
            f"選ばれた件数（{len(raw_ids):,}件）が{scope}の数（{limit:,}件）を超えています。何も承認していません。"
        ]
    items, problems = [], []
    for raw in raw_ids:
        try:
            pk = parse_id(raw[:64])
        except ValidationError:
            pk = None
        if pk is None:
            problems.append(f"{noun}のID「{raw[:20]}」が読めません。")
            continue
        try:
            version = parse_version(post.get(f"version-{pk}", "")[:64])
        except ValidationError:
            version = None
        if version is None:
            problems.append(f"ID {pk} の版番号が送られていないか、読めません。")
            continue
        items.append((pk, version))
    if problems:
        return [], [*problems, "画面を開き直してから選び直してください。何も承認していません。"]
    return items, []
