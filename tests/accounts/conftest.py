import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    """allauth's rate limits count in the cache; each test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()
