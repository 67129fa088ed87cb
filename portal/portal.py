"""The app: theme, pages with their on_load guards, the HTTP routes and the mail pump."""

import logging

import reflex as rx

from portal import logs
from portal.api.headers import security_headers
from portal.api.routes import build_api
from portal.api.scheme import public_scheme
from portal.api.upload_limit import upload_limit
from portal.domain.core import paths
from portal.i18n import translate
from portal.web.daily_jobs import daily_jobs
from portal.web.hydrate_guard import HydrateGuard
from portal.web.mail_pump import announcement_writer, freeze_heap, mail_pump
from portal.web.pages.admin.activities import AdminActivitiesState, activities_page
from portal.web.pages.admin.announcements import AdminAnnouncementsState, announcements_page
from portal.web.pages.admin.attendance_reports import AdminReportsState
from portal.web.pages.admin.audit import AdminAuditState, audit_page
from portal.web.pages.admin.audits import AdminAuditsState, audits_page
from portal.web.pages.admin.categories_and_topics import (
    AdminCategoriesTopicsState,
    categories_and_topics_page,
)
from portal.web.pages.admin.claim import AdminClaimState, claim_page
from portal.web.pages.admin.claims import AdminClaimsState, claims_queue_page
from portal.web.pages.admin.import_ledger import AdminImportState, import_page
from portal.web.pages.admin.organisations import AdminOrganisationsState, organisations_page
from portal.web.pages.admin.outbox import AdminOutboxState, outbox_page
from portal.web.pages.admin.overview import AdminOverviewState, overview_page
from portal.web.pages.admin.proposals import AdminProposalsState
from portal.web.pages.admin.record import admin_record_page
from portal.web.pages.admin.record_state import AdminRecordState
from portal.web.pages.admin.registrants import AdminRegistrantsState, registrants_page
from portal.web.pages.admin.renewals import AdminRenewalsState, renewals_page
from portal.web.pages.admin.rules import AdminRulesState, rules_page
from portal.web.pages.admin.staff import AdminStaffState, staff_page
from portal.web.pages.admin.survey import AdminSurveyState, survey_page
from portal.web.pages.admin.surveys import AdminSurveysState, surveys_page
from portal.web.pages.auth.activate import ActivateState, activate_page
from portal.web.pages.auth.activate_request import ActivationRequestState, activation_request_page
from portal.web.pages.auth.code import CodeState, code_page
from portal.web.pages.auth.email_confirm import EmailConfirmState, email_confirm_page
from portal.web.pages.auth.forgot import ForgotState, forgot_page
from portal.web.pages.auth.login import LoginState, login_page
from portal.web.pages.auth.reset import ResetState, reset_page
from portal.web.pages.mail_preferences import MailPreferencesState, mail_preferences_page
from portal.web.pages.mypage.account import AccountState, account_page
from portal.web.pages.mypage.account_provider import ProviderLinkState
from portal.web.pages.mypage.consent import ConsentState, consent_page
from portal.web.pages.mypage.dashboard import DashboardState, dashboard_page
from portal.web.pages.mypage.points import PointsState, points_page
from portal.web.pages.mypage.record import RecordState, record_page
from portal.web.pages.mypage.renewal import RenewalState, renewal_page
from portal.web.pages.mypage.survey import SurveyAnswerState, survey_answer_page
from portal.web.pages.org.attendance import OrgReportState
from portal.web.pages.org.home import OrgHomeState, org_home_page
from portal.web.pages.verify import VerifyState, verify_page
from portal.web.serving_mark import mark_serving
from portal.web.session import ShellState

logs.configure(logging.WARNING)  # portal.* lines as the CLI prints them; libraries' warnings

app = rx.App(
    stylesheets=["/portal.css"],
    api_transformer=[build_api(), upload_limit, security_headers, public_scheme],
    html_lang="en",
)
app.add_middleware(HydrateGuard(), index=0)  # before the snapshot hydrate ships
app.register_lifespan_task(mail_pump)
app.register_lifespan_task(announcement_writer)
app.register_lifespan_task(freeze_heap)
app.register_lifespan_task(daily_jobs)
app.register_lifespan_task(mark_serving)


def _add(component, route: str, title_key: str, *on_load, public: bool = False) -> None:
    """A page; a public one first learns who is asking (ShellState.sync), a signed-in one
    learns it in its own `load` (through `require`), so its session is checked once."""
    app.add_page(
        component,
        route=route,
        title=translate(title_key, "en"),
        on_load=[ShellState.sync, *on_load] if public else list(on_load),
    )


_add(login_page, "/", "login.title", LoginState.load, public=True)
_add(login_page, paths.LOGIN, "login.title", LoginState.load, public=True)
_add(code_page, paths.LOGIN_CODE, "code.title", CodeState.load, public=True)
_add(forgot_page, paths.PASSWORD_FORGOT, "forgot.title", ForgotState.load, public=True)
_add(reset_page, paths.PASSWORD_RESET, "reset.title", ResetState.load, public=True)
_add(
    email_confirm_page,
    paths.EMAIL_CONFIRM,
    "emailconfirm.title",
    EmailConfirmState.load,
    public=True,
)
_add(activate_page, paths.ACTIVATE, "activate.title", ActivateState.load, public=True)
_add(
    mail_preferences_page,
    paths.MAIL_PREFERENCES,
    "mailprefs.title",
    MailPreferencesState.load,
    public=True,
)
_add(
    activation_request_page,
    paths.ACTIVATE_REQUEST,
    "activate.request_title",
    ActivationRequestState.load,
    public=True,
)
_add(verify_page, paths.VERIFY + "/[number]", "verify.title", VerifyState.load, public=True)
_add(consent_page, paths.CONSENT, "consent.title", ConsentState.load)
_add(dashboard_page, paths.MY_PAGE, "mypage.title", DashboardState.load)
_add(record_page, paths.MY_RECORD, "record.title", RecordState.load)
_add(points_page, paths.MY_POINTS, "points.title", PointsState.load)
_add(renewal_page, paths.MY_RENEWAL, "renewal.title", RenewalState.load)
_add(
    account_page,
    paths.MY_ACCOUNT,
    "account.title",
    AccountState.load,
    ProviderLinkState.load,
)
_add(org_home_page, paths.ORG, "organisation.area_title", OrgHomeState.load, OrgReportState.load)
_add(overview_page, paths.ADMIN, "admin.title", AdminOverviewState.load)
_add(
    activities_page,
    paths.ADMIN_ACTIVITIES,
    "activities.page_title",
    AdminActivitiesState.load,
    AdminProposalsState.load,
    AdminReportsState.load,
)
_add(rules_page, paths.ADMIN_RULES, "rules.title", AdminRulesState.load)
_add(audits_page, paths.ADMIN_AUDITS, "audits.title", AdminAuditsState.load)
_add(claims_queue_page, paths.ADMIN_CLAIMS, "review.queue_title", AdminClaimsState.load)
_add(claim_page, paths.ADMIN_CLAIMS + "/[claim_id]", "review.queue_title", AdminClaimState.load)
_add(renewals_page, paths.ADMIN_RENEWALS, "renewals.title", AdminRenewalsState.load)
_add(outbox_page, paths.ADMIN_OUTBOX, "outbox.title", AdminOutboxState.load)
_add(audit_page, paths.ADMIN_AUDIT, "audit.title", AdminAuditState.load)
_add(staff_page, paths.ADMIN_STAFF, "admin.staff", AdminStaffState.load)
_add(
    organisations_page, paths.ADMIN_ORGANISATIONS, "organisation.nav", AdminOrganisationsState.load
)
_add(
    categories_and_topics_page,
    paths.ADMIN_CATEGORIES_TOPICS,
    "categories_topics.title",
    AdminCategoriesTopicsState.load,
)
_add(announcements_page, paths.ADMIN_ANNOUNCEMENTS, "announce.title", AdminAnnouncementsState.load)
_add(surveys_page, paths.ADMIN_SURVEYS, "survey.page_title", AdminSurveysState.load)
_add(survey_page, paths.ADMIN_SURVEYS + "/[survey_id]", "survey.page_title", AdminSurveyState.load)
_add(
    survey_answer_page,
    paths.MY_SURVEYS + "/[survey_id]",
    "survey.answer_title",
    SurveyAnswerState.load,
)
_add(import_page, paths.ADMIN_IMPORT, "import.title", AdminImportState.load)
_add(
    registrants_page, paths.ADMIN_REGISTRANTS, "admin.registrants_title", AdminRegistrantsState.load
)
_add(
    admin_record_page,
    paths.ADMIN_REGISTRANTS + "/[record_id]",
    "admin.history",
    AdminRecordState.load,
)
