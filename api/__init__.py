"""The JSON/CSV API under /api/v1/ (README「API」): a third reader of the same selectors as the pages and the
workbook, and a writer of actuals through the same services as the entry page."""
