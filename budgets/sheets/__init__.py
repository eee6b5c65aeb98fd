"""The budgets' sheets of the auditors' workbook: one per 勘定, 予算執行 and 端数差異."""
