"""The names of the portal's cookies, shared by the HTTP routes (`portal.api`) and the Reflex
layer (`portal.web`), so that neither depends on the other for them.

Served over HTTPS, the whole-site HttpOnly cookies carry the `__Host-` prefix: the browser
then accepts them only with `Secure`, `Path=/` and no `Domain`, so no other host under the
same domain (and no plain-HTTP page) can set or overwrite a session for the portal."""

from portal.settings import get_settings

_HOST = "__Host-" if get_settings().secure_cookies else ""

SESSION_COOKIE = f"{_HOST}portal_session"
LANGUAGE_COOKIE = "portal_lang"
# One trip to the identity provider: HttpOnly, SameSite=Lax (the provider's redirect back is
# a cross-site navigation), only on /auth/oidc, ten minutes.
PROVIDER_TRIP_COOKIE = "portal_provider_trip"
# The second factor after a provider sign-in, for /login/code: HttpOnly, SameSite=Strict.
PROVIDER_ATTEMPT_COOKIE = f"{_HOST}portal_provider_attempt"
