from django.urls import path

from indicators import dashboard_views

app_name = "dashboard"
urlpatterns = [
    path("", dashboard_views.overview, name="overview"),
]
