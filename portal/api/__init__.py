"""Small HTTP routes beside the Reflex app: health, session cookie hand-over, sign-out."""
