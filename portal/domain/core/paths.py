"""Every page and route of the portal, spelt once: pages link with these, the HTTP routes
are mounted at them, and mail links are built from them (after PORTAL_BASE_URL)."""

from __future__ import annotations

# Signing in and account flows (public)
LOGIN = "/login"
LOGIN_CODE = "/login/code"
PASSWORD_FORGOT = "/password/forgot"  # noqa: S105 (a path)
PASSWORD_RESET = "/password/reset"  # noqa: S105 (a path)
ACTIVATE = "/activate"
ACTIVATE_REQUEST = "/activate/request"
EMAIL_CONFIRM = "/email/confirm"
MAIL_PREFERENCES = "/mail/preferences"
CONSENT = "/consent"

# Registrants
MY_PAGE = "/mypage"
MY_RECORD = "/mypage/record"
MY_POINTS = "/mypage/points"
MY_RENEWAL = "/mypage/renewal"
MY_ACCOUNT = "/mypage/account"
MY_SURVEYS = "/mypage/surveys"  # + "/<id>"

# Organisations
ORG = "/org"

# The secretariat
ADMIN = "/admin"
ADMIN_REGISTRANTS = "/admin/registrants"  # + "/<id>"
ADMIN_IMPORT = "/admin/import"
ADMIN_CLAIMS = "/admin/claims"
ADMIN_ACTIVITIES = "/admin/activities"
ADMIN_RULES = "/admin/rules"
ADMIN_AUDITS = "/admin/audits"
ADMIN_RENEWALS = "/admin/renewals"
ADMIN_ORGANISATIONS = "/admin/organisations"
ADMIN_CATEGORIES_TOPICS = "/admin/categories-and-topics"
ADMIN_ANNOUNCEMENTS = "/admin/announcements"
ADMIN_SURVEYS = "/admin/surveys"  # + "/<id>"
ADMIN_STAFF = "/admin/staff"
ADMIN_AUDIT = "/admin/audit"
ADMIN_OUTBOX = "/admin/outbox"

# HTTP routes (portal.api)
AUTH_SESSION = "/auth/session"
AUTH_SIGNOUT = "/auth/signout"
OIDC = "/auth/oidc"
OIDC_START = "/auth/oidc/start"
OIDC_LINK = "/auth/oidc/link"
OIDC_CALLBACK = "/auth/oidc/callback"
MAIL_UNSUBSCRIBE = "/mail/unsubscribe"
REGISTRANTS_EXPORT = "/admin/registrants/export"
RENEWAL_LABELS = "/admin/renewals/labels"
TRANSCRIPT = "/mypage/points/transcript.pdf"  # the registrant's own record of points
EVIDENCE = "/evidence"  # + "/<id>"
CERTIFICATES = "/certificates"  # + "/<number>"
VERIFY = "/verify"  # + "/<number>": the public check of a certificate
READYZ = "/readyz"
HEALTHZ = "/healthz"
