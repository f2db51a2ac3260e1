"""The mentor pool for suggestions: every mentor taking requests, as scoring Candidates, cached.

Building it reads every unpaused MentorProfile with its person, skills and languages (about
5,000 mentors and 0.4 s of Python in a 100,000-person company) and it changes rarely, so each
process keeps the last one it built, stamped with a version held in Django's cache (Redis in
production, shared by every worker). A change to what the pool holds gives the version a new
value once its transaction commits, and every process rebuilds on its next suggestion:

- a MentorProfile saved or deleted (pause, languages), or its skills changed;
- a Person saved or deleted (name, level, department, time zone, languages), or their skills
  changed (a profile with no skills falls back to the person's own);
- a Department or Skill saved or deleted (names shown in the reasons);
- an import written (bulk writes send no model signals: accounts.importing sends
  `import_written`).

Capacity and relationships are not in the pool: who has room and who was already asked are read
fresh on every request (selectors.suggestions_for), so a mentor who fills up, or a request just
sent, shows at once. A pool older than POOL_MAX_AGE is rebuilt anyway, as a safety net for a
write that bypasses the signals (a raw UPDATE, or several processes without a shared cache).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.importing import import_written
from accounts.models import Department, MentorProfile, Person, Skill
from matching import scoring

VERSION_KEY = "matching:mentor-pool:version"
POOL_MAX_AGE = 15 * 60  # seconds

_built: dict = {}  # version -> {name: (built at, value)}: this process's, shared by its threads
_lock = threading.Lock()


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def cached[T](name: str, build: Callable[[], T]) -> T:
    """`build()`'s value, kept in this process until what the pool holds changes (or for
    POOL_MAX_AGE): for reads that depend only on mentor profiles and the people behind them."""
    version = _version()
    values = _built.get(version, {})
    entry = values.get(name)
    if entry is not None and time.monotonic() - entry[0] < POOL_MAX_AGE:
        return entry[1]
    value = build()
    with _lock:
        if version not in _built:
            _built.clear()
            _built[version] = {}
        _built[version][name] = (time.monotonic(), value)
    return value


def _build_pool() -> dict[int, scoring.Candidate]:
    taking_requests = MentorProfile.objects.filter(is_paused=False).values("person_id")
    return scoring.load_candidates(taking_requests, mentors=True, with_lines=False,
                                   with_goals=False)


def mentor_pool() -> dict[int, scoring.Candidate]:
    """Every mentor taking requests (not paused), by person id, as a scoring Candidate (skills
    and languages from the profile, no reporting lines, no goals). One cache read when the pool
    is current; the queries of load_candidates when it is not."""
    return cached("pool", _build_pool)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def mentor_pool_invalidate() -> None:
    """Give the pool a new version now (this transaction sees its own change at once) and again
    once the transaction commits: another process may have rebuilt in between from the data
    before the commit."""
    _new_version()
    transaction.on_commit(_new_version)


def mentor_pool_reset() -> None:
    """Forget every pool (tests: a rolled-back test's data must not outlive it)."""
    with _lock:
        _built.clear()
    cache.delete(VERSION_KEY)


def _changed(sender, **kwargs) -> None:
    mentor_pool_invalidate()


def _m2m_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        mentor_pool_invalidate()


def connect() -> None:
    """Called once from MatchingConfig.ready()."""
    for model in (MentorProfile, Person, Department, Skill):
        post_save.connect(_changed, sender=model, dispatch_uid=f"mentor-pool-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"mentor-pool-delete-{model}")
    for through in (MentorProfile.skills.through, Person.skills.through):
        m2m_changed.connect(_m2m_changed, sender=through,
                            dispatch_uid=f"mentor-pool-m2m-{through}")
    import_written.connect(_changed, dispatch_uid="mentor-pool-import")
