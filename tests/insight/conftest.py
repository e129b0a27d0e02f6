"""The analytics tests run on both backends (tests/conftest.py: BOTH_BACKEND_DIRS); in server mode they read
the process's analytics copy of each test's database, closed after the test."""
import pytest


@pytest.fixture(autouse=True)
def _close_analytics_copies():
    yield
    from voc.insight import replica

    replica.close_all()
