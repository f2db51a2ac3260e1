import pytest

from accounts.audit import audit_record
from accounts.models import AuditEvent
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_an_audit_event_records_actor_target_and_data_and_cannot_be_changed():
    person = PersonFactory()
    actor = PersonFactory(with_user=True).user
    event = audit_record(actor, "career_event.delete", target=person, reason="duplicate")
    event.refresh_from_db()
    assert event.actor == actor and event.actor_label == actor.email
    assert (event.target_type, event.target_id) == ("accounts.person", str(person.pk))
    assert event.data == {"reason": "duplicate"}
    event.summary = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(summary="x")
    assert AuditEvent.objects.get().summary == ""


def test_nul_characters_never_reach_the_database():
    """PostgreSQL refuses NUL in text and JSON: a hostile query string must not break an audit."""
    actor = PersonFactory(with_user=True).user
    event = audit_record(actor, "report.export", summary="a\x00b",
                         filters={"as_of": "\x00", "list": ["x\x00"]})
    event.refresh_from_db()
    assert event.summary == "ab"
    assert event.data == {"filters": {"as_of": "", "list": ["x"]}}
