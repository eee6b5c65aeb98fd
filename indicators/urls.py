from django.urls import path

from indicators import period_views, target_views, views

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("targets/", target_views.target_list, name="targets"),
    path("mid-term/", period_views.mid_term, name="mid_term"),
    path("<int:pk>/target/", target_views.target_edit, name="target_edit"),
]
