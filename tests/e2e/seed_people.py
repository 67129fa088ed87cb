"""Extra registrants for the end-to-end tests, so flows that change an account (reset,
e-mail change, closing) never touch the demo accounts other tests sign in with.

Run inside the server's environment: `python -m tests.e2e.seed_people PASSWORD`.
"""

import sys

from tests.factories import registrant

PEOPLE = ("reset-me@example.com", "move-me@example.com", "close-me@example.com")

if __name__ == "__main__":
    for email in PEOPLE:
        registrant(email, password=sys.argv[1])
