"""Settings for the Celery worker subprocesses of the fault tests: the test settings, a real
(not eager) worker, and the misbehaving mail backend of tests/program/delivery/backends.py
writing to TEST_MAIL_DIR, TEST_MAIL_DELAY seconds per message."""

import os

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
MAILERS = {"default": {"BACKEND": "tests.program.delivery.backends.FileEachBackend",
                       "OPTIONS": {"file_path": os.environ["TEST_MAIL_DIR"],
                                   "delay": os.environ.get("TEST_MAIL_DELAY", "0")}}}
