"""The names of the portal's cookies, shared by the HTTP routes (`portal.api`) and the Reflex
layer (`portal.web`), so that neither depends on the other for them."""

SESSION_COOKIE = "portal_session"
LANGUAGE_COOKIE = "portal_lang"
