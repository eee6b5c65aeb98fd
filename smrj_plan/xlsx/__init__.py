"""The workbook\x27s cell writers, the streamed sheet and the export context, shared by every app\x27s sheets."""
