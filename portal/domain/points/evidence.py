"""Evidence files for claims: checked by content, stored privately, served only to owner and staff.

Guarantees:
- A file is accepted only when its first bytes are those of a PDF, JPEG or PNG
  (whatever its name or declared type says), it is within
  PORTAL_EVIDENCE_MAX_MB, and the claim holds fewer than
  PORTAL_EVIDENCE_MAX_FILES files and is still open.
- It is stored under `<data dir>/evidence/` with a generated name (owner-only
  permissions); the name the person gave is kept for display only, cleaned of
  any path.
- `read()` returns a file to the registrant whose claim it is and to staff;
  anyone else gets the same answer as for a file that does not exist.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, func, select

from portal.domain.accounts.actor import Actor
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.points import audits, claims
from portal.domain.points.tables import OPEN_STATUSES, Claim, ClaimEvent, EvidenceFile
from portal.settings import get_settings

SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's own first bytes, or None when not allowed."""
    for signature, content_type, extension in SIGNATURES:
        if data.startswith(signature):
            return content_type, extension
    return None


def _folder() -> Path:
    folder = get_settings().data_dir / "evidence"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def display_name(name: object, extension: str) -> str:
    """The uploader's file name without any path or control characters, at most 100 long."""
    text = name if isinstance(name, str) else ""
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if ch.isprintable()).strip().lstrip(".")[:100]
    return text or f"evidence{extension}"


def attach(actor: Actor, claim_id: int, name: object, data: bytes) -> int:
    """Store one file for the registrant's own open claim, or for their claim under audit
    (the first file answers the audit); returns the file id."""
    settings = get_settings()
    if len(data) > settings.evidence.max_mb * 1024 * 1024:
        raise DomainError("evidence.too_large", mb=settings.evidence.max_mb)
    kind = sniff(data)
    if kind is None:
        raise DomainError("evidence.wrong_type")
    content_type, extension = kind
    stored = secrets.token_urlsafe(24) + extension
    with transaction() as db:
        claim = claims.own_claim(db, actor, claim_id)
        audited = audits.open_audit(db, claim.id) is not None
        if claim.status not in OPEN_STATUSES and not audited:
            raise DomainError("claims.not_open")
        held = db.exec(
            select(func.count()).select_from(EvidenceFile).where(EvidenceFile.claim_id == claim.id)
        ).one()
        if held >= settings.evidence.max_files:
            raise DomainError("evidence.too_many", count=settings.evidence.max_files)
        path = _folder() / stored
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        shown = display_name(name, extension)
        file = EvidenceFile(
            claim_id=claim.id,
            stored_name=stored,
            original_name=shown,
            content_type=content_type,
            size=len(data),
            uploaded_by=actor.account_id,
        )
        db.add(file)
        db.add(
            ClaimEvent(
                claim_id=claim.id, kind="file_added", actor_id=actor.account_id, message=shown
            )
        )
        if audited:
            audits.evidence_sent(db, claim.id)  # the audit now waits for a reviewer
        db.flush()
        return file.id


@dataclass(frozen=True)
class StoredFile:
    name: str
    content_type: str
    data: bytes


def read(actor: Actor, file_id: object) -> StoredFile:
    """The file, for its claim's registrant or staff; DomainError("evidence.unknown") otherwise."""
    with transaction() as db:
        file = db.get(EvidenceFile, file_id) if isinstance(file_id, int) else None
        if file is None:
            raise DomainError("evidence.unknown")
        if not actor.is_staff:
            record = claims.own_record(db, actor)
            owner = db.exec(select(Claim.record_id).where(col(Claim.id) == file.claim_id)).one()
            if owner != record.id:
                raise DomainError("evidence.unknown")
        stored, name, content_type = file.stored_name, file.original_name, file.content_type
    path = _folder() / stored
    if not path.is_file():
        raise DomainError("evidence.unknown")
    return StoredFile(name=name, content_type=content_type, data=path.read_bytes())
