# The production image: one image for web (gunicorn), worker and beat (celery).
# docker compose up builds it; see docker-compose.yml and README.md "Deploying".
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var

WORKDIR /app

# Dependencies first (their layer is cached while only the code changes): exactly the pinned,
# hash-checked runtime versions of requirements.lock (no development tools), then the project
# itself without resolving anything; pip check fails the build if the lock misses a dependency
# pyproject.toml declares (regenerate it with make lock).
COPY pyproject.toml requirements.lock ./
RUN pip install --upgrade pip \
    && pip install --require-hashes -r requirements.lock \
    && pip install --no-deps . \
    && pip check

COPY manage.py ./
COPY program ./program
COPY accounts ./accounts
COPY matching ./matching
COPY templates ./templates
COPY static ./static

# Static files are collected into the image and served by whitenoise. SECRET_KEY here is a
# build-time placeholder: settings refuse to start without one when DEBUG is off.
RUN SECRET_KEY=collectstatic-only-not-a-real-key DEBUG=0 python manage.py collectstatic --no-input -v0 \
    && useradd --create-home --uid 1000 app \
    && mkdir -p /app/var && chown -R app:app /app/var

USER app
EXPOSE 8000

CMD ["gunicorn", "program.core.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
