"""Previous / next links of a list paginated on the server, its filters kept in the URL."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import reflex as rx

from portal.web.components.text import t


def query_href(route: str) -> Callable[[dict[str, str]], str]:
    """A function giving `route` with the non-empty parameters as its query string."""

    def href(params: dict[str, str]) -> str:
        kept = {k: v for k, v in params.items() if v}
        return route + (f"?{urlencode(kept)}" if kept else "")

    return href


def neighbour_links(
    href: Callable[[dict[str, str]], str], params: dict[str, str], page: int, pages: int
) -> tuple[str, str]:
    """The addresses of the previous and the next page ("" where there is none)."""
    before = href({**params, "page": str(page - 1)}) if page > 1 else ""
    after = href({**params, "page": str(page + 1)}) if page < pages else ""
    return before, after


def pager(prev_link: rx.Var, next_link: rx.Var) -> rx.Component:
    """The links to the neighbouring pages, each shown only when that page exists."""
    return rx.flex(
        rx.cond(prev_link != "", rx.link(t("admin.previous"), href=prev_link, id="prev-page")),
        rx.cond(next_link != "", rx.link(t("admin.next"), href=next_link, id="next-page")),
        spacing="5",
    )
