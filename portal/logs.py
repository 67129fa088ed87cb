"""One log format for every process of the portal: `LEVEL logger: message` on stderr."""

from __future__ import annotations

import logging

FORMAT = "%(levelname)s %(name)s: %(message)s"


def configure(level: int = logging.INFO) -> None:
    """Write log lines as `FORMAT`: the portal's own loggers (portal.*) from INFO, other
    libraries' from `level`. Does nothing when the root logger already has a handler."""
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger("portal").setLevel(logging.INFO)
