"""The notice the outbox tests send: one expired-request message per person."""

from accounts.notifications import Notice, notify_many

ARGS = {"kind": "test", "template": "mentor-request-expired", "url": "/mentoring/"}


def notify_each(*people):
    """One expired-request notice for each person, in one notify_many()."""
    return notify_many([Notice(recipient=p, context={"mentor_request": None, "mentor": p,
                                                     "mentee": p}, **ARGS) for p in people])
