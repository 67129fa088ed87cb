"""A real OpenID Connect provider on loopback for the tests (oidc-provider-mock), and the
steps a person takes on its pages, driven over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import oidc_provider_mock


@dataclass
class Provider:
    """A running provider: its issuer URL (also the base of its endpoints)."""

    issuer: str

    def set_claims(self, subject: str, **claims: object) -> None:
        """What the provider says about `subject` in its next ID tokens (e.g. amr)."""
        response = httpx.put(f"{self.issuer}/users/{subject}", json=claims)
        response.raise_for_status()

    def authorize(self, authorization_url: str, subject: str | None) -> str:
        """Answer the authorization page as `subject` (None: press Deny); returns the
        redirect back to the portal (its callback URL with code or error, and state)."""
        form = {"sub": subject} if subject else {"action": "deny"}
        response = httpx.post(authorization_url, data=form)
        assert response.status_code == 302, response.text[:300]
        return response.headers["location"]


@contextmanager
def running_provider() -> Iterator[Provider]:
    """A provider on a free loopback port for the duration of the block."""
    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield Provider(issuer=f"http://127.0.0.1:{server.server_port}")


def query(url: str) -> dict[str, str]:
    """The query parameters of `url`, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
