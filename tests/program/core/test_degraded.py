"""Degraded, not down: with Redis (cache and broker) gone, people sign in, pages work, /healthz
says what is down and HR's actions that queue work answer with a message.

Redis here is a throwaway redis-server of the test's own on a free port, killed mid-test (the
shared Redis is never touched). Alice signs in; Hana (HR admin) presses "Send due reminders now".
"""

import shutil
import socket
import subprocess
import time

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from accounts.models import OutboxMessage
from program.core import celery as core_celery
from program.core.celery import app
from program.reminders.views import SWEEP_NOT_QUEUED
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.services


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis(settings, monkeypatch):
    """A redis-server of this test's own, used as the cache and the broker; .stop() kills it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed") if settings.REQUIRE_SERVICES else \
            pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no",
                                "--bind", "127.0.0.1"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    settings.CACHES = {"default": {"BACKEND": "program.core.cache.FallbackRedisCache",
                                   "LOCATION": url,
                                   "OPTIONS": {"socket_connect_timeout": 1,
                                               "socket_timeout": 1}}}
    for name in ("broker_write_url", "broker_read_url", "broker_url"):  # derived ones first
        monkeypatch.setattr(app.conf, name, url)
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    monkeypatch.setattr(core_celery, "_broker_down_until", 0.0)

    def stop():
        process.kill()
        process.wait(timeout=10)

    process.stop = stop
    yield process
    if process.poll() is None:
        stop()


def _sign_in(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


@pytest.mark.django_db
def test_people_sign_in_and_use_pages_with_redis_stopped(own_redis, client, alice):
    EmailAddress.objects.create(user=alice.user, email=alice.email, verified=True, primary=True)
    assert _sign_in(client, alice.email).status_code == 302
    assert cache.state() == "ok"
    own_redis.stop()

    client.logout()
    response = _sign_in(client, alice.email)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(alice.user.pk)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("mentorship:directory")).status_code == 200
    # A wrong password is still refused (and counted, in this process's memory).
    client.logout()
    assert _sign_in(client, alice.email.replace("alice", "nobody")).status_code == 200
    assert cache.state().startswith("error: ")


@pytest.mark.django_db
def test_healthz_names_what_is_down(own_redis, client, login, hana):
    assert client.get("/healthz").json()["status"] == "ok"
    own_redis.stop()
    response = client.get("/healthz")
    body = response.json()
    # Anyone learns what is down; only HR and staff read the errors (hosts, ports).
    assert response.status_code == 200
    assert body == {"status": "degraded", "database": "ok", "broker": "error", "cache": "error"}
    details = login(hana).get("/healthz").json()
    assert details["broker"].startswith("error: ") and details["cache"].startswith("error: ")


@pytest.mark.django_db(transaction=True)
def test_hr_actions_that_queue_work_say_it_will_happen_later_and_emails_wait(
        own_redis, login, hana, alice, bob):
    own_redis.stop()
    client = login(hana)
    response = client.post(reverse("hr:reminder_sweep_now"), follow=True)
    assert response.status_code == 200
    assert escape(SWEEP_NOT_QUEUED) in response.content.decode()

    # A web action that emails: it succeeds, the email waits in the outbox for the worker.
    request = factories.MentorRequestFactory(mentee=alice, mentor=bob)
    started = time.monotonic()
    response = login(bob).post(reverse("mentorship:request_accept", args=[request.pk]))
    assert response.status_code == 302
    assert time.monotonic() - started < 5
    email = OutboxMessage.objects.get(address=alice.email)
    assert email.status == "pending" and email.attempts == 0
