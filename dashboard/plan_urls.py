from django.urls import path

from dashboard import plan_views as views

app_name = "measures"
urlpatterns = [
    path("", views.plan_overview, name="overview"),
    path("chapter/<int:number>/", views.chapter_detail, name="chapter"),
    path("revisions/", views.revision_list, name="revisions"),
    path("revisions/<int:pk>/", views.revision_detail, name="revision"),
]
