"""Errors as JSON with Japanese messages: {"detail": "…", "errors": {"field": ["…"]}}.

DRF's own errors keep its status codes; Django's PermissionDenied and Http404 (raised by the selectors and
services the pages use) keep their Japanese messages; a Django ValidationError from a service becomes a 400 with
its messages by field, the form's way."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"
INVALID = "入力に誤りがあります。"


def validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as {field: [messages]}, messages without a field under non_field_errors."""
    if hasattr(exc, "error_dict"):
        return {NON_FIELD if name == "__all__" else name: msgs for name, msgs in exc.message_dict.items()}
    return {NON_FIELD: list(exc.messages)}


def error_response(detail: str, *, status_code: int, errors: dict | None = None, code: str = "") -> Response:
    body = {"detail": detail}
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code)


def _message(exc, default: str) -> str:
    text = " ".join(str(a) for a in getattr(exc, "args", ()) if a)
    return text or default


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return error_response(INVALID, status_code=status.HTTP_400_BAD_REQUEST, errors=validation_errors(exc))
    if isinstance(exc, Http404):
        return error_response(_message(exc, "見つかりません。"), status_code=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(
            _message(exc, "この操作を行う権限がありません。"), status_code=status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, exceptions.Throttled):
        wait = f"{int(exc.wait) + 1}秒後に" if exc.wait is not None else "しばらく待ってから"
        response = error_response(
            f"要求が多すぎます。{wait}もう一度お試しください。", status_code=status.HTTP_429_TOO_MANY_REQUESTS
        )
        if exc.wait is not None:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        errors = detail if isinstance(detail, dict) else {NON_FIELD: detail}
        return error_response(INVALID, status_code=exc.status_code, errors=errors)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response
