from django.urls import path

from indicators import entry_views, history_views

app_name = "entry"
urlpatterns = [
    path("", entry_views.index, name="index"),
    path("<int:year>/<int:quarter>/", entry_views.quarter, name="quarter"),
    path("<int:year>/<int:quarter>/indicator/<int:indicator_pk>/", entry_views.quarter, name="indicator"),
    path("<int:year>/<int:quarter>/template.xlsx", entry_views.template_download, name="template"),
    path("<int:year>/<int:quarter>/upload/", entry_views.upload, name="upload"),
    path("<int:year>/<int:quarter>/review/", entry_views.review, name="review"),
    path("<int:year>/<int:quarter>/lock/", entry_views.lock, name="lock"),
    path("<int:year>/<int:quarter>/unlock/", entry_views.unlock, name="unlock"),
    path("actual/<int:pk>/approve/", entry_views.approve, name="approve"),
    path("actual/<int:pk>/return/", entry_views.return_, name="return"),
    path("actual/<int:pk>/reopen/", entry_views.reopen, name="reopen"),
    path("history/indicator/<int:pk>/", history_views.indicator_history, name="history_indicator"),
    path("history/<int:year>/<int:quarter>/", history_views.quarter_history, name="history_quarter"),
]
