"""The self-evaluation pages: the list of 評価項目, one item's page (indicators, measures, 自己評価, 評定 and the
indicators' final 評定), its workflow actions and the 自己評価書 downloads.

管理者 write, submit, approve, return and reopen; 監査担当 read and download; 担当者 and users without a role get
a 403 (the page brings together every 部署's figures)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from evaluation import self_selectors, self_services
from evaluation.documents import CONTENT_TYPE, document_build, document_filename, documents_zip
from evaluation.forms import RatingForm, ReasonForm, SelfEvaluationForm, VersionForm
from evaluation.history import self_evaluation_history_rows
from evaluation.items import evaluation_item_get, evaluation_item_list, evaluation_item_of
from evaluation.models import SelfEvaluation
from indicators.history import final_rating_history_rows
from indicators.models import Indicator
from indicators.selectors import fiscal_year_get, indicator_get_for_user
from measures.periods import QUARTER_CHOICES, fiscal_year_short
from smrj_plan import formatting, permissions
from smrj_plan.as_of import period_from_request
from smrj_plan.history import history_merge, history_page
from smrj_plan.review_actions import review_action
from smrj_plan.workflow import ConcurrentEditError

PAGE_RECORDS = 500


def _period(request, year: int):
    """The year from the path and the as-of quarter from ?q= (default: the last quarter with an approved
    actual, as on every page and in the workbook); a malformed ?q= or a year without a plan is a 404."""
    period = period_from_request(request, year=year)
    return period.fiscal_year, period.as_of_quarter


def _history(fiscal_year, evaluation, detail):
    """The self-evaluation's changes and its indicators' final 評定, newest first (the 変更履歴 sheet's rows)."""
    indicators = Indicator.objects.filter(pk__in=[line.indicator.pk for line in detail.indicators])
    streams = [final_rating_history_rows(fiscal_year=fiscal_year, indicators=indicators, order=2)]
    if evaluation is not None:
        streams.append(self_evaluation_history_rows(evaluation=evaluation, order=6))
    return history_page(history_merge(*streams), limit=PAGE_RECORDS)


def _exported_by(user) -> str:
    return formatting.person_name(user, with_username=True)


def _item_url(fiscal_year, item) -> str:
    return reverse("evaluation:self_item", args=[fiscal_year.year, item.code])


@login_required
def index(request, year: int):
    """Every 評価項目 of the year with its state and 評定, and the downloads."""
    self_selectors.require_reader(request.user)
    fiscal_year = fiscal_year_get(year=year)
    return render(
        request,
        "evaluation/self_index.html",
        {"fiscal_year": fiscal_year, "items": self_selectors.self_evaluation_index(fiscal_year=fiscal_year)},
    )


def _conflict_message(current: SelfEvaluation) -> str:
    who = formatting.person_name(current.updated_by) if current.updated_by_id else "不明"
    return (
        f"この自己評価は他の利用者が先に更新しました（状態: {current.get_state_display()}、更新者: {who}、"
        f"版{current.version}）。画面を開き直して内容を確かめてから記入してください。"
    )


@login_required
def item(request, year: int, code: str):
    """One 評価項目: indicators with the workbook's figures, the measures' 取組状況 of the year, the 自己評価 form
    (管理者) and the workflow. POST saves the form (下書き保存) or saves and submits it (提出)."""
    self_selectors.require_reader(request.user)
    fiscal_year, as_of = _period(request, year)
    evaluation_item = evaluation_item_get(plan=fiscal_year.plan, code=code)
    is_manager = permissions.can_write_self_evaluation(request.user)
    form = None
    if request.method == "POST":
        if not is_manager:
            raise PermissionDenied("自己評価の記入・提出は管理者だけが行えます。")
        form = SelfEvaluationForm(request.POST)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                # 提出 saves and submits in one transaction: a refused submission keeps nothing of the save.
                with transaction.atomic():
                    evaluation = self_services.self_evaluation_save(
                        fiscal_year=fiscal_year,
                        item=evaluation_item,
                        user=request.user,
                        data=form.data_for_service(),
                        expected_version=form.cleaned_data["version"],
                        reason="保存して提出" if submit else "下書き保存",
                    )
                    if submit:
                        if evaluation is None:
                            raise ValidationError(
                                "「自己評価」「評定」「評定の理由」が未記入のため提出できません。"
                            )
                        self_services.self_evaluation_submit(
                            evaluation=evaluation, user=request.user, expected_version=evaluation.version
                        )
            except ConcurrentEditError as exc:
                messages.error(request, _conflict_message(exc.current) + " 保存していません。")
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        for message in errors:
                            form.add_error(name if name in form.fields else None, message)
                    messages.error(request, "入力内容に誤りがあります。保存していません。")
                else:
                    messages.error(request, " ".join(exc.messages) + " 保存していません。")
            else:
                messages.success(
                    request, "自己評価を提出しました。" if submit else "自己評価を下書き保存しました。"
                )
                return redirect(_item_url(fiscal_year, evaluation_item))
        else:
            messages.error(request, "入力内容に誤りがあります。保存していません。")
    detail = self_selectors.self_evaluation_detail(
        fiscal_year=fiscal_year, item=evaluation_item, as_of_quarter=as_of
    )
    evaluation = detail.evaluation
    if form is None and is_manager and detail.is_editable:
        initial = {"version": evaluation.version if evaluation else 0}
        if evaluation is not None:
            initial.update(
                assessment=evaluation.assessment, grade=evaluation.grade, grade_reason=evaluation.grade_reason
            )
        form = SelfEvaluationForm(initial=initial)
    if is_manager and detail.is_editable:
        for line in detail.rated_indicators:
            rating = line.final_rating
            line.rating_form = RatingForm(
                initial={"grade": rating.grade, "reason": rating.reason} if rating else {},
                prefix=f"r{line.indicator.pk}",
            )
    return render(
        request,
        "evaluation/self_item.html",
        {
            "detail": detail,
            "fiscal_year": fiscal_year,
            "item": evaluation_item,
            "evaluation": evaluation,
            "form": form if (is_manager and detail.is_editable) else None,
            "can_review": is_manager,
            "page": _history(fiscal_year, evaluation, detail),
            "quarters": QUARTER_CHOICES,
        },
    )


def _action(request, pk: int, action: str):
    self_selectors.require_reader(request.user)
    try:
        evaluation = SelfEvaluation.objects.select_related("fiscal_year", "chapter", "section").get(pk=pk)
    except SelfEvaluation.DoesNotExist:
        raise Http404("自己評価が見つかりません。") from None
    if not permissions.can_write_self_evaluation(request.user):
        raise PermissionDenied("自己評価の承認・差戻し・再開は管理者だけが行えます。")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    item = evaluation_item_of(chapter=evaluation.chapter, section=evaluation.section)
    label = item.short_label

    def run(action: str, *, version: int, reason: str):
        if action == "approve":
            return self_services.self_evaluation_approve(
                evaluation=evaluation, user=request.user, expected_version=version
            )
        transition = (
            self_services.self_evaluation_return
            if action == "return"
            else self_services.self_evaluation_reopen
        )
        return transition(evaluation=evaluation, user=request.user, reason=reason, expected_version=version)

    return review_action(
        request,
        action=action,
        label=label,
        back=_item_url(evaluation.fiscal_year, item),
        forms=(VersionForm, ReasonForm),
        run=run,
        subject=f"{label}の自己評価",
        version_message=lambda: (
            f"{label}の自己評価：画面の版番号が正しくありません（送られていないか、読めない値です）。"
            "何も変更していません。"
        ),
        conflict_message=_conflict_message,
    )


@login_required
def approve(request, pk: int):
    return _action(request, pk, "approve")


@login_required
def return_(request, pk: int):
    return _action(request, pk, "return")


@login_required
def reopen(request, pk: int):
    return _action(request, pk, "reopen")


@login_required
@require_POST
def indicator_rating(request, pk: int):
    """A 管理者 sets an indicator's final 評定 on its 評価項目's page (403 for anyone else).

    Also reached through the dashboard's old address (dashboard:final_rating), which now answers here."""
    permissions.require_final_rating(request.user)
    indicator = indicator_get_for_user(user=request.user, pk=pk)
    indicator = Indicator.objects.select_related("section__chapter", "plan__fiscal_year").get(pk=indicator.pk)
    fiscal_year = indicator.plan.fiscal_year
    item = evaluation_item_of(chapter=indicator.section.chapter, section=indicator.section)
    back = _item_url(fiscal_year, item) + f"#indicator-{indicator.code}"
    # The item page prefixes each indicator's fields; the old dashboard form posted them bare.
    prefix = f"r{indicator.pk}" if f"r{indicator.pk}-grade" in request.POST else None
    form = RatingForm(request.POST, prefix=prefix)
    if not form.is_valid():
        for message in form.errors.get("reason", []):
            messages.error(request, f"{indicator.code}: {message}")
        if "grade" in form.errors:
            messages.error(request, f"{indicator.code}: 評定はS・A・B・C・Dから選んでください。")
        return redirect(back)
    try:
        self_services.indicator_rating_set(
            indicator=indicator,
            fiscal_year=fiscal_year,
            grade=form.cleaned_data["grade"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"{indicator.code}: {message}")
    else:
        messages.success(
            request, f"{indicator.code}の最終評定を「{form.cleaned_data['grade']}」に設定しました。"
        )
    return redirect(back)


@login_required
def document(request, year: int, code: str):
    """The 自己評価書 of one item (.docx)."""
    self_selectors.require_reader(request.user)
    fiscal_year, as_of = _period(request, year)
    evaluation_item = evaluation_item_get(plan=fiscal_year.plan, code=code)
    detail = self_selectors.self_evaluation_detail(
        fiscal_year=fiscal_year, item=evaluation_item, as_of_quarter=as_of
    )
    content = document_build(detail=detail, exported_by=_exported_by(request.user))
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, document_filename(detail))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def documents(request, year: int):
    """Every item's 自己評価書 in one .zip."""
    self_selectors.require_reader(request.user)
    fiscal_year, as_of = _period(request, year)
    files = []
    for evaluation_item in evaluation_item_list(plan=fiscal_year.plan):
        detail = self_selectors.self_evaluation_detail(
            fiscal_year=fiscal_year, item=evaluation_item, as_of_quarter=as_of
        )
        files.append(
            (document_filename(detail), document_build(detail=detail, exported_by=_exported_by(request.user)))
        )
    response = HttpResponse(documents_zip(files), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{fiscal_year_short(fiscal_year.year)}_自己評価書.zip"
    )
    response["Cache-Control"] = "no-store"
    return response
