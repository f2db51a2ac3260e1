import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.importing import run_import
from accounts.models import CareerEvent
from accounts.services import (
    CAREER_EVENT_BEFORE_HIRE,
    CAREER_EVENT_DUPLICATE,
    CAREER_EVENT_IN_FUTURE,
    career_event_record,
)

TODAY = timezone.localdate()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", CareerEvent.Kind.values)
def test_hr_records_every_kind_of_career_event(eve, hana, kind):
    event = career_event_record(person=eve, kind=kind, occurred_on=TODAY, recorded_by=hana.user)
    assert event.kind == kind and event.recorded_by == hana.user


@pytest.mark.django_db
def test_a_career_event_in_the_future_is_refused(eve):
    with pytest.raises(ValidationError) as error:
        career_event_record(person=eve, kind="promotion",
                            occurred_on=TODAY + datetime.timedelta(days=1))
    assert error.value.message_dict == {"occurred_on": [CAREER_EVENT_IN_FUTURE]}
    assert not CareerEvent.objects.exists()


@pytest.mark.django_db
def test_a_career_event_before_the_hire_date_is_refused(eve):
    with pytest.raises(ValidationError) as error:
        career_event_record(person=eve, kind="award", occurred_on=datetime.date(2019, 1, 1))
    assert error.value.message_dict == {"occurred_on": [CAREER_EVENT_BEFORE_HIRE.format(
        hired=eve.hire_date)]}


@pytest.mark.django_db
def test_the_same_event_on_the_same_day_is_not_recorded_twice(eve):
    career_event_record(person=eve, kind="promotion", occurred_on=TODAY)
    with pytest.raises(ValidationError) as error:
        career_event_record(person=eve, kind="promotion", occurred_on=TODAY)
    assert error.value.messages == [CAREER_EVENT_DUPLICATE.format(kind="promotion", day=TODAY)]


HEADER = "employee_id,kind,occurred_on,description"


@pytest.mark.django_db
def test_the_career_events_import_takes_every_kind_and_reimporting_adds_nothing(eve, alice):
    rows = [f"{eve.employee_id},{kind},2025-0{n + 1}-01,{kind} for Eve"
            for n, kind in enumerate(CareerEvent.Kind.values)]
    data = "\n".join([HEADER, *rows, f"{alice.employee_id},promotion,2025-06-01,"]) + "\n"
    result = run_import("career_events", data)
    assert result.ok, result.problems
    assert result.created == len(CareerEvent.Kind.values) + 1
    assert run_import("career_events", data).created == 0


@pytest.mark.django_db
def test_a_bad_career_events_file_names_row_and_column_and_writes_nothing(eve):
    data = "\n".join([HEADER, f"{eve.employee_id},promotion,2025-01-01,fine",
                      "NOBODY,promotion,2025-01-01,", f"{eve.employee_id},raise,2025-01-01,",
                      f"{eve.employee_id},exit,yesterday,"]) + "\n"
    result = run_import("career_events", data)
    problems = [(p.row, p.column) for p in result.problems]
    assert (4, "kind") in problems and (5, "occurred_on") in problems
    assert not CareerEvent.objects.exists()


@pytest.mark.django_db
def test_an_unknown_employee_in_the_career_events_file_is_named(eve):
    data = "\n".join([HEADER, f"{eve.employee_id},promotion,2025-01-01,",
                      "NOBODY,promotion,2025-01-01,"]) + "\n"
    result = run_import("career_events", data)
    assert [(p.row, p.column) for p in result.problems] == [(3, "employee_id")]
    assert not CareerEvent.objects.exists()
