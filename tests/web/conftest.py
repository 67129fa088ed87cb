import pytest

import portal.portal  # noqa: F401  (builds the app: every state and page registered)
from portal.domain.core.db import use_engine
from tests.dbs import engine_with_tables
from tests.web.harness import Browser, make_processor


@pytest.fixture
def db(tmp_path):
    with engine_with_tables("sqlite", tmp_path) as engine:
        use_engine(engine)
        try:
            yield engine
        finally:
            use_engine(None)


@pytest.fixture
async def tabs(db, state_manager):
    """A factory of browser tabs sharing one running event processor."""
    registry: dict[str, Browser] = {}
    processor = make_processor(registry, state_manager)
    async with processor:

        def new_tab(cookie: str = "", accept_language: str = "") -> Browser:
            tab = Browser(processor, cookie, accept_language)
            registry[tab.token] = tab
            return tab

        yield new_tab


@pytest.fixture
def state_manager():
    """Where the tabs' states live: in memory (a test module may override it)."""
    return None
