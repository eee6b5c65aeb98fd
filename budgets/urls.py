from django.urls import path

from budgets import views

app_name = "budgets"
urlpatterns = [
    path("", views.index, name="index"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("execution/<slug:account>/", views.execution, name="execution"),
    path("execution/<slug:account>/q<quarter:quarter>/", views.execution_save, name="execution_save"),
    path("execution/<slug:account>/approve/", views.execution_bulk_approve, name="execution_bulk_approve"),
    path("execution/line/<int:row>/<int:column>/", views.execution_line, name="execution_line"),
    path("execution/entry/<int:pk>/action/", views.execution_action, name="execution_action"),
    path("execution/entry/<int:pk>/history/", views.execution_history, name="execution_history"),
    path("<slug:kind>/<slug:account>/", views.table, name="table"),
]
