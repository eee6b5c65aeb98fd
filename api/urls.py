from django.urls import path

from api import docs_views, token_views, views

app_name = "api"
urlpatterns = [
    path("v1/fiscal-years/", views.FiscalYearList.as_view(), name="fiscal_years"),
    path("v1/plan/chapters/", views.ChapterList.as_view(), name="chapters"),
    path("v1/plan/pillars/", views.PillarList.as_view(), name="pillars"),
    path("v1/plan/headings/", views.HeadingList.as_view(), name="headings"),
    path("v1/plan/measures/", views.MeasureList.as_view(), name="measures"),
    path("v1/indicators/", views.IndicatorList.as_view(), name="indicators"),
    path("v1/actuals/", views.ActualList.as_view(), name="actuals"),
    path("v1/budgets/tables/", views.BudgetTableList.as_view(), name="budget_tables"),
    path(
        "v1/budgets/tables/<slug:kind>/<slug:account>/",
        views.BudgetTableDetail.as_view(),
        name="budget_table",
    ),
    path("v1/budgets/cells/", views.BudgetCellList.as_view(), name="budget_cells"),
    path("v1/budgets/reconciliation/", views.ReconciliationList.as_view(), name="reconciliation"),
    path("v1/budgets/execution/", views.ExecutionList.as_view(), name="execution"),
    path("v1/history/", views.HistoryList.as_view(), name="history"),
    path("schema/", docs_views.schema, name="schema"),
    path("docs/", docs_views.docs, name="docs"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
