"""The registrant's own record on /mypage/record: each section as it reads, and the
values its edit form starts from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal.domain.registry import records
from portal.domain.registry.mail_topics import Topic
from portal.domain.registry.registrant_categories import Category
from portal.i18n import format_datetime, translate
from portal.web.components.values import display_value
from portal.web.presenters.labelled import Labelled

CERTIFICATION = ("registration_number", "certified_on", "valid_from", "valid_until", "status")


@dataclass(frozen=True)
class Option:
    """A choice of a select: what the form sends and what the person reads."""

    code: str
    name: str


@dataclass(frozen=True)
class TopicChoice:
    """A mail topic the association added, as its checkbox reads."""

    field: str
    name: str
    description: str


@dataclass(frozen=True)
class OwnRecord:
    """Everything the page shows of the record, in the reader's language."""

    sections: dict[str, list[Labelled]]
    texts: dict[str, str]  # what each text field's input starts with
    ticked: dict[str, bool]  # whether each yes/no field (topics included) starts ticked
    updated: dict[str, str]  # per section: when it last changed
    topics: list[TopicChoice]
    categories: list[Option]  # the categories a registrant may choose themselves
    category_editable: bool  # their own category is one of those


def own_record(
    view: records.RecordView, categories: Iterable[Category], topics: Iterable[Topic], lang: str
) -> OwnRecord:
    """The page's view of `view`, with category names and the added topics of the day."""
    values = view.values
    categories = list(categories)
    names = {c.code: c.name(lang) for c in categories}
    added = [t for t in topics if not t.built_in]

    def shown(f: str) -> Labelled:
        if f == "category":
            return Labelled(f"field.{f}", names.get(str(values[f]), str(values[f])))
        return Labelled(f"field.{f}", display_value(f, values[f], lang))

    sections = {
        section: [shown(f) for f in (*fields, *(("birth_date",) if section == "basic" else ()))]
        for section, fields in records.SECTIONS.items()
    }
    sections["mail"] += [
        Labelled("", display_value(t.field, values[t.field], lang), t.name(lang)) for t in added
    ]
    sections["certification"] = [shown(f) for f in CERTIFICATION]
    editable = [f for fields in records.SECTIONS.values() for f in fields]
    mine = next((c for c in categories if c.code == values["category"]), None)
    return OwnRecord(
        sections=sections,
        texts={
            f: str(values[f]) if f == "category" else display_value(f, values[f], lang)
            for f in editable
            if f not in records.FLAGS
        },
        ticked={
            **{f: bool(values[f]) for f in editable if f in records.FLAGS},
            **{t.field: bool(values[t.field]) for t in added},
        },
        updated={
            section: translate("record.last_updated", lang, when=format_datetime(when, lang))
            if when
            else translate("record.never_updated", lang)
            for section, when in view.updated.items()
        },
        topics=[TopicChoice(t.field, t.name(lang), t.description(lang)) for t in added],
        categories=[Option(c.code, c.name(lang)) for c in categories if c.self_service],
        category_editable=mine is not None and mine.self_service,
    )
