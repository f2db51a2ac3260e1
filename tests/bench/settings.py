"""Settings of the load test's gunicorn (tests/bench/load.py): the test settings (DEBUG off, the
bench database from DATABASE_URL), with what a request does as production does it:

- background work is queued for the worker, not run inside the request: the test suite's eager
  Celery would run a whole reminder sweep (20,000 relationships) inside HR's "sweep now" POST,
  and each notification's delivery inside the request that sent it;
- WhiteNoise serves static files from the index it builds at start, without looking for
  changed files on each request.
"""

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
WHITENOISE_AUTOREFRESH = False
