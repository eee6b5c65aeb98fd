from django.urls import path

from indicators import entry_views

app_name = "entry"
urlpatterns = [
    path("", entry_views.index, name="index"),
]
