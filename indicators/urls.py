from django.urls import path

from indicators import target_views, views

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("targets/", target_views.target_list, name="targets"),
    path("<int:pk>/target/", target_views.target_edit, name="target_edit"),
]
