"""What HR sees of delivery, email and Slack (a panel on the reminders page), and the "retry
failed" button."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.models import OutboxMessage
from accounts.roles import hr_admin_required
from program.core.celery import task_enqueue
from program.delivery.outbox import outbox_retry_failed
from program.delivery.tasks import deliver_outbox

PROBLEMS_SHOWN = 20
Status = OutboxMessage.Status

RETRIED = "{n} failed email(s) will be tried again now."
RETRIED_LATER = ("{n} failed email(s) will be tried again. The task queue is unreachable right "
                 "now, so they go out with the worker's next catch-up run once it is back.")
NOTHING_TO_RETRY = "No email has failed: nothing to retry."


def delivery_overview() -> dict:
    """Counts by status (sent: the last 7 days) and the latest emails that failed or are being
    retried, with their errors. Two queries whatever the size of the outbox."""
    week_ago = timezone.now() - timezone.timedelta(days=7)
    counts = OutboxMessage.objects.aggregate(
        pending=Count("id", filter=Q(status=Status.PENDING)),
        retrying=Count("id", filter=Q(status=Status.PENDING, attempts__gt=0)),
        failed=Count("id", filter=Q(status=Status.FAILED)),
        sent_week=Count("id", filter=Q(status=Status.SENT, sent_at__gte=week_ago)),
    )
    problems = list(OutboxMessage.objects
                    .filter(Q(status=Status.FAILED) | Q(status=Status.PENDING, attempts__gt=0))
                    .select_related("recipient")
                    .only("id", "channel", "status", "address", "subject", "attempts",
                          "last_error", "next_attempt_at", "updated_at", "recipient__full_name")
                    .order_by("-updated_at", "-id")[:PROBLEMS_SHOWN])
    return {"delivery": counts, "delivery_problems": problems}


@require_POST
@hr_admin_required
def outbox_retry(request):
    count = outbox_retry_failed()
    if not count:
        messages.info(request, NOTHING_TO_RETRY)
        return redirect("hr:reminder_log")
    audit_record(request, "outbox.retry", summary=f"{count} failed email(s) queued again")
    if task_enqueue(deliver_outbox):
        messages.success(request, RETRIED.format(n=count))
    else:
        messages.warning(request, RETRIED_LATER.format(n=count))
    return redirect("hr:reminder_log")
