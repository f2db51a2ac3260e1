"""Every CSV the app writes goes through here, so no cell can run as a spreadsheet formula.

A cell that starts with = + - @, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`, `@SUM(1+1)`), whatever
column it is in and whoever typed it (a department or a self-described gender in an import).
Such a cell is written with a leading apostrophe: shown as text, never evaluated (OWASP's advice).
A plain number (-0.0500, a difference of rates) is left alone: it is not a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def formula_safe(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(stream, rows: Iterable[Iterable]) -> None:
    """Write rows of cells to a file-like object (an HttpResponse), every cell formula-safe."""
    writer = csv.writer(stream)
    for row in rows:
        writer.writerow([formula_safe(cell) for cell in row])
