import pytest

from portal.domain.core import clock
from portal.domain.core.db import use_engine
from tests.dbs import backends, engine_with_tables


@pytest.fixture(params=backends())
def db(request, tmp_path):
    """Every domain service in the test runs on a fresh database of each configured kind."""
    with engine_with_tables(request.param, tmp_path) as engine:
        use_engine(engine)
        try:
            yield engine
        finally:
            use_engine(None)


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **kwargs):
        import datetime as dt

        self.now = self.now + dt.timedelta(**kwargs)


@pytest.fixture(params=backends())
def kind(request) -> str:
    """Each database kind this run covers, for tests that make their own databases."""
    return request.param


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the one clock every rule reads (`clock.source`); returns it to advance."""
    fake = FrozenClock(clock.utcnow())
    monkeypatch.setattr(clock, "source", fake)
    return fake
