"""The auditors' Excel workbook (see workbook.py)."""

from .workbook import CONTENT_TYPE, export_context_build, export_filename, workbook_write

__all__ = ["CONTENT_TYPE", "export_context_build", "export_filename", "workbook_write"]
