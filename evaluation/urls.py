from django.urls import path

from evaluation import progress_views, self_views

app_name = "evaluation"
urlpatterns = [
    # The measures' quarterly 取組状況
    path("", progress_views.index, name="index"),
    path("<fy:year>/<quarter:quarter>/", progress_views.quarter, name="quarter"),
    path(
        "<fy:year>/<quarter:quarter>/measure/<int:measure_pk>/", progress_views.quarter, name="measure_entry"
    ),
    path("<fy:year>/<quarter:quarter>/review/", progress_views.review, name="review"),
    path("progress/<int:pk>/approve/", progress_views.approve, name="approve"),
    path("progress/<int:pk>/return/", progress_views.return_, name="return"),
    path("progress/<int:pk>/reopen/", progress_views.reopen, name="reopen"),
    path("measure/<int:pk>/history/", progress_views.measure_history, name="measure_history"),
    path("measure/<int:pk>/department/", progress_views.measure_department, name="measure_department"),
    path("<fy:year>/measures/", progress_views.measure_list, name="measure_list"),
    # The year-end self-evaluation per 評価項目
    path("<fy:year>/self-evaluation/", self_views.index, name="self_index"),
    path("<fy:year>/self-evaluation/documents.zip", self_views.documents, name="self_documents"),
    path("<fy:year>/self-evaluation/<str:code>/", self_views.item, name="self_item"),
    path("<fy:year>/self-evaluation/<str:code>/document.docx", self_views.document, name="self_document"),
    path("self-evaluation/<int:pk>/approve/", self_views.approve, name="self_approve"),
    path("self-evaluation/<int:pk>/return/", self_views.return_, name="self_return"),
    path("self-evaluation/<int:pk>/reopen/", self_views.reopen, name="self_reopen"),
    path("indicator/<int:pk>/rating/", self_views.indicator_rating, name="indicator_rating"),
]
