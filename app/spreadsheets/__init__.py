"""Spreadsheets in and out: the workbook format, its reader and writer, imports, exports."""
