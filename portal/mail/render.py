"""Turning an outbox row into a subject and a plain-text body in the recipient's language.

Templates live in `templates/<lang>/<name>.txt`: the first line is
`Subject: ...`, then a blank line, then the body. `{association}`,
`{base_url}` and the row's own parameters are filled in; whole numbers named
`minutes`, `hours` or `days` become words with their plural ("1 minute",
"10 minutes", "10分"), and `points` a counted number of points, as pages show them.
A body line starting with `?` is an optional line: it is left out when a value it names
is empty.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from pathlib import Path

from portal.i18n import format_duration, translate
from portal.settings import get_settings

_TEMPLATES = Path(__file__).parent / "templates"
_DURATIONS = {"minutes": "minute", "hours": "hour", "days": "day"}
# Templates that read as another one (kept apart only for where their rows are shown).
_SAME_AS = {"survey_reminder": "announcement"}


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    body: str


@functools.cache
def _template(language: str, name: str) -> tuple[str, str]:
    path = _TEMPLATES / language / f"{name}.txt"
    if not path.exists():
        path = _TEMPLATES / "en" / f"{name}.txt"
    first, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"template {path} must start with 'Subject: '")
    return first.removeprefix("Subject: ").strip(), body


def template_names(language: str) -> set[str]:
    """Every template available in `language`."""
    return {p.stem for p in (_TEMPLATES / language).glob("*.txt")}


def render(template: str, language: str, params: dict) -> RenderedMail:
    """The message as the recipient will read it. Header text never contains CR or LF."""
    settings = get_settings()
    values = {"association": settings.association_name, "base_url": settings.base_url, **params}
    for name, unit in _DURATIONS.items():
        if isinstance(values.get(name), int):
            values[name] = format_duration(values[name], unit, language)
    if isinstance(values.get("points"), int):
        values["points"] = translate("count.points", language, count=values["points"])
    subject, body = _template(language, _SAME_AS.get(template, template))
    subject = subject.format(**values).replace("\r", " ").replace("\n", " ")
    return RenderedMail(subject=subject, body=_fill_body(body, values))


def _fill_body(body: str, values: dict) -> str:
    """The body with its values; a line written `?…` is kept (without the `?`) only when
    every value it names is given and not empty (an optional note, never "Note: -")."""
    lines = []
    for line in body.split("\n"):
        if line.startswith("?"):
            line = line[1:]
            if not all(
                values.get(name) for _, name, _, _ in string.Formatter().parse(line) if name
            ):
                continue
        lines.append(line.format(**values))
    return "\n".join(lines)
