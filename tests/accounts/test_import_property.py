"""Property: whatever rows arrive, every import kind ends in a clean import or a clean refusal
(problems by row and column), never an exception, and a refusal writes nothing at all.

Rows mix values that could be right (existing employee ids, every choice the models know,
dates from year 1 to 9999) with hostile ones (NUL, quotes, new lines, formulas, very long text,
any Unicode), so both outcomes are exercised.
"""

import csv
import datetime
import io

import pytest
from django.apps import apps
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.importing import importers, run_import
from accounts.models import AuditEvent, CareerEvent
from matching.relationships.models import RelationshipStatus, SurveyResponse
from matching.sponsorship.models import AdvocacyRecord
from tests import factories

KNOWN = sorted({
    *RelationshipStatus.values, *CareerEvent.Kind.values, *AdvocacyRecord.Kind.values,
    *AdvocacyRecord.Visibility.values, *AdvocacyRecord.Outcome.values,
    *SurveyResponse.Kind.values, *SurveyResponse.Phase.values,
    "1", "3", "5", "0", "-1", "21", "Europe/Paris", "Not/AZone", "a@b.co", "not an email",
    "Python;Go", "=HYPERLINK(\"x\")", "9999-12-31", "0001-01-01", "2024-02-30",
})
EMPLOYEE_IDS = ["P1", "P2", "P3", "P4"]

hostile = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["\x00", '"', "\n", ",", "  ", "\r\n", "é" * 3, "💥"]),
    st.integers(150, 6000).map(lambda n: "x" * n),
)
day = st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(str)
recent = st.dates(datetime.date(2020, 1, 1), datetime.date.today()).map(str)
value = st.one_of(st.sampled_from(KNOWN), st.sampled_from(EMPLOYEE_IDS), recent, day,
                  st.just(""), hostile)


def _state() -> dict[str, int]:
    """How many rows every table holds, but the audit trail (a refusal is audited)."""
    return {model._meta.label: model.objects.count()
            for model in apps.get_models() if model is not AuditEvent
            and model._meta.app_label in ("accounts", "matching")}


@pytest.fixture
def organisation(db):
    boss = factories.PersonFactory(employee_id="P1", level=9, hire_date=datetime.date(2019, 1, 1))
    for pk in EMPLOYEE_IDS[1:]:
        factories.PersonFactory(employee_id=pk, manager=boss, hire_date=datetime.date(2020, 1, 1))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(importers()))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_import_kind_imports_cleanly_or_refuses_cleanly(organisation, kind, data):
    columns = [c.name for c in importers()[kind].columns]
    header = data.draw(st.one_of(st.just(columns), st.permutations(columns),
                                 st.lists(st.sampled_from([*columns, "bogus"]), max_size=8)))
    rows = data.draw(st.lists(st.lists(value, min_size=len(header), max_size=len(header)),
                              max_size=6))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    raw = out.getvalue().encode()
    if data.draw(st.booleans(), label="append raw bytes"):
        raw += data.draw(st.binary(max_size=20))
    before = _state()
    result = run_import(kind, raw)
    event("imported" if result.ok else "refused")
    if not result.ok:
        assert all(str(p) for p in result.problems)
        assert _state() == before, "a refused file wrote something"
    else:
        assert result.created + result.updated <= result.rows
