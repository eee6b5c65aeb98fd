from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.shortcuts import redirect
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
