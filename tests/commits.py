"""Run a request as if its transaction committed: the test's own transaction never commits, so
the outbox's "deliver after commit" would never fire. Used where a test reads the emails allauth
sends (they go through the outbox like every other email)."""

from django.test import TestCase


def committed(call, *args, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)
