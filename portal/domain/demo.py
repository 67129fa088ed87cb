"""Demo data: staff, registrants in varied states and a training provider, so a newcomer can try every screen.

Guarantee: `seed()` only runs on a database without accounts and gives every
demo account the same password, returned so the caller can show it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlmodel import Session, func, select

from portal.domain.accounts import consents, legal, passwords
from portal.domain.accounts.tables import Account, AccountKind, AccountStatus, StaffRole
from portal.domain.core.clock import today, utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.core.origin import SYSTEM
from portal.domain.organisations.tables import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
)
from portal.domain.points import catalogue, claims
from portal.domain.points.tables import Activity, ActivityCategory, Claim, ClaimEvent, ClaimStatus
from portal.domain.registry.tables import (
    MailTopic,
    RecordStatus,
    RegistrantCategory,
    RegistryRecord,
)


@dataclass(frozen=True)
class DemoRegistrant:
    """One demo person: the state they show off and their record's values."""

    number: int
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    valid_days_left: int
    language: str = "en"
    status: str = AccountStatus.ACTIVE
    locked: bool = False
    must_reset: bool = False
    record_status: str = RecordStatus.ACTIVE


DEMO_REGISTRANTS = (
    DemoRegistrant(1, "Sato", "Hanako", "サトウ", "ハナコ", 150),  # inside the renewal window
    DemoRegistrant(2, "Suzuki", "Ichiro", "スズキ", "イチロウ", 120),
    DemoRegistrant(
        3, "Takahashi", "Yuki", "タカハシ", "ユキ", -40, record_status=RecordStatus.EXPIRED
    ),
    DemoRegistrant(4, "Tanaka", "Ken", "タナカ", "ケン", 500, locked=True),
    DemoRegistrant(5, "髙橋", "𠮷男", "タカハシ", "ヨシオ", 700, language="ja"),
    DemoRegistrant(6, "Ito", "Mai", "イトウ", "マイ", 300, must_reset=True),
    DemoRegistrant(7, "Watanabe", "Sora", "ワタナベ", "ソラ", 1000, status=AccountStatus.INVITED),
    DemoRegistrant(8, "山本", "花子", "ヤマモト", "ハナコ", 25, language="ja"),
)


def demo_password() -> str:
    """A random password that satisfies the policy."""
    return f"Demo-{secrets.token_urlsafe(9)}-7"


def add_registrant(
    db: Session,
    *,
    email: str,
    password_hash: str | None,
    registration_number: str,
    family_name: str,
    given_name: str,
    birth_date: dt.date,
    valid_until: dt.date,
    family_kana: str = "",
    given_kana: str = "",
    language: str = "en",
    status: str = AccountStatus.ACTIVE,
    record_status: str = RecordStatus.ACTIVE,
) -> Account:
    """Insert a registrant's account and linked registry record (demo data and tests).

    An active account with a password counts as activated: it has accepted the
    current terms and privacy policy.
    """
    account = Account(
        email=email,
        password_hash=password_hash,
        kind=AccountKind.REGISTRANT,
        language=language,
        status=status,
        password_changed_at=utcnow() if password_hash else None,
    )
    db.add(account)
    db.flush()
    if password_hash and status == AccountStatus.ACTIVE:
        consents.record(db, account.id, legal.current_versions(), SYSTEM)
    db.add(
        RegistryRecord(
            registration_number=registration_number,
            family_name=family_name,
            given_name=given_name,
            family_name_kana=family_kana,
            given_name_kana=given_kana,
            birth_date=birth_date,
            email=email,
            account_id=account.id,
            certified_on=valid_until - dt.timedelta(days=5 * 365),
            valid_from=valid_until - dt.timedelta(days=3 * 365 - 1),
            valid_until=valid_until,
            status=record_status,
            newsletter=True,
        )
    )
    return account


def seed(password: str | None = None) -> str:
    """Fill an empty database with demo accounts; returns their shared password.

    Raises DomainError("demo.not_empty") when any account exists already.
    """
    password = password or demo_password()
    problems = passwords.policy_problems(password)
    if problems:
        raise DomainError(problems[0].key, **problems[0].params)
    password_hash = passwords.hash_password(password)
    now = utcnow()
    with transaction() as db:
        if db.exec(select(func.count()).select_from(Account)).one() > 0:
            raise DomainError("demo.not_empty")
        for email, role, name in (
            ("admin@example.com", StaffRole.ADMIN, "Demo Admin"),
            ("reviewer@example.com", StaffRole.REVIEWER, "Demo Reviewer"),
        ):
            db.add(
                Account(
                    email=email,
                    password_hash=password_hash,
                    kind=AccountKind.STAFF,
                    role=role,
                    display_name=name,
                    password_changed_at=now,
                )
            )
        for person in DEMO_REGISTRANTS:
            account = add_registrant(
                db,
                email=f"registrant{person.number}@example.com",
                password_hash=None if person.status == AccountStatus.INVITED else password_hash,
                registration_number=f"D{person.number:06d}",
                family_name=person.family_name,
                given_name=person.given_name,
                family_kana=person.family_kana,
                given_kana=person.given_kana,
                birth_date=dt.date(1980 + person.number, person.number, 10 + person.number),
                valid_until=today() + dt.timedelta(days=person.valid_days_left),
                language=person.language,
                status=person.status,
                record_status=person.record_status,
            )
            account.must_reset_password = person.must_reset
            if person.locked:
                account.failed_attempts = 5
                account.locked_until = now + dt.timedelta(minutes=30)
        _demo_points(db)
        _demo_provider(db, password_hash, now)
        _demo_communications(db)
    return password


def _demo_communications(db: Session) -> None:
    """A self-service "student" category (seed 001) and an events topic (seed 000)."""
    db.add(RegistrantCategory(code="student", name_en="Student", name_ja="学生", self_service=True))
    db.add(
        MailTopic(
            code="events",
            name_en="Events and seminars",
            name_ja="イベント・研修会のご案内",
            description_en="Seminars and events of the association, a few times a year.",
            description_ja="協会の研修会やイベントのご案内です（年に数回）。",
        )
    )


def _demo_provider(db: Session, password_hash: str, now: dt.datetime) -> None:
    """A training provider with one active user, provider@example.com."""
    organisation = Organisation(
        name="Tokyo Seminar Centre",
        kind=OrganisationKind.PROVIDER,
        contact_email="office@seminar-centre.example",
    )
    user = Account(
        email="provider@example.com",
        password_hash=password_hash,
        kind=AccountKind.ORGANISATION,
        display_name="Demo Provider",
        password_changed_at=now,
    )
    db.add_all([organisation, user])
    db.flush()
    db.add(OrganisationMember(account_id=user.id, organisation_id=organisation.id))


# title, category, days ago, points
DEMO_ACTIVITIES = (
    ("Placement manager course (Tokyo)", "mandatory_course", 200, 2),
    ("Seminar: labour law update", "seminar", 120, 2),
    ("Lecture: careers after 60", "lecture", 60, 1),
    ("Seminar: interviewing skills", "seminar", 20, 1),
)


def _demo_points(db: Session) -> None:
    """The catalogue, and registrant1 at 4 counted points with one claim waiting for review."""
    catalogue.ensure_categories(db)
    db.flush()
    category = dict(db.exec(select(ActivityCategory.code, ActivityCategory.id)).all())
    activities = []
    for title, code, days_ago, points in DEMO_ACTIVITIES:
        day = today() - dt.timedelta(days=days_ago)
        activity = Activity(
            title=title,
            category_id=category[code],
            starts_on=day,
            ends_on=day,
            points=points,
            organiser="Demo Association",
        )
        db.add(activity)
        activities.append(activity)
    db.flush()
    record = db.exec(
        select(RegistryRecord).where(RegistryRecord.registration_number == "D000001")
    ).one()
    for activity in activities[:2]:
        claim = Claim(
            **claims.activity_claim(
                record.id,
                activity,
                points_granted=activity.points,
                status=ClaimStatus.APPROVED,
                decided_at=utcnow(),
            )
        )
        db.add(claim)
        db.flush()
        db.add(ClaimEvent(claim_id=claim.id, kind="submitted", actor_id=record.account_id))
        db.add(
            ClaimEvent(
                claim_id=claim.id, kind="approved", by_staff=True, points=claim.points_granted
            )
        )
    pending = Claim(
        record_id=record.id,
        category_id=category["other"],
        description="Volunteer career counselling at the city job fair",
        organiser="City of Demo",
        activity_date=today() - dt.timedelta(days=10),
        points_requested=1,
    )
    db.add(pending)
    db.flush()
    db.add(ClaimEvent(claim_id=pending.id, kind="submitted", actor_id=record.account_id))
