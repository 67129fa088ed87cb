import pytest

from portal.domain.accounts import passwords


def keys(password, **kwargs):
    return [p.key for p in passwords.policy_problems(password, **kwargs)]


def test_good_password_passes():
    assert keys("Tr0ub4dor&3-xq") == []


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("Ab1!", "password.too_short"),
        ("abcdefghijk", "password.composition"),
        ("abcdefghij1", "password.composition"),
        ("abcdefghi!!", "password.composition"),
        ("Pässwörd-123x", "password.ascii_only"),
        ("has space 1!x", "password.ascii_only"),
        ("x" * 120 + "A1!" + "y" * 10, "password.too_long"),
    ],
)
def test_policy_refuses(password, key):
    assert key in keys(password)


def test_common_password_refused_in_length_only_mode(configure):
    configure(PORTAL_PASSWORD_POLICY="length")
    assert keys("password12") == ["password.common"]
    assert keys("just a long passphrase") == []


def test_password_containing_email_or_name_refused():
    assert "password.personal" in keys("hanako-2024!x", email="hanako@example.com")
    assert "password.personal" in keys("Xx-Yamamoto-99", names=("Yamamoto",))


def test_same_as_current_refused():
    current = passwords.hash_password("Tr0ub4dor&3-xq")
    assert "password.same_as_current" in keys("Tr0ub4dor&3-xq", current_hash=current)


def test_long_passwords_are_never_truncated():
    base = "A1!" + "x" * 80  # over bcrypt's 72 bytes
    stored = passwords.hash_password(base + "a")
    assert passwords.verify_password(base + "a", stored)
    assert not passwords.verify_password(base + "b", stored)


def test_unicode_and_huge_input_never_raise():
    stored = passwords.hash_password("пароль-密码-𠮷-1!")
    assert passwords.verify_password("пароль-密码-𠮷-1!", stored)
    assert not passwords.verify_password("x" * 10_000, stored)
    assert not passwords.verify_password("anything", "not-a-bcrypt-hash")
    assert not passwords.verify_password("anything", None)


def test_hash_is_bcrypt_with_configured_rounds():
    stored = passwords.hash_password("Tr0ub4dor&3-xq")
    assert stored.startswith("$2b$04$")
