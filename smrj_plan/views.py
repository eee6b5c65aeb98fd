from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from smrj_plan import permissions


@login_required
def home(request):
    """Send each role to where its work starts."""
    return redirect(permissions.start_page(request.user))


class PasswordChange(PasswordChangeView):
    """After a password change every session ends, this one included, and the user signs in again."""

    success_url = reverse_lazy("login")

    def form_valid(self, form):
        form.save()
        logout(self.request)
        messages.success(self.request, "パスワードを変更しました。新しいパスワードでログインしてください。")
        return redirect(self.success_url)


CSRF_REFUSED = (
    "画面を開いてから時間がたったか、別の画面でログインし直したため、この送信を受け付けられませんでした。"
    "何も保存していません。画面を開き直してから、もう一度操作してください。"
)


def csrf_failure(request, reason=""):
    """A form sent with a stale or missing CSRF token: the site's Japanese 403 page, saying what to do."""
    return render(request, "403.html", {"exception": CSRF_REFUSED, "stale_form": True}, status=403)
