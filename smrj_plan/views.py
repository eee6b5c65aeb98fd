from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.shortcuts import redirect
from django.urls import reverse_lazy

from smrj_plan import roles


@login_required
def home(request):
    """Send each role to where its work starts."""
    user = request.user
    if roles.is_manager(user):
        return redirect("dashboard:overview")
    if roles.is_auditor(user):
        return redirect("reports:index")
    if roles.is_staff_member(user):
        return redirect("entry:index")
    return redirect("measures:overview")


class PasswordChange(PasswordChangeView):
    """After a password change every session ends, this one included, and the user signs in again."""

    success_url = reverse_lazy("login")

    def form_valid(self, form):
        form.save()
        logout(self.request)
        messages.success(self.request, "パスワードを変更しました。新しいパスワードでログインしてください。")
        return redirect(self.success_url)
