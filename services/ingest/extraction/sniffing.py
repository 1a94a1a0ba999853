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
    (b"%!PS", "a PostScript file"),
    (b"{\\rtf", "an RTF document"),
    (b"RIFF", "a RIFF file (audio or video)"),
)
CONVERT = "convert it to PDF or scan it to an image and upload that"
PHONE_PHOTO = ("save it as JPEG and upload that (an iPhone takes JPEG photos after "
               "Settings › Camera › Formats › Most Compatible, 设置 › 相机 › 格式 › 兼容性最佳)")
# ISO base media files say what they hold in the brand after "ftyp" (bytes 8-12).
_PHOTO_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"heim": "HEIC", b"heis": "HEIC",
                 b"hevc": "HEIC", b"hevx": "HEIC", b"mif1": "HEIF", b"msf1": "HEIF",
                 b"avif": "AVIF", b"avis": "AVIF"}


def sniff_media_type(head: bytes) -> MediaType:
    """The media type whose magic number ``head`` starts with; raises ``UnsupportedMediaType``
    (code ``empty_file`` for no bytes at all: a copy or a scan cut short, not a wrong type).

    A UTF-8 byte-order mark or whitespace before ``%PDF-`` is tolerated, as PDF readers do.
    """
    if not head:
        raise UnsupportedMediaType(
            "the file is empty (0 bytes): it was cut short when it was copied or saved; "
            "upload the file again from where it was scanned", code="empty_file")
    for magic, media_type in _ACCEPTED:
        if head.startswith(magic):
            return media_type
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"%PDF-"):
        return "application/pdf"
    described, advice = _describe(head)
    raise UnsupportedMediaType(
        f"the file is {described}, not a PDF, TIFF, PNG or JPEG; {advice}",
        extra={"first_bytes": head[:HEAD_BYTES].hex(" ")},
    )


def read_media_type(path: Path) -> MediaType:
    """``sniff_media_type`` of the file at ``path``."""
    with path.open("rb") as original:
        head = original.read(1024)
    return sniff_media_type(head)


def _describe(head: bytes) -> tuple[str, str]:
    """What a refused file seems to be, and what to do instead."""
    if head[4:8] == b"ftyp":
        photo = _PHOTO_BRANDS.get(head[8:12])
        if photo:
            return f"a photo in {photo} format (as phones save them)", PHONE_PHOTO
        return "a video (MP4 or QuickTime)", "take a photo or scan of the page instead"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "a WebP image", PHONE_PHOTO
    for magic, description in _RECOGNISED_OTHERS:
        if head.startswith(magic):
            return description, CONVERT
    if _looks_like_text(head):
        return "plain text", CONVERT
    return f"of an unknown type (it starts with {head[:8].hex(' ')})", CONVERT


def _looks_like_text(head: bytes) -> bool:
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut by the end of the sample; anything else is binary.
        if exc.start < len(head) - 3:
            return False
        decoded = head[: exc.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
