from django.urls import path

from dashboard import views as dashboard_views
from evaluation import self_views

app_name = "dashboard"
urlpatterns = [
    path("", dashboard_views.overview, name="overview"),
    path("<fy:year>/pillar/<int:number>/", dashboard_views.pillar, name="pillar"),
    path("<fy:year>/completeness/", dashboard_views.completeness, name="completeness"),
    path("indicator/<int:pk>/", dashboard_views.indicator, name="indicator"),
    # The final 評定 is set on the self-evaluation page now; the old address still takes the form.
    path("indicator/<int:pk>/rating/", self_views.indicator_rating, name="final_rating"),
    path("budget/", dashboard_views.budget, name="budget"),
]
