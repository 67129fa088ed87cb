"""The impact preview of a rule version: counted with the batch evaluation, before publishing."""

import datetime as dt
import random

import pytest

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, NotAllowed
from portal.domain.renewal import eligibility_batch, rules_impact
from portal.domain.rules import versions
from portal.domain.rules.rule_set import RuleBook
from tests.domain.renewal.renewal_people import record_of, renewing
from tests.support.people import registrant_principal, reviewer, staff_principal


def draft(admin, points: int, days_ahead: int = 10) -> int:
    day = (today() + dt.timedelta(days=days_ahead)).isoformat()
    return versions.save_draft(
        admin,
        {
            "effective_from": day,
            "points_required": points,
            "mandatory_category": "mandatory_course",
        },
    )


def test_the_preview_counts_who_could_no_longer_apply_and_who_could(db):
    ready = renewing("ready@example.com", days_left=30, points=5)
    short = renewing("short@example.com", days_left=30, points=3)
    renewing("gone@example.com", days_left=30, status="withdrawn")
    admin = staff_principal("keeper@example.com", "admin")[0]
    stricter = rules_impact.preview(reviewer(), draft(admin, 10))
    assert (stricter.registrants, stricter.lose, stricter.gain) == (2, 1, 0)
    assert [p.number for p in stricter.lose_sample] == [record_of(ready).registration_number]
    assert stricter.lose_sample[0].name == "山田 花子"
    assert stricter.changed == 2  # both would need 10 points
    # nobody's current period started after the date; both next periods will be held to it
    assert (stricter.current_periods, stricter.next_periods) == (0, 2)
    kinder = rules_impact.preview(admin, draft(admin, 3, days_ahead=20))
    assert (kinder.lose, kinder.gain) == (0, 1)
    assert kinder.gain_sample[0].number == record_of(short).registration_number
    assert kinder.next_periods == 2


def test_only_staff_preview_and_a_version_in_force_has_nothing_to_foresee(db):
    renewing("someone@example.com")
    admin = staff_principal("keeper@example.com", "admin")[0]
    version = draft(admin, 7)
    with pytest.raises(NotAllowed):
        rules_impact.preview(registrant_principal("nosy@example.com"), version)
    first = versions.book().versions[0].id
    with pytest.raises(DomainError) as raised:
        rules_impact.preview(admin, first)
    assert raised.value.key == "rules.locked"


@pytest.mark.parametrize("seed", range(4))
def test_who_could_apply_is_what_the_batch_says_under_both_rule_books(db, seed):
    """Reading only the registrants whose window may be open loses nobody: the preview's
    answer is the batch evaluation of everyone under the rules now and under the version."""
    rng = random.Random(seed)
    for n in range(30):
        renewing(
            f"p{n}@example.com",
            days_left=rng.randint(-40, 400),
            points=rng.randint(0, 9),
            course=rng.random() < 0.8,
            newsletter=rng.random() < 0.9,
        )
    admin = staff_principal("keeper@example.com", "admin")[0]
    day = (today() + dt.timedelta(days=5)).isoformat()
    version_id = versions.save_draft(
        admin,
        {
            "effective_from": day,
            "points_required": rng.randint(2, 9),
            "window_months": rng.randint(1, 12),
            "grace_days": rng.choice([0, 20, 60]),
            "categories": {"seminar": {"minimum": rng.randint(0, 3)}},
        },
    )
    found = rules_impact.preview(admin, version_id)
    book = versions.book()
    with transaction() as db_:
        version = versions.stored(db_, version_id)
    everyone = eligibility_batch.gather()
    before, then = eligibility_batch.evaluate_under(
        everyone, today(), (book, RuleBook((version,), book.names))
    )
    lose = {i for i in before if before[i].can_apply and not then[i].can_apply}
    gain = {i for i in before if then[i].can_apply and not before[i].can_apply}
    assert (found.lose, found.gain) == (len(lose), len(gain))
    assert found.registrants == 30
