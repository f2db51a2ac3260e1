import pytest

from accounts import notifications


@pytest.fixture
def no_auto_delivery(monkeypatch):
    """Rows are written but no delivery run starts by itself: the test runs it."""
    monkeypatch.setattr(notifications, "_delivery_starters", [])
