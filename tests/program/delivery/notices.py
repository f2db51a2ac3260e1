"""What the outbox tests share: the notice they send (one expired-request message per person)
and waiting for a worker subprocess."""

import time

from accounts.notifications import Notice, notify_many

ARGS = {"kind": "mentor_request_expired", "template": "mentor-request-expired",
        "url": "/mentoring/"}


def notify_each(*people):
    """One expired-request notice for each person, in one notify_many()."""
    return notify_many([Notice(recipient=p, context={"mentor_request": None, "mentor": p,
                                                     "mentee": p}, **ARGS) for p in people])


def wait_for(condition, timeout=60.0, what="the condition"):
    """Poll `condition` until it holds (a worker subprocess is doing the work), or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
