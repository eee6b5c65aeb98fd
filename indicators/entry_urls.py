from django.urls import path

from indicators import deadline_views, entry_views, history_views

app_name = "entry"
urlpatterns = [
    path("", entry_views.index, name="index"),
    path("<fy:year>/<quarter:quarter>/", entry_views.quarter, name="quarter"),
    path("<fy:year>/<quarter:quarter>/indicator/<int:indicator_pk>/", entry_views.quarter, name="indicator"),
    path("<fy:year>/<quarter:quarter>/template.xlsx", entry_views.template_download, name="template"),
    path("<fy:year>/<quarter:quarter>/upload/", entry_views.upload, name="upload"),
    path("<fy:year>/<quarter:quarter>/review/", entry_views.review, name="review"),
    path("<fy:year>/<quarter:quarter>/review/approve/", entry_views.bulk_approve, name="bulk_approve"),
    path("<fy:year>/deadlines/", deadline_views.deadline_list, name="deadlines"),
    path("<fy:year>/<quarter:quarter>/lock/", entry_views.lock, name="lock"),
    path("<fy:year>/<quarter:quarter>/unlock/", entry_views.unlock, name="unlock"),
    path("actual/<int:pk>/approve/", entry_views.approve, name="approve"),
    path("actual/<int:pk>/return/", entry_views.return_, name="return"),
    path("actual/<int:pk>/reopen/", entry_views.reopen, name="reopen"),
    path("history/indicator/<int:pk>/", history_views.indicator_history, name="history_indicator"),
    path("history/<fy:year>/<quarter:quarter>/", history_views.quarter_history, name="history_quarter"),
]
