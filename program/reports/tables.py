"""A table on an HR page, written once and shown twice: as HTML (beside its chart) and as CSV.

Cells hold raw values; each column's kind says how to show them. None means "hidden" (a cell
under the minimum group size) or "nothing to show", and prints as an em dash; words in a
number's place (such as "not reached") are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.translation import gettext as _

from accounts.csv_safe import write_csv

HIDDEN = "—"


@dataclass(frozen=True)
class Column:
    label: str
    # text, a key of FORMATS, one of those + "_ci" (a (low, high) pair), or "count_share"
    # (a (count, share of the row) pair).
    kind: str = "text"

    @property
    def pair(self) -> tuple[str, str] | None:
        """The CSV headers of a two-value column; None for a one-value column."""
        if self.kind.endswith("_ci"):
            return (_("%(label)s (low)") % {"label": self.label},
                    _("%(label)s (high)") % {"label": self.label})
        if self.kind == "count_share":
            return self.label, _("%(label)s (share)") % {"label": self.label}
        return None


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    chart: dict | None = None  # {"type", "labels", "datasets", ...} for static/js/charts.js

    @property
    def wide(self) -> bool:
        """Too many columns to sit beside a chart: the table goes under it instead."""
        return len(self.columns) > 4

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.slug}"

    def display_rows(self) -> list[list[dict]]:
        return [[{"text": _show(value, column.kind), "numeric": column.kind != "text",
                  "header": index == 0}
                 for index, (column, value) in enumerate(zip(self.columns, row, strict=True))]
                for row in self.rows]

    def csv_rows(self) -> list[list]:
        header = []
        for column in self.columns:
            header += list(column.pair or [column.label])
        lines = [header]
        for row in self.rows:
            line = []
            for column, value in zip(self.columns, row, strict=True):
                if column.pair and isinstance(value, str):  # words for both ends
                    line += [value, value]
                elif column.pair and value and column.kind.endswith("_ci") and value[1] is None:
                    line += [_raw(value[0]), _("not reached")]  # as the page shows it
                elif column.pair:
                    line += [_raw(v) for v in (value or (None, None))]
                else:
                    line.append(_raw(value))
            lines.append(line)
        return lines


def _raw(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


FORMATS = {
    "int": lambda v: f"{v:,}",
    "pct": lambda v: f"{v * 100:.0f}%",
    # a difference of two rates, in points
    "diff": lambda v: _("%(points)s pts") % {"points": f"{v * 100:+.0f}"},
    "num": lambda v: f"{v:+.2f}",
    "months": lambda v: f"{v:.1f}",
    "months_diff": lambda v: f"{v:+.1f}",
}


def _show(value, kind: str) -> str:
    if value is None:
        return HIDDEN
    if isinstance(value, str):  # words in a number's place, e.g. "not reached"
        return value
    if kind == "count_share":
        count, share = value
        if count is None:
            return HIDDEN
        return f"{count:,}" + ("" if share is None else f" ({share * 100:.0f}%)")
    if kind.endswith("_ci"):
        fmt = FORMATS[kind.removesuffix("_ci")]
        low, high = value
        return _("%(low)s to %(high)s") % {"low": HIDDEN if low is None else fmt(low),
                                           "high": _("not reached") if high is None else fmt(high)}
    return FORMATS.get(kind, str)(value)


def csv_response(table: Table, filename: str,
                 heading: list[tuple[str, str]] | None = None) -> HttpResponse:
    """The table as CSV; `heading` (label, value) rows come first, then an empty row."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (en dashes, accents)
    write_csv(response, [*heading, [], *table.csv_rows()] if heading else table.csv_rows())
    return response
