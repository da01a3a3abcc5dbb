"""An upload becomes a batch: the file stored under a neutral name, its SHA-256, who sent it."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.utils import timezone

from imports.models import ImportBatch

logger = logging.getLogger(__name__)


def import_batch_create(
    *,
    uploaded_file: File,
    original_name: str,
    user: AbstractBaseUser | None,
    apply_when_valid: bool,
    queued: bool,
    command_user: str = "",
) -> ImportBatch:
    """Store the file and flag it if the same bytes came before. Nothing is queued here.

    ``queued``: the caller puts its validation on the queue (imports.queueing, after the commit) and
    the batch records when. The management command validates in-process instead, and says who ran
    it (``command_user``, the operating-system login).
    """
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    sha256 = digest.hexdigest()
    batch = ImportBatch(
        original_name=Path(original_name).name[:255],
        sha256=sha256,
        duplicate_of=ImportBatch.objects.filter(sha256=sha256).order_by("-created_at").first(),
        uploaded_by=user if user is not None and user.is_authenticated else None,
        # Ticking "Apply when valid" is the uploader's decision to apply: the batch names them as its applier.
        applied_by=user if apply_when_valid and user is not None and user.is_authenticated else None,
        command_user=command_user[:150],
        apply_when_valid=apply_when_valid,
        queued_at=timezone.now() if queued else None,
    )
    # The stored name keeps only the extension: a file name may itself carry personal data.
    batch.file.save(f"mapping{Path(original_name).suffix.lower()[:8]}", uploaded_file, save=False)
    batch.save()
    logger.info("import batch %s: uploaded (%s bytes)", batch.pk, batch.file.size)
    return batch
