import pytest

from portal.domain.core import email_address


@pytest.mark.parametrize(
    ("address", "key"),
    [
        (".abcd@example.co.jp", "email.leading_dot"),
        ("abcd.@example.co.jp", "email.dot_before_at"),
        ("ab..cd@example.co.jp", "email.consecutive_dots"),
        ("ab[cd@example.co.jp", "email.forbidden_symbol"),
        ("ab\r\nBcc: x@evil.com", "email.forbidden_symbol"),
        ("name@localhost", "email.domain"),
        ("no-at-sign", "email.format"),
        ("", "email.required"),
        ("a@b@example.com", "email.format"),
    ],
)
def test_rejects_with_reason(address, key):
    assert email_address.problem(address) == key


@pytest.mark.parametrize("address", ["hanako.sato@example.co.jp", "a+tag@mail.example.org"])
def test_accepts(address):
    assert email_address.problem(address) is None


def test_normalize_folds_case_and_space():
    assert email_address.normalize("  Hanako@Example.COM ") == "hanako@example.com"
