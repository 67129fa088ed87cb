"""Which address the throttles see: X-Forwarded-For only from a trusted proxy."""

from types import SimpleNamespace

import pytest

from portal import client_address
from portal.settings import SettingsError, load_settings


def request(peer: str, forwarded: str | None = None):
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    return SimpleNamespace(client=SimpleNamespace(host=peer), headers=headers)


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address.resolve("198.51.100.7", "1.2.3.4") == "198.51.100.7"
    assert client_address.of_request(request("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_a_trusted_proxy_names_the_client_but_a_client_cannot_name_itself(configure):
    configure(PORTAL_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    # Caddy on loopback appends the address it saw: the client is the last untrusted hop
    assert client_address.resolve("127.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert client_address.resolve("127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.2.3") == "203.0.113.9"
    # a direct connection from the internet cannot choose its address
    assert client_address.resolve("203.0.113.9", "127.0.0.1") == "203.0.113.9"
    # unreadable hops: believe nothing beyond the proxy
    assert client_address.resolve("127.0.0.1", "not-an-ip") == "127.0.0.1"
    assert client_address.resolve("127.0.0.1", "10.0.0.1") == "127.0.0.1"
    assert client_address.resolve("testclient", "203.0.113.9") == "testclient"
    assert client_address.resolve("::1", "203.0.113.9") == "::1"


@pytest.mark.parametrize("value", ["localhost", "10.0.0.0/33", "1.2.3"])
def test_bad_trusted_proxies_stop_the_portal(monkeypatch, value):
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", value)
    with pytest.raises(SettingsError, match="PORTAL_TRUSTED_PROXIES"):
        load_settings()
