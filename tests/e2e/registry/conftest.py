"""Registration bodies for the registry's end-to-end tests."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

_counter = itertools.count()


def document_body(**fields: Any) -> dict[str, Any]:
    """A registration as ingest sends it; each call has new bytes unless ``sha256`` given."""
    body: dict[str, Any] = {
        "sha256": hashlib.sha256(f"scan {next(_counter)}".encode()).hexdigest(),
        "household": "A-1201", "category": "correspondence", "title": "关于停车位的申请函",
        "filed_at": "2024-03-01", "media_type": "application/pdf", "size_bytes": 2048,
        "pages": 3, "language": "zh",
        "location": {"building": "A", "room": "档案室", "cabinet": "12", "box": "3"},
        "extraction": {"mean_confidence": 91.5, "pages_needing_review": [2], "method": "ocr"},
        "original_filename": "letter.pdf", "filed_by": "wang",
    }
    body.update(fields)
    return body
