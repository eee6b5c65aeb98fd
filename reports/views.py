"""The auditors' start page and the Excel download (監査担当 and 管理者; everyone else 403)."""

import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.http import content_disposition_header

from measures.models import FiscalYear
from reports.cover import ROUNDING_NOTES
from reports.registry import sheet_guide
from reports.workbook import CONTENT_TYPE, export_context_build, export_filename, workbook_write
from smrj_plan import formatting, permissions
from smrj_plan.as_of import PeriodNotFound, period_resolve


class ExportForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=())
    quarter = forms.TypedChoiceField(
        label="基準四半期",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "自動（承認済みの実績がある最後の四半期）")]
        + [
            (q, f"第{q}四半期（{m}）末")
            for q, m in ((1, "4–6月"), (2, "7–9月"), (3, "10–12月"), (4, "1–3月"))
        ],
    )
    include_drafts = forms.TypedChoiceField(
        label="集計の対象",
        coerce=lambda v: v == "yes",
        choices=[("no", "承認済みの値のみ"), ("yes", "下書き・提出済みを含む")],
        initial="no",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = FiscalYear.objects.filter(plan__isnull=False).order_by("-year")
        self.fields["year"].choices = [(fy.year, fy.label) for fy in years]


@login_required
def index(request):
    """The download form and what each sheet holds."""
    permissions.require_export(request.user)
    form = ExportForm(request.GET or None)
    if not form.is_bound:
        form = ExportForm(initial={"include_drafts": "no"})
    return render(
        request,
        "reports/index.html",
        {"form": form, "sheets": sheet_guide(), "notes": ROUNDING_NOTES},
    )


@login_required
def download(request):
    """Write the workbook to a temporary file and stream it, so a long history never sits in memory."""
    permissions.require_export(request.user)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "reports/index.html",
            {"form": form, "sheets": sheet_guide(), "notes": ROUNDING_NOTES},
            status=400,
        )
    try:
        period = period_resolve(year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"])
    except PeriodNotFound as exc:  # the plan was removed after the form listed its year
        raise Http404(str(exc)) from None
    ctx = export_context_build(
        period=period,
        include_drafts=form.cleaned_data["include_drafts"],
        exported_by=formatting.person_name(request.user, with_username=True),
    )
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook_write(ctx=ctx, output=handle)
    handle.seek(0)
    response = FileResponse(handle, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, export_filename(ctx))
    response["Cache-Control"] = "no-store"
    return response
