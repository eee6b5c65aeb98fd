from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def plan_overview(request):
    return render(request, "measures/overview.html", {})
