"""The names of the portal's cookies, shared by the HTTP routes (`portal.api`) and the Reflex
layer (`portal.web`), so that neither depends on the other for them."""

SESSION_COOKIE = "portal_session"
LANGUAGE_COOKIE = "portal_lang"
# One trip to the identity provider: HttpOnly, SameSite=Lax (the provider's redirect back is
# a cross-site navigation), only on /auth/oidc, ten minutes.
PROVIDER_TRIP_COOKIE = "portal_provider_trip"
# The second factor after a provider sign-in, for /login/code: HttpOnly, SameSite=Strict.
PROVIDER_ATTEMPT_COOKIE = "portal_provider_attempt"
