"""The audit trail: one call records a sensitive action (imports, HR pairings and decisions,
career-event corrections, role changes, exports, HR views of individual records).

    audit_record(request.user, "career_event.delete", target=event, reason=reason)

`actor` may be a User, None (the system: worker, command) or a request (its user and client
address are taken). Extra keyword arguments land in the event's JSON `data`; keep them small and
never put free text written by employees (check-in notes, advocacy details) in them.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent, User


def audit_record(
    actor: Any, action: str, *, target: models.Model | None = None, summary: str = "", **data
) -> AuditEvent:
    ip = None
    user = actor
    if hasattr(actor, "META") and hasattr(actor, "user"):  # a request
        ip = actor.META.get("REMOTE_ADDR") or None
        user = actor.user
    if user is not None and not isinstance(user, User):
        user = None if not getattr(user, "is_authenticated", False) else user
    return AuditEvent.objects.create(
        actor=user,
        actor_label=getattr(user, "email", "") if user is not None else "",
        action=action[:60],
        target_type=target._meta.label_lower[:60] if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        data=dict(data),
        ip_address=ip,
    )
