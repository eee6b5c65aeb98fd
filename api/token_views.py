"""The 「APIトークン」 page: each person creates, sees and revokes their own tokens (session login only).

A new token's secret is shown once, in the answer to the POST that created it, and never again."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from api import selectors, services


class TokenForm(forms.Form):
    name = forms.CharField(
        label="名前",
        max_length=100,
        error_messages={"required": "名前を入力してください。"},
        help_text="何に使うトークンか（例: Excel 集計用、共済システム連携）",
    )
    scope = forms.ChoiceField(label="範囲", choices=())
    days = forms.TypedChoiceField(label="有効期間", coerce=int, choices=())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = services.token_scopes_for(user)
        self.fields["days"].choices = [
            (d, f"{d}日") for d in services.EXPIRY_CHOICES if d <= settings.API_TOKEN_MAX_DAYS
        ]
        self.fields["days"].initial = 90


def _page(request, form, new_token=None, status=200):
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": selectors.token_list_for_user(user=request.user),
            "new_token": new_token,
        },
        status=status,
    )
    # The page may show a secret once: never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def tokens(request):
    """The person's tokens, and the form that creates one (the secret is shown once, on this answer)."""
    if request.method != "POST":
        return _page(request, TokenForm(user=request.user))
    form = TokenForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        created = services.token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return _page(request, form, status=400)
    return _page(request, TokenForm(user=request.user), new_token=created)


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke one of the person's own tokens (another person's token is a 404)."""
    token = services.token_revoke(user=request.user, token_id=pk)
    messages.success(request, f"トークン「{token.name}」（{token.prefix}…）を失効させました。")
    return redirect("api:tokens")
