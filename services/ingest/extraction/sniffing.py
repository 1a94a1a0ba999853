"""The type of an upload, told by its first bytes (magic numbers), never by its filename."""

from __future__ import annotations

from pathlib import Path

from services.common.contracts.ingest import FileKind
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

CONVERT = "convert it to PDF or scan it to an image and upload that"
SAVE_AS_JPEG = "save it as JPEG and upload that"
# Only to say what a refused file probably is, so the message tells the uploader what to do
# (as the digitising page does: an image in another format is saved as JPEG).
_RECOGNISED_OTHERS: tuple[tuple[bytes, FileKind, str, str], ...] = (
    (b"PK\x03\x04", "zip", "a ZIP archive (or a Word/Excel/OFD file)", CONVERT),
    (b"\xd0\xcf\x11\xe0", "old_office", "an old Office document", CONVERT),
    (b"GIF8", "gif", "a GIF image", SAVE_AS_JPEG),
    (b"BM", "bmp", "a BMP image", SAVE_AS_JPEG),
    (b"%!PS", "postscript", "a PostScript file", CONVERT),
    (b"{\\rtf", "rtf", "an RTF document", CONVERT),
    (b"RIFF", "audio_video", "a RIFF file (audio or video)",
     "take a photo or scan of the page instead"),
)
ACCEPTED_TYPES = "a PDF, TIFF, PNG, JPEG or HEIC photo"

# ISO base media files (HEIF photos, AVIF, MP4 and QuickTime videos) open with a box "ftyp"
# that names the brands they follow: the major brand (bytes 8-12), then, after a version,
# the compatible ones to the end of the box.
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})


def sniff_media_type(head: bytes) -> MediaType:
    """The media type whose magic number ``head`` starts with; raises ``UnsupportedMediaType``
    (code ``empty_file`` for no bytes at all: a copy or a scan cut short, not a wrong type).

    A UTF-8 byte-order mark or whitespace before ``%PDF-`` is tolerated, as PDF readers do.
    A HEIF photo is ``image/heic`` when a brand says its pictures are HEVC (as phones save
    them), else ``image/heif`` (the generic brands ``mif1``, ``msf1``); one that says it is
    AVIF is refused (the HEIF reader decodes HEVC only).
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
    photo = _heif_media_type(_ftyp_brands(head))
    if photo:
        return photo
    kind, described, advice = _describe(head)
    raise UnsupportedMediaType(
        f"the file is {described}, not {ACCEPTED_TYPES}; {advice}",
        extra={"seems": kind, "first_bytes": head[:HEAD_BYTES].hex(" ")},
    )


def read_media_type(path: Path) -> MediaType:
    """``sniff_media_type`` of the file at ``path``."""
    with path.open("rb") as original:
        head = original.read(1024)
    return sniff_media_type(head)


def _describe(head: bytes) -> tuple[FileKind, str, str]:
    """What a refused file seems to be (its kind, in words), and what to do instead."""
    brands = _ftyp_brands(head)
    if _AVIF_BRANDS.intersection(brands):
        return "avif", "a photo in AVIF format", SAVE_AS_JPEG
    if brands:
        return "audio_video", "a video (MP4 or QuickTime)", \
            "take a photo or scan of the page instead"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp", "a WebP image", SAVE_AS_JPEG
    for magic, kind, description, advice in _RECOGNISED_OTHERS:
        if head.startswith(magic):
            return kind, description, advice
    if _looks_like_text(head):
        return "text", "plain text", CONVERT
    return "unknown", f"of an unknown type (it starts with {head[:8].hex(' ')})", CONVERT


def _ftyp_brands(head: bytes) -> tuple[bytes, ...]:
    """The brands of an ISO base media file's ``ftyp`` box, major first; none for other files."""
    if head[4:8] != b"ftyp":
        return ()
    end = min(int.from_bytes(head[:4], "big"), len(head))
    return (head[8:12], *(head[at:at + 4] for at in range(16, end - 3, 4)))


def _heif_media_type(brands: tuple[bytes, ...]) -> MediaType | None:
    """The type of a HEIF photo the archive decodes, by its ``brands``; None for others."""
    if not brands or brands[0] not in _HEVC_BRANDS | _HEIF_BRANDS:
        return None
    if _AVIF_BRANDS.intersection(brands):
        return None
    return "image/heic" if _HEVC_BRANDS.intersection(brands) else "image/heif"


def _looks_like_text(head: bytes) -> bool:
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut by the end of the sample; anything else is binary.
        if exc.start < len(head) - 3:
            return False
        decoded = head[: exc.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
