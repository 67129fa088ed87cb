"""A blank Reflex app (a counter, nothing else): the floor the portal's pages are judged
against in bench/page_weight.py, served the same way (production build, single port)."""

import os

import reflex as rx

_port = int(os.environ.get("BLANK_PORT", "3100"))

config = rx.Config(
    app_name="blank",
    frontend_port=_port,
    backend_port=_port,
    backend_host="127.0.0.1",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
)
