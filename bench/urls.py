"""The app's URLs plus the benchmark's floors, both behind login and the full middleware stack (session,
authentication, CSP, history, axes):

- /bench/floor/: the site's base template with no content (navigation, role badge, the roles context
  processor), the cheapest real page of the app; the dashboard's ratio is taken against this one;
- /bench/bare/: a plain-text HttpResponse, Django's own minimum, shown for reference."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from smrj_plan.urls import urlpatterns as app_urlpatterns


@login_required
def floor(request):
    return render(request, "base.html")


@login_required
def bare(request):
    return HttpResponse(f"ok {request.user.username}", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/bare/", bare, name="bench_bare"),
    *app_urlpatterns,
]
