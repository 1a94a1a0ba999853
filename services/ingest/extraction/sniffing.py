"""The type of an upload, told by its first bytes (magic numbers), never by its filename."""

from __future__ import annotations

from pathlib import Path

from services.common.errors import UnsupportedMediaType
from services.ingest.extraction.models import MediaType

HEAD_BYTES = 16

_ACCEPTED: tuple[tuple[bytes, MediaType], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"II+\x00", "image/tiff"),  # BigTIFF
    (b"MM\x00+", "image/tiff"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)

# Only to say what a refused file probably is, so the message tells the uploader what to do.
_RECOGNISED_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel/OFD file)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"RIFF", "a WebP image or other RIFF file"),
    (b"%!PS", "a PostScript file"),
    (b"{\\rtf", "an RTF document"),
)


def sniff_media_type(head: bytes) -> MediaType:
    """The media type whose magic number ``head`` starts with; raises ``UnsupportedMediaType``.

    A UTF-8 byte-order mark or whitespace before ``%PDF-`` is tolerated, as PDF readers do.
    """
    for magic, media_type in _ACCEPTED:
        if head.startswith(magic):
            return media_type
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"%PDF-"):
        return "application/pdf"
    raise UnsupportedMediaType(
        f"the file is {_describe(head)}, not a PDF, TIFF, PNG or JPEG; "
        "convert it to PDF or scan it to an image and upload that",
        extra={"first_bytes": head[:HEAD_BYTES].hex(" ")},
    )


def read_media_type(path: Path) -> MediaType:
    """``sniff_media_type`` of the file at ``path``."""
    with path.open("rb") as original:
        head = original.read(1024)
    return sniff_media_type(head)


def _describe(head: bytes) -> str:
    if not head:
        return "empty"
    for magic, description in _RECOGNISED_OTHERS:
        if head.startswith(magic):
            return description
    if _looks_like_text(head):
        return "plain text"
    return f"of an unknown type (it starts with {head[:8].hex(' ')})"


def _looks_like_text(head: bytes) -> bool:
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut by the end of the sample; anything else is binary.
        if exc.start < len(head) - 3:
            return False
        decoded = head[: exc.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
