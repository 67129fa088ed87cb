"""Session cookies of signed-in demo registrants, made through the portal's own sign-in
(password, e-mailed code, ticket) against the database the settings name.

    python -m bench.session_cookies PASSWORD EMAIL...   (one `portal_session=…` per line)
"""

from __future__ import annotations

import sys


def session_cookie(email: str, password: str) -> str:
    """A Cookie header value holding a new session of `email`."""
    from portal.domain.accounts import signin
    from tests.factories import BROWSER, last_code

    step = signin.check_password(email, password, BROWSER)
    ticket = signin.verify_code(step.attempt, last_code(email), BROWSER).ticket
    return f"portal_session={signin.redeem_ticket(ticket, BROWSER).secret}"


if __name__ == "__main__":
    for address in sys.argv[2:]:
        print(session_cookie(address, sys.argv[1]))
