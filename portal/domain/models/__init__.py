"""Every table of the portal; importing this module registers them all on SQLModel.metadata."""

from portal.domain.models.accounts import (
    Account,
    AccountKind,
    AccountStatus,
    LoginChallenge,
    RecoveryCode,
    StaffRole,
    WebSession,
)
from portal.domain.models.activation import ActivationRequest, Consent
from portal.domain.models.audit import AuditEvent
from portal.domain.models.mail import OutboxMessage, OutboxStatus
from portal.domain.models.points import (
    OPEN_STATUSES,
    Activity,
    ActivityCategory,
    Claim,
    ClaimEvent,
    ClaimStatus,
    EvidenceFile,
)
from portal.domain.models.registry import RecordChange, RecordStatus, RegistryRecord
from portal.domain.models.renewal import (
    ApplicationStatus,
    Certificate,
    JobRun,
    MailingStatus,
    Reminder,
    ReminderStage,
    RenewalApplication,
    RenewalEvent,
)
from portal.domain.models.throttle import ThrottleHit
from portal.domain.models.tokens import ActionToken, TokenPurpose

__all__ = [
    "OPEN_STATUSES",
    "Account",
    "AccountKind",
    "AccountStatus",
    "ActionToken",
    "ActivationRequest",
    "Activity",
    "ActivityCategory",
    "ApplicationStatus",
    "AuditEvent",
    "Certificate",
    "Claim",
    "ClaimEvent",
    "ClaimStatus",
    "Consent",
    "EvidenceFile",
    "JobRun",
    "LoginChallenge",
    "MailingStatus",
    "OutboxMessage",
    "OutboxStatus",
    "RecordChange",
    "RecordStatus",
    "RecoveryCode",
    "RegistryRecord",
    "Reminder",
    "ReminderStage",
    "RenewalApplication",
    "RenewalEvent",
    "StaffRole",
    "ThrottleHit",
    "TokenPurpose",
    "WebSession",
]
