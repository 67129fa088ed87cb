"""The server's portal.* loggers write `LEVEL logger: message`, as the command line does."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = (
    "import logging, portal.portal\n"
    "logging.getLogger('portal.provider').warning('callback refused: state')\n"
    "logging.getLogger('portal.daily').info('daily jobs done')\n"
    "logging.getLogger('httpx').info('a library chatting')\n"
)


def test_the_server_logs_with_level_and_logger_name():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    )
    assert "WARNING portal.provider: callback refused: state" in done.stderr.splitlines()
    assert "INFO portal.daily: daily jobs done" in done.stderr.splitlines()
    assert "a library chatting" not in done.stderr  # other libraries: warnings and up
