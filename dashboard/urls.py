from django.urls import path

from dashboard import views as dashboard_views

app_name = "dashboard"
urlpatterns = [
    path("", dashboard_views.overview, name="overview"),
    path("<fy:year>/pillar/<int:number>/", dashboard_views.pillar, name="pillar"),
    path("indicator/<int:pk>/", dashboard_views.indicator, name="indicator"),
    path("indicator/<int:pk>/rating/", dashboard_views.final_rating, name="final_rating"),
    path("budget/", dashboard_views.budget, name="budget"),
]
