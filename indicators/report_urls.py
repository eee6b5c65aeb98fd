from django.urls import path

from indicators import report_views

app_name = "reports"
urlpatterns = [
    path("", report_views.index, name="index"),
    path("download/", report_views.download, name="download"),
]
