"""/admin/audits as display values: the open audits, the draws and the pass rates."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.domain.core import paths
from portal.domain.points import audits
from portal.i18n import format_date, format_datetime, translate
from portal.web.presenters.points import EvidenceFile


@dataclass(frozen=True)
class AuditItem:
    """One open audit as the queue shows it."""

    id: str
    title: str
    who: str
    facts: str
    status: str
    status_text: str
    files: list[EvidenceFile] = field(default_factory=list)


def items(queue: list[audits.QueueRow], names: dict[str, str], lang: str) -> list[AuditItem]:
    """The open audits, each with its evidence links (`names`: category names in `lang`)."""
    return [
        AuditItem(
            id=str(q.audit_id),
            title=q.title,
            who=f"{q.registration_number} {q.name}",
            facts=translate(
                "audits.facts",
                lang,
                category=names.get(q.category, q.category),
                points=translate("count.points", lang, count=q.points),
                date=format_date(q.due_on, lang),
            ),
            status=q.status,
            status_text=translate(f"audits.status_{q.status}", lang),
            files=[EvidenceFile(str(i), n, f"{paths.EVIDENCE}/{i}") for i, n in q.files],
        )
        for q in queue
    ]


def draw_lines(draws: list[audits.DrawRow], names: dict[str, str], lang: str) -> list[str]:
    """Each draw in one sentence: when, by whom, rate, category, drawn of how many, outcomes."""
    every = translate("audits.every_category", lang)
    return [
        translate(
            "audits.draw_line",
            lang,
            when=format_datetime(d.started_at, lang),
            by=d.started_by or translate("audits.command_line", lang),
            percent=f"{d.percent:g}",
            category=names.get(d.category, d.category) if d.category else every,
            drawn=d.drawn,
            population=d.population,
            outcome=", ".join(
                translate(f"audits.count_{status}", lang, count=count)
                for status, count in sorted(d.outcomes.items())
            )
            or "—",
        )
        for d in draws
    ]


def rate_lines(rates: list[audits.CategoryRate], names: dict[str, str], lang: str) -> list[str]:
    """The pass rate of each category's ended audits, in one sentence each."""
    return [
        translate(
            "audits.rate_line",
            lang,
            category=names.get(r.category, r.category),
            passed=r.passed,
            count=r.decided,
            percent=round(100 * r.passed / r.decided) if r.decided else 0,
        )
        for r in rates
    ]
