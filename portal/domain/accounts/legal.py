"""The terms of use and privacy policy: Markdown files the association edits, versioned.

Each file starts with a line `Version: <text>`, then a blank line, then the text.
`PORTAL_LEGAL_DIR` may point to the association's own copies; the packaged ones
are the default. The English file's version is the document's version.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from portal.settings import get_settings

DOCUMENTS = ("terms", "privacy")
_PACKAGED = Path(__file__).resolve().parents[2] / "legal"


@dataclass(frozen=True)
class LegalText:
    document: str
    version: str
    markdown: str


def _directory() -> Path:
    return get_settings().legal_dir or _PACKAGED


def text(document: str, language: str) -> LegalText:
    """The document in `language` (English when there is no translation)."""
    if document not in DOCUMENTS:
        raise ValueError(f"unknown legal document {document!r}")
    path = _directory() / f"{document}.{language}.md"
    if not path.exists():
        path = _directory() / f"{document}.en.md"
    stat = path.stat()
    return _read(str(path), document, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _read(path: str, document: str, _mtime_ns: int, _size: int) -> LegalText:
    # Read again whenever the file changes (its time or size): an edited text is in force
    # at once, and the consent check on every dashboard visit costs a `stat`, not a read.
    first, _, body = Path(path).read_text(encoding="utf-8").partition("\n\n")
    if not first.startswith("Version: "):
        raise ValueError(f"{path} must start with 'Version: ...'")
    return LegalText(
        document=document, version=first.removeprefix("Version: ").strip(), markdown=body
    )


def current_versions() -> dict[str, str]:
    """The version in force of each document."""
    return {document: text(document, "en").version for document in DOCUMENTS}


def texts(language: str) -> dict[str, LegalText]:
    """Every document in `language`. Reads files: call off the event loop."""
    return {document: text(document, language) for document in DOCUMENTS}
