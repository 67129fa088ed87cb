"""Signing in and keeping an account: passwords, the lockout (`signin`), e-mailed codes,
TOTP, sessions and the `Principal` every service checks, throttles, reset and e-mail
change links, activation of a record's account, consents to the terms."""
