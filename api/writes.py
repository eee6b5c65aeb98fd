"""POST /api/v1/actuals/: a 担当者 saves (下書き) or submits (提出) one actual of their own department.

The same path as the entry page: the page's form parses and checks the figures (Japanese messages by field),
then indicators.services.actual_save / actual_submit apply the version check, the row lock, the quarter lock,
the state rules and the history with its reason. Save and submit run in one transaction, and with the
Idempotency-Key record, so a refused submit leaves no saved draft behind and a retried request changes nothing
a second time."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response

from api import adapters, serializers, services
from api.errors import INVALID, error_response, validation_errors
from indicators.models import Indicator
from smrj_plan.workflow import ConcurrentEditError

# Printable ASCII without spaces: what clients generate (UUIDs, random tokens), and safe to store and log.
IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,255}")
REASON_SAVE = "下書き保存（API）"


class Refused(Exception):
    """A refusal decided inside the write's transaction: rolls it back, then becomes this response."""

    def __init__(self, response: Response):
        super().__init__(response.data.get("detail", ""))
        self.response = response


def _text(value):
    """A JSON value as the form reads it: numbers as their exact text, null as blank. Anything else (a list,
    an object, true/false) is not a figure."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, (int, Decimal)):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, str):
        return value
    raise TypeError


def actual_write(request) -> Response:
    user = request.user
    adapters.require_entry(user)  # 403 for 管理者・監査担当・役割なし: nobody but a 担当者 enters actuals
    key = request.headers.get("Idempotency-Key", "")
    if not IDEMPOTENCY_KEY.fullmatch(key):
        return error_response(
            "Idempotency-Key ヘッダーに、要求ごとに一意な文字列（1〜255文字の英数字・記号、空白なし）を指定してください。"
            "同じ要求を送り直すときは同じキーを使います。",
            status_code=status.HTTP_400_BAD_REQUEST,
            code="idempotency_key_required",
        )
    if not isinstance(request.data, dict):
        return error_response(
            "本文はJSONオブジェクトで送ってください。",
            status_code=status.HTTP_400_BAD_REQUEST,
            code="invalid_body",
        )
    fingerprint = services.request_fingerprint(method=request.method, path=request.path, data=request.data)
    try:
        status_code, body, replayed = services.idempotent_write(
            user=user, key=key, fingerprint=fingerprint, perform=lambda: _perform(request)
        )
    except services.IdempotencyMismatch:
        return error_response(
            "このIdempotency-Keyは別の内容の要求に使われています。新しい要求には新しいキーを使ってください"
            "（同じ要求の再送なら、最初と同じ内容を送ってください）。",
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            code="idempotency_key_reused",
        )
    except Refused as refused:
        return refused.response
    response = Response(body, status=status_code)
    if replayed:
        response["Idempotency-Replayed"] = "true"
    return response


def _perform(request) -> tuple[int, dict]:
    """Validate, save and (if asked) submit; raise Refused to roll everything back with an error answer."""
    user = request.user
    data = request.data
    unknown = sorted(set(data) - set(serializers.ActualWriteSerializer().fields))
    if unknown:
        raise Refused(
            error_response(
                INVALID,
                status_code=400,
                errors={name[:50]: ["この項目は受け付けません。"] for name in unknown[:20]},
            )
        )
    head_fields = serializers.ActualWriteHead().fields
    head = serializers.ActualWriteHead(data={k: v for k, v in data.items() if k in head_fields})
    if not head.is_valid():
        raise Refused(error_response(INVALID, status_code=400, errors=head.errors))
    checked = head.validated_data
    fiscal_year = adapters.fiscal_year_get(checked["year"])
    quarter = checked["quarter"]
    # Another department's indicator is not found (404), as on the entry page.
    indicator = (
        adapters.indicators_visible(user=user, fiscal_year=fiscal_year)
        .filter(code=checked["indicator"])
        .first()
    )
    if indicator is None:
        raise Http404("指標が見つかりません（自部署の指標の番号を指定してください）。")
    allowed = set(adapters.actual_input_fields(indicator))
    errors = {
        name: [f"この指標（{indicator.get_kind_display()}）では使わない項目です。"]
        for name in serializers.FIGURE_INPUTS
        if name in data and name not in allowed and data[name] not in (None, "")
    }
    form_data = {}
    for name in allowed:
        try:
            form_data[name] = _text(data.get(name))
        except TypeError:
            errors[name] = ["文字列または数値で指定してください。"]
    if errors:
        raise Refused(error_response(INVALID, status_code=400, errors=errors))
    form_data["version"] = str(checked["version"])
    form = adapters.actual_form(indicator=indicator, fiscal_year=fiscal_year, data=form_data)
    if not form.is_valid():
        form_errors = {
            ("non_field_errors" if name == "__all__" else name): list(messages)
            for name, messages in form.errors.items()
        }
        raise Refused(error_response(INVALID, status_code=400, errors=form_errors))
    if adapters.quarter_is_locked(fiscal_year, quarter):
        raise Refused(
            error_response(
                f"{fiscal_year.short_label}第{quarter}四半期は締め済みのため変更できません。",
                status_code=status.HTTP_409_CONFLICT,
                code="quarter_locked",
            )
        )
    submit = checked["action"] == "submit"
    try:
        with transaction.atomic():
            actual = adapters.actual_save(
                indicator=indicator,
                fiscal_year=fiscal_year,
                quarter=quarter,
                user=user,
                data=form.figure_data(),
                expected_version=form.expected_version(),
                reason=REASON_SAVE,
            )
            if actual is None:
                raise Refused(
                    error_response(
                        "値が入力されていないため、保存するものがありません。",
                        status_code=400,
                        code="empty",
                    )
                )
            unchanged = getattr(actual, "unchanged", False)
            created = checked["version"] == 0 and not unchanged
            result = "unchanged" if unchanged else ("created" if created else "updated")
            if submit:
                actual = adapters.actual_submit(actual=actual, user=user, expected_version=actual.version)
                result = "submitted"
    except ConcurrentEditError as exc:
        raise Refused(
            error_response(
                adapters.actual_conflict_message(exc.current),
                status_code=status.HTTP_409_CONFLICT,
                code="version_conflict",
            )
        ) from None
    except ValidationError as exc:
        raise Refused(error_response(INVALID, status_code=400, errors=validation_errors(exc))) from None
    actual = _reloaded(actual)
    from api.views import actual_row

    body = serializers.ActualWriteResultSerializer({"result": result, "actual": actual_row(actual)}).data
    return (status.HTTP_201_CREATED if created else status.HTTP_200_OK), dict(body)


def _reloaded(actual):
    from indicators.models import Actual

    return Actual.objects.select_related(
        "indicator__department", "fiscal_year", "updated_by", "submitted_by", "reviewed_by"
    ).get(pk=actual.pk)


__all__ = ["Indicator"]
