"""Reflex configuration, derived from the portal's validated settings."""

import reflex as rx
from reflex_components_radix.plugin import RadixThemesPlugin

from portal.serving import configure_backend
from portal.settings import get_settings

_settings = get_settings()
configure_backend(_settings)

config = rx.Config(
    app_name="portal",
    frontend_port=_settings.port,
    backend_port=_settings.port,
    backend_host="127.0.0.1",
    deploy_url=_settings.base_url,
    api_url=_settings.base_url,
    cors_allowed_origins=[_settings.base_url],
    redis_url=_settings.redis_url,
    state_manager_mode="redis" if _settings.redis_url else "memory",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_packages=["@fontsource-variable/noto-sans-jp@5.3.1"],
    plugins=[
        RadixThemesPlugin(
            theme=rx.theme(
                accent_color="indigo", gray_color="slate", radius="medium", appearance="light"
            )
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
