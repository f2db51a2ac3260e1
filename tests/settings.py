"""Test settings: production-like (DEBUG off) without HTTPS redirects, so tests see what users see.

DATABASE_URL / REDIS_URL come from the environment (CI points them at PostgreSQL and Redis);
without them the suite runs on SQLite and skips service-backed tests, unless REQUIRE_SERVICES=1.
"""

import os

for name, value in {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-secret-key-not-for-production-use-0123456789",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "STATIC_MANIFEST": "0",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "SITE_URL": "http://testserver",
}.items():
    os.environ.setdefault(name, value)

from program.core.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
