"""All-or-nothing CSV imports, one Importer subclass per kind.

A kind registers itself with @register in its app's `importers` module (accounts/importers.py has
`people` and `career_events`; matching/importers.py the relationship kinds). Every import:

1. decodes the file as UTF-8 (a BOM is fine) and reads the header row;
2. checks every row against the columns (parsers raise ValueError with a plain message);
3. runs the kind's cross-row checks (duplicates, unknown references, cycles ...) on the rows
   that passed step 2, so a file's problems of both sorts are listed together;
4. writes everything in one transaction, or, if any problem was found, writes nothing and
   reports every problem by row and column.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first person row 2.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.dispatch import Signal
from django.utils.formats import number_format
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts.audit import audit_record
from accounts.models import Person
from accounts.planner import ANALYZE_MIN_ROWS, refresh_planner_statistics

# The most rows one file may hold. Most kinds hold every row while the file is checked (their
# cross-row checks need them all), so the limit bounds an import's memory; a larger file is
# refused before anything is written. People stream (Importer.streaming) and keep only
# about 250 bytes a row.
MAX_ROWS = 200_000
TOO_MANY_ROWS = gettext_noop("the file has more than {limit} rows; split it into files of at most "
                             "{limit} rows and import them one after the other")


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = str
    required: bool = True  # must be present in the header and non-blank in every row
    optional_header: bool = False  # may be missing from the header entirely
    max_length: int | None = None  # the stored field's max_length; None: CELL_MAX


# The longest value any cell may hold whatever its column (the longest free text a form takes is
# shorter): a longer one is refused before it is parsed, so no message repeats a huge value.
CELL_MAX = 5000
# Imports run one at a time: the second waits for the first to finish (PostgreSQL advisory lock,
# taken inside the import's transaction, so it is released however the import ends).
IMPORT_LOCK_KEY = 0x1D0C5F11
# How often (rows read) an import reports its progress to run_import's `progress` callback.
PROGRESS_EVERY = 1000


def text_column(model, field: str, name: str | None = None, **options) -> Column:
    """A free-text column as long as the model field that stores it allows."""
    return Column(name or field, max_length=model._meta.get_field(field).max_length, **options)


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("row {row}").format(row=self.row))
        if self.column:
            where.append(_("column {column}").format(column=self.column))
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.ok:
            return ngettext("Refused: {n} problem found; nothing was written.",
                            "Refused: {n} problems found; nothing was written.",
                            len(self.problems)).format(n=len(self.problems))
        counts = {"created": self.created, "updated": self.updated, "kind": kind_label(self.kind),
                  "rows": self.rows}
        if self.dry_run:
            return ngettext("Would create {created} and would update {updated} {kind} from "
                            "{rows} row.", "Would create {created} and would update {updated} "
                            "{kind} from {rows} rows.", self.rows).format(**counts)
        return ngettext("Created {created} and updated {updated} {kind} from {rows} row.",
                        "Created {created} and updated {updated} {kind} from {rows} rows.",
                        self.rows).format(**counts)


class ImportRefused(Exception):
    """Raised inside the write transaction to roll it back when a late problem appears."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


# Parsers shared by kinds. Each raises ValueError with a message a person can act on.


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("{value} is not a date; write it as YYYY-MM-DD").format(
            value=repr(value))) from None


def parse_int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError(_("{value} is not a whole number").format(value=repr(value))) from None


def parse_choice(choices: Iterable[str]) -> Callable[[str], str]:
    allowed = list(choices)

    def parse(value: str) -> str:
        value = value.strip().lower()
        if value not in allowed:
            raise ValueError(_("{value} is not one of: {allowed}").format(
                value=repr(value), allowed=", ".join(allowed)))
        return value

    return parse


def parse_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def parse_rating(value: str) -> int:
    number = parse_int(value)
    if not 1 <= number <= 5:
        raise ValueError(_("{number} is outside 1-5").format(number=number))
    return number


class Importer:
    kind: str = ""
    label: str = ""  # what the rows are, for people to read: plural, lower case ("career events")
    columns: list[Column] = []
    description: str = ""

    def __init__(self, progress: Callable[[int], None] | None = None) -> None:
        self.problems: list[Problem] = []
        self.progress = progress  # called with the rows read so far, every PROGRESS_EVERY rows

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(row, column, message))

    def person_ids(self, rows: list[dict], *columns: str) -> dict[str, int]:
        """Person ids by employee id for the given columns, in one query; a problem for each
        employee id that names nobody."""
        wanted = {row[c] for row in rows for c in columns if row.get(c)}
        found = dict(Person.objects.filter(employee_id__in=wanted)
                     .values_list("employee_id", "pk"))
        for row in rows:
            for column in columns:
                value = row.get(column)
                if value and value not in found:
                    self.problem(row["_row"], column,
                                 _("no person has employee_id {value}; import people first")
                                 .format(value=repr(value)))
        return found

    # Hooks for subclasses.

    def check(self, rows: list[dict]) -> None:
        """Cross-row checks and lookups; call self.problem() for each problem found."""

    def write(self, rows: list[dict]) -> tuple[int, int]:
        """Write every row (inside a transaction); return (created, updated)."""
        raise NotImplementedError

    def plan(self, rows: list[dict]) -> tuple[int, int] | None:
        """(created, updated) that write() would report, read without writing: a dry run then
        checks the rows and counts, instead of inserting every row and rolling back. Only for
        kinds whose write() finds no problem of its own (raises no ImportRefused); None (the
        default) makes the dry run write and roll back."""
        return None

    def collect(self, rows: Iterator[dict]) -> Any:
        """What check(), plan() and write() are given, read from the parsed rows (every row,
        each once, in file order). By default every row, in a list. A kind whose files are large
        (people: 100,000 rows) sets `streaming` and keeps only what its cross-row checks need
        here; its write() is then given the rows again, parsed a second time, one at a time."""
        return list(rows)

    # Streaming kinds: collect() keeps a summary, write() gets an iterator of the rows.
    streaming: bool = False

    # The fixed procedure.

    def run(self, data: bytes | str, *, dry_run: bool = False) -> ImportResult:
        """The import; its problems listed as HR reads the file: those of the whole file first,
        then row by row (on one row, in the order they were found)."""
        result = self._run(data, dry_run=dry_run)
        result.problems = sorted(result.problems,
                                 key=lambda p: (p.row is not None, p.row or 0))
        return result

    def _run(self, data: bytes | str, *, dry_run: bool) -> ImportResult:
        result = ImportResult(kind=self.kind, dry_run=dry_run)
        source = self._open(data)
        if source is None:  # not text, or a bad header row: nothing else is read
            result.problems = self.problems
            return result
        self._unreadable: set[int] = set()
        self._read_count = 0
        self._too_many = False
        collected = self.collect(self._parse(*source, progress=self.progress))
        result.rows = self._read_count
        if self._too_many or (self.problems and not result.rows):
            result.problems = self.problems
            return result
        if not self.streaming:
            # Cross-row checks see the rows whose every value parsed, so one pass lists both
            # kinds of problem (a bad date on row 3 and an unknown manager on row 7).
            rows = collected
            collected = [row for row in rows if row["_row"] not in self._unreadable]
        try:
            with transaction.atomic():
                _wait_for_other_imports()
                # Checks read what is stored, so they run in the queue too, on what the import
                # before this one wrote.
                self.check(collected)
                if self.problems:
                    raise ImportRefused(self.problems)
                if self.streaming:
                    collected = rows = None  # what the checks kept is not needed any more
                    rows = self._parse(*source, progress=None)
                # A dry run counts what write() would do without inserting every row, where the
                # kind can (plan); otherwise it writes and rolls back.
                planned = self.plan(rows) if dry_run else None
                if planned is not None:
                    result.created, result.updated = planned
                else:
                    result.created, result.updated = self.write(rows)
                if dry_run:
                    transaction.set_rollback(True)
        except ImportRefused as refused:
            result.problems = refused.problems
            result.created = result.updated = 0
            return result
        except DatabaseError as error:
            # A rule the checks missed but the database holds: refused, never a traceback.
            first_line = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
            result.problems = [Problem(None, None, _(
                "the database refused the file ({error}); nothing was written").format(
                    error=f"{type(error).__name__}: {first_line}"))]
            result.created = result.updated = 0
            return result
        if not dry_run:
            import_written.send(sender=type(self), kind=self.kind)
            if result.rows >= ANALYZE_MIN_ROWS:
                transaction.on_commit(refresh_planner_statistics)
        return result

    def run_records(self, records: list[dict[str, str]], *,
                    dry_run: bool = False) -> ImportResult:
        """The same import from records already split into columns (the API's JSON items):
        they are written as the CSV file an HR admin would upload and run through run(), so
        every rule is the file's. Problems are numbered by the record's index (from 0)."""
        names = [column.name for column in self.columns]
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(names)
        writer.writerows([record.get(name) or "" for name in names] for record in records)
        result = self.run(text.getvalue(), dry_run=dry_run)
        # Row 2 of the file is record 0 (row 1 is the header this method wrote).
        result.problems = [Problem(None if p.row is None else p.row - 2, p.column, p.message)
                           for p in result.problems]
        return result

    def _open(self, data: bytes | str) -> tuple[str, list[str]] | None:
        """The file's text and its header row (lower-cased column names), or None with the
        problems recorded when the file is not text or its header row is wrong."""
        if isinstance(data, bytes):
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                line = data[: error.start].count(b"\n") + 1
                self.problem(line, None, _("the file is not UTF-8 text (save it as CSV UTF-8 and "
                                           "upload again; the first bad byte is on line {line})")
                             .format(line=line))
                return None
        else:
            text = data.lstrip("\ufeff")
        if "\x00" in text:
            line = text[: text.index("\x00")].count("\n") + 1
            self.problem(line, None, _("contains a NUL character, which no text may hold; "
                                       "save the file again as CSV UTF-8"))
            return None
        reader = csv.reader(_lines(text))
        try:
            header = next(reader, None)
        except csv.Error as error:
            self.problem(1, None, _("cannot be read as CSV ({error})").format(error=error))
            return None
        if not header:
            self.problem(1, None, _("the file is empty; the first row must name the columns"))
            return None
        header = [name.strip().lower() for name in header]
        known = {column.name for column in self.columns}
        for column in self.columns:
            if column.name not in header and not column.optional_header:
                self.problem(1, column.name, _("this column is missing from the header row"))
        for name in header:
            if name and name not in known:
                self.problem(1, name, _("unknown column; expected: {columns}").format(
                    columns=", ".join(sorted(known))))
        for name in sorted({name for name in header if header.count(name) > 1}):
            if name:
                self.problem(1, name, _("this column appears more than once in the header row; "
                                        "keep one"))
            else:
                self.problem(1, None, _("more than one column of the header row has no name; "
                                        "name each column or remove it"))
        if self.problems:
            return None
        return text, header

    def _parse(self, text: str, header: list[str], *,
               progress: Callable[[int], None] | None) -> Iterator[dict]:
        """Each non-blank row of the file after the header, parsed column by column (one row at
        a time: the file's text is read as it goes, never split into all its rows at once).
        Every problem is recorded with its row and column; a row with one is yielded too, and
        its number is in self._unreadable. Stops at MAX_ROWS + 1 rows (self._too_many)."""
        reader = csv.reader(_lines(text))
        next(reader, None)  # the header, read by _open
        # Each column with where it is in a record (None: not in the file) and its longest value.
        where = {name: index for index, name in enumerate(header)}
        columns = [(column, column.name, where.get(column.name), column.max_length or CELL_MAX)
                   for column in self.columns]
        width = len(header)
        count = 0
        for number, values in _records(reader, self):
            if not any(value.strip() for value in values):
                continue
            if count == MAX_ROWS:
                self.problem(number, None, _(TOO_MANY_ROWS).format(
                    limit=number_format(MAX_ROWS, force_grouping=True)))
                self._too_many = True
                return
            problems_before = len(self.problems)
            if len(values) != width:
                self.problem(number, None, _("has {values} values but the header has {columns} "
                                             "columns").format(values=len(values), columns=width))
                self._unreadable.add(number)
                continue
            row = {"_row": number}
            for column, name, index, longest in columns:
                value = values[index].strip() if index is not None else ""
                if not value:
                    if column.required:
                        self.problem(number, name, _("is blank; a value is required"))
                    row[name] = None
                    continue
                if len(value) > longest:
                    self.problem(number, name, _(
                        "is {length} characters long; at most {longest} fit").format(
                            length=len(value), longest=longest))
                    continue
                if column.parse is str:
                    row[name] = value
                    continue
                try:
                    row[name] = column.parse(value)
                except ValueError as error:
                    self.problem(number, name, str(error))
            if len(self.problems) > problems_before:
                self._unreadable.add(number)
            count += 1
            self._read_count = count
            yield row
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)


# A line of the file: up to and including its end (\n, \r\n or a lone \r), or the last line
# without one. The same lines io.StringIO(text, newline="") gives, without copying the text.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    for match in _LINE.finditer(text):
        yield match.group()


def _records(reader, importer: Importer):
    """(row number, values) for each record; a record the csv module cannot read (a quoted
    field longer than its limit, say) is a problem on its row and ends the reading."""
    number = 1
    while True:
        number += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            importer.problem(number, None, _("cannot be read as CSV ({error})").format(error=error))
            return
        yield number, values


def _wait_for_other_imports() -> None:
    """Queue behind any import running now (PostgreSQL). SQLite lets one writer in at a time
    by itself; the second import waits for the database lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


IMPORTERS: dict[str, type[Importer]] = {}

# Sent (sender: the Importer class, kind=...) after an import wrote its rows, inside the caller's
# transaction. Imports write in bulk, which sends no model signals; caches of what an import may
# change listen to this instead (matching/mentorship/pool.py).
import_written = Signal()


def register(importer: type[Importer]) -> type[Importer]:
    IMPORTERS[importer.kind] = importer
    return importer


def kind_label(kind: str) -> str:
    """What an import's rows are, in the reader's language ("career events", not
    career_events)."""
    importer = IMPORTERS.get(kind)
    if importer is None or not importer.label:
        return kind.replace("_", " ")
    return str(importer.label)


def importers() -> dict[str, type[Importer]]:
    autodiscover_modules("importers")
    return dict(sorted(IMPORTERS.items()))


def run_import(kind: str, data: bytes | str, *, dry_run: bool = False, by: Any = None,
               file_name: str = "", progress: Callable[[int], None] | None = None
               ) -> ImportResult:
    """Run one import; a real one (not a check) is recorded in the audit trail, refused or not,
    with who ran it (a user or request; None: a command), the file name and the counts.
    `progress`, if given, is called with the rows read so far every PROGRESS_EVERY rows."""
    available = importers()
    if kind not in available:
        raise KeyError(f"Unknown import kind {kind!r}; choose one of: {', '.join(available)}")
    result = available[kind](progress=progress).run(data, dry_run=dry_run)
    if not dry_run:
        audit_record(by, "import.run" if result.ok else "import.refused",
                     summary=f"{kind} from {file_name or 'a file'}: {result.summary()}",
                     kind=kind, file_name=file_name[:200], rows=result.rows,
                     created=result.created, updated=result.updated,
                     problems=len(result.problems))
    return result


class Duplicates:
    """Finds rows whose `column` repeats an earlier row's, one row at a time (a streaming kind
    feeds it as it reads; find_duplicates feeds it a list): the message names the first row."""

    def __init__(self, column: str, *, normalise: Callable[[Any], Any] = lambda v: v) -> None:
        self.column, self.normalise = column, normalise
        self.seen: dict[Any, int] = {}

    def problem(self, row: dict) -> Problem | None:
        value = row.get(self.column)
        if value is None:
            return None
        key = self.normalise(value)
        first = self.seen.setdefault(key, row["_row"])
        if first != row["_row"]:
            return Problem(row["_row"], self.column, _("{value} is already used on row {row}")
                           .format(value=repr(value), row=first))
        return None


def find_duplicates(importer: Importer, rows: list[dict], column: str, *,
                    normalise: Callable[[Any], Any] = lambda v: v) -> None:
    """Report every row whose `column` repeats an earlier row's."""
    duplicates = Duplicates(column, normalise=normalise)
    for row in rows:
        problem = duplicates.problem(row)
        if problem is not None:
            importer.problems.append(problem)


def existing_values(model, field: str, values: Iterable) -> set:
    """Which of `values` some row of `model` already has in `field` (one query per 20,000)."""
    values = list(dict.fromkeys(values))
    found: set = set()
    for start in range(0, len(values), 20_000):
        found.update(model.objects.filter(**{f"{field}__in": values[start:start + 20_000]})
                     .values_list(field, flat=True))
    return found


def among(model, field: str, values) -> Q | RawSQL:
    """A filter: `field` (a column of `model` itself) is one of `values`. On PostgreSQL one
    array parameter (`= ANY(%s)`): a list of 5,000 employee ids as `IN (...)` is 5,000
    placeholders that the driver parses and quotes one at a time. Elsewhere `__in`."""
    values = list(values)
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": values})
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
    # The identifiers come from the model, quoted; the values are one parameter.
    return RawSQL(f"{column} = ANY(%s)", [values], output_field=BooleanField())  # noqa: S611


def reserve_ids(model, count: int) -> list[int]:
    """`count` new primary keys from the table's sequence (PostgreSQL), for rows written by
    COPY, which returns none."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, count])
        return [pk for (pk,) in cursor.fetchall()]


def bulk_update(objs: list, fields: list[str], *, batch_size: int = 5000) -> None:
    """Save `fields` of many existing rows of one model: like QuerySet.bulk_update, but on
    PostgreSQL one `UPDATE ... FROM (VALUES ...)` per batch (a join on the primary key), where
    Django's bulk_update builds a CASE of every row per field and the database walks it for
    each row (100,000 people: minutes). Elsewhere, Django's bulk_update."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=batch_size)
        return
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    # Each value cast to its column's type (a foreign key's db_type is its target's).
    casts = ", ".join(f"%s::{field.db_type(connection)}" for field in [pk, *columns])
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    names = ", ".join(quote(f.column) for f in [pk, *columns])
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start:start + batch_size]
            params = []
            for obj in batch:
                params.append(pk.get_db_prep_value(obj.pk, connection))
                for field in columns:
                    params.append(field.get_db_prep_save(getattr(obj, field.attname),
                                                         connection))
            values = ", ".join([f"({casts})"] * len(batch))
            cursor.execute(  # identifiers quoted from the model, every value a parameter
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608
                f"FROM (VALUES {values}) AS v({names}) "
                f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}", params)
