"""A way in for a signed-in user without an HR record: they ask HR for access, HR links their
account to the Person it belongs to (audited)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .models import AccessRequest, Person, User

ACCESS_ALREADY_LINKED = _("Your account is already linked to an HR record.")
ACCESS_PERSON_NOT_FOUND = _("No current HR record has the employee ID or email “{who}”. Check "
                            "it, or import the person first.")
ACCESS_PERSON_TAKEN = _("{name}'s HR record is already linked to another account ({email}).")
ACCESS_REQUEST_CLOSED = _("This request has already been answered.")


def access_request_open(user: User) -> AccessRequest | None:
    return AccessRequest.objects.filter(user=user, status=AccessRequest.Status.OPEN).first()


def access_request_create(*, user: User, message: str = "") -> AccessRequest:
    """Ask HR for access; asking again while a request waits returns the waiting one."""
    if Person.objects.filter(user=user).exists():
        raise ValidationError(ACCESS_ALREADY_LINKED)
    try:
        with transaction.atomic():
            return AccessRequest.objects.create(user=user, message=message.strip()[:2000])
    except IntegrityError:  # one open request per user: a double click lands here
        return access_request_open(user)


@transaction.atomic
def access_request_link(*, access_request: AccessRequest, who: str, by: User) -> Person:
    """Link the asking user to the Person whose employee ID or email is `who`."""
    access_request = AccessRequest.objects.select_for_update().select_related("user").get(
        pk=access_request.pk)
    if access_request.status != AccessRequest.Status.OPEN:
        raise ValidationError(ACCESS_REQUEST_CLOSED)
    who = who.strip()
    person = (Person.objects.select_for_update()
              .filter(Q(employee_id=who) | Q(email__iexact=who)).first() if who else None)
    if person is None:
        raise ValidationError({"who": ACCESS_PERSON_NOT_FOUND.format(who=who)})
    user = access_request.user
    if person.user_id is not None and person.user_id != user.pk:
        raise ValidationError({"who": ACCESS_PERSON_TAKEN.format(
            name=person.full_name, email=person.user.email)})
    if Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise ValidationError(ACCESS_ALREADY_LINKED)
    person.user = user
    person.save(update_fields=["user"])
    access_request.status = AccessRequest.Status.LINKED
    access_request.person, access_request.decided_by = person, by
    access_request.decided_at = timezone.now()
    access_request.save(update_fields=["status", "person", "decided_by", "decided_at"])
    audit_record(by, "access.link", target=person,
                 summary=f"Linked the account {user.email} to {person.full_name} "
                         f"({person.employee_id})", user_id=user.pk,
                 access_request_id=access_request.pk)
    return person
