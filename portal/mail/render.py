"""Turning an outbox row into a subject and a plain-text body in the recipient's language.

Templates live in `templates/<lang>/<name>.txt`: the first line is
`Subject: ...`, then a blank line, then the body. `{association}`,
`{base_url}` and the row's own parameters are filled in.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from portal.settings import get_settings

_TEMPLATES = Path(__file__).parent / "templates"


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
    subject, body = _template(language, template)
    subject = subject.format(**values).replace("\r", " ").replace("\n", " ")
    return RenderedMail(subject=subject, body=body.format(**values))
