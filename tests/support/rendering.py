"""Known text rendered into the files the archive receives, for OCR tests and benchmarks.

Every writer takes a destination path and returns it. Pages are rendered with Noto Sans
CJK (Debian ``fonts-noto-cjk``): one ``.ttc`` whose faces are picked by index, SC for
Simplified and TC for Traditional so each script gets its own glyph forms.

The digital PDF is written with fpdf2, which loads the ``.ttc``'s CFF face directly
(``collection_font_number``) and embeds a ToUnicode map, so its text layer is exact.
"""

from __future__ import annotations

import math
import random
import statistics
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pikepdf
import pillow_heif
from fpdf import FPDF
from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

NOTO_SANS_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
Script = Literal["simplified", "traditional"]
# Face indexes inside NotoSansCJK-Regular.ttc (fc-query): 0 JP, 1 KR, 2 SC, 3 TC, 4 HK.
_FACE: dict[Script, int] = {"simplified": 2, "traditional": 3}

# A repair request (维修申请) of about 20 characters a line, with digits and Latin letters.
SIMPLIFIED_LINES: tuple[str, ...] = (
    "业主维修申请单：A-1201室卫生间漏水严重，",
    "请物业管理处尽快安排工程部人员上门检查。",
    "联系电话13800138000，业主姓名张伟先生。",
    "本单据一式两份，业主与物业服务中心各执一份。",
    "维修费用按照管理规约由责任方承担，若涉及",
    "公共部位则由专项维修资金支付。处理结果须",
    "在五个工作日内书面回复业主并存档备查。",
    "Room 1201 于2023年5月18日登记受理。",
)
# The same request converted with OpenCC (s2t), fixed here so the test text never drifts.
TRADITIONAL_LINES: tuple[str, ...] = (
    "業主維修申請單：A-1201室衛生間漏水嚴重，",
    "請物業管理處儘快安排工程部人員上門檢查。",
    "聯繫電話13800138000，業主姓名張偉先生。",
    "本單據一式兩份，業主與物業服務中心各執一份。",
    "維修費用按照管理規約由責任方承擔，若涉及",
    "公共部位則由專項維修資金支付。處理結果須",
    "在五個工作日內書面回覆業主並存檔備查。",
    "Room 1201 於2023年5月18日登記受理。",
)
ENGLISH_LINES: tuple[str, ...] = (
    "Notice to the residents of Building A",
    "The water supply will be interrupted on",
    "Thursday from nine in the morning until",
    "five in the afternoon for pipe repairs.",
    "Please store enough water in advance and",
    "contact the management office with any",
    "questions. Thank you for your patience.",
)
LINES: dict[Script, tuple[str, ...]] = {
    "simplified": SIMPLIFIED_LINES, "traditional": TRADITIONAL_LINES,
}

DPI = 300
POINT_SIZE = 12
PAGE_WIDTH_IN = 7.0
MARGIN_IN = 0.5
LINE_PITCH = 1.8  # line advance as a multiple of the font size


def line_band_in(index: int, *, point_size: int = POINT_SIZE) -> tuple[float, float]:
    """Top and bottom (inches from the page top) of line ``index`` on a rendered page."""
    top = MARGIN_IN + index * point_size * LINE_PITCH / 72
    return top, top + point_size * 1.4 / 72


def page_height_in(line_count: int, *, point_size: int = POINT_SIZE) -> float:
    return 2 * MARGIN_IN + line_count * point_size * LINE_PITCH / 72


def render_page(
    lines: Sequence[str],
    *,
    script: Script = "simplified",
    dpi: int = DPI,
    point_size: int = POINT_SIZE,
) -> Image.Image:
    """A grayscale page with ``lines`` in black on white, as a scanner at ``dpi`` would see it."""
    width = round(PAGE_WIDTH_IN * dpi)
    height = round(page_height_in(len(lines), point_size=point_size) * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(NOTO_SANS_CJK, round(point_size * dpi / 72), index=_FACE[script])
    for index, line in enumerate(lines):
        top_in, _ = line_band_in(index, point_size=point_size)
        draw.text((round(MARGIN_IN * dpi), round(top_in * dpi)), line, font=font, fill=0)
    page.info["dpi"] = (dpi, dpi)
    return page


def on_a4(page: Image.Image, dpi: int) -> Image.Image:
    """``page`` at the top left of a sheet of A4 at ``dpi``, as a flatbed scans a letter."""
    sheet = Image.new("L", (round(8.27 * dpi), round(11.69 * dpi)), 255)
    sheet.paste(page, (0, 0))
    return sheet


def render_receipt(lines: int = 70) -> tuple[Image.Image, list[str]]:
    """A new user's receipt: a strip 600 × 6 000 pixels, ``lines`` lines of 30-pixel print
    84 pixels apart (amounts), with no resolution stated; and its lines."""
    text = [f"第{number}项 水电费 {99 + number}.00元" for number in range(1, lines + 1)]
    strip = Image.new("L", (600, 6000), 255)
    draw = ImageDraw.Draw(strip)
    font = ImageFont.truetype(NOTO_SANS_CJK, 30, index=_FACE["simplified"])
    for index, line in enumerate(text):
        draw.text((30, 40 + index * 84), line, font=font, fill=0)
    return strip, text


def render_columns(columns: Sequence[str], *, script: Script = "simplified") -> Image.Image:
    """A 300 dpi grayscale page of ``columns`` of vertical text (竖排), drawn character by
    character, read right to left: the first column is the rightmost."""
    font = ImageFont.truetype(NOTO_SANS_CJK, 50, index=_FACE[script])
    page = Image.new("L", (250 + 150 * len(columns), 120 + 68 * max(map(len, columns))), 255)
    draw = ImageDraw.Draw(page)
    for column, text in enumerate(columns):
        for row, char in enumerate(text):
            draw.text((page.width - 140 - column * 150, 60 + row * 68), char, font=font, fill=0)
    page.info["dpi"] = (300, 300)
    return page


def render_side_by_side(columns: Sequence[Sequence[str]], *, heading: str | None = None,
                        gutter_in: float = 0.5, dpi: int = DPI,
                        point_size: int = POINT_SIZE) -> Image.Image:
    """A grayscale page set in ``columns`` of horizontal lines side by side (分栏), each as
    wide as its longest line, ``gutter_in`` apart, under an optional ``heading`` across
    them all: read in order, the heading, then each column top to bottom."""
    font = ImageFont.truetype(NOTO_SANS_CJK, round(point_size * dpi / 72),
                              index=_FACE["simplified"])
    widths = [max(font.getlength(line) for line in column) for column in columns]
    pitch = point_size * LINE_PITCH / 72
    top_in = MARGIN_IN + (pitch if heading else 0.0)
    width = round(2 * MARGIN_IN * dpi + sum(widths) + gutter_in * dpi * (len(columns) - 1))
    page = Image.new("L", (width, round((top_in + MARGIN_IN + pitch * max(map(len, columns)))
                                        * dpi)), 255)
    draw = ImageDraw.Draw(page)
    if heading:
        draw.text((round(MARGIN_IN * dpi), round(MARGIN_IN * dpi)), heading, font=font, fill=0)
    left = MARGIN_IN * dpi
    for column, column_width in zip(columns, widths, strict=True):
        for index, line in enumerate(column):
            draw.text((round(left), round((top_in + index * pitch) * dpi)), line, font=font,
                      fill=0)
        left += column_width + gutter_in * dpi
    page.info["dpi"] = (dpi, dpi)
    return page


def render_table(rows: Sequence[Sequence[str]], *, cell_in: float = 2.0, dpi: int = DPI,
                 point_size: int = POINT_SIZE) -> Image.Image:
    """A grayscale page of a table without rules: each row's cells ``cell_in`` apart (far
    apart: a gutter between each of its columns), read row by row, across."""
    font = ImageFont.truetype(NOTO_SANS_CJK, round(point_size * dpi / 72),
                              index=_FACE["simplified"])
    pitch = point_size * LINE_PITCH / 72
    page = Image.new("L", (round((2 * MARGIN_IN + cell_in * max(map(len, rows))) * dpi),
                           round((2 * MARGIN_IN + pitch * len(rows)) * dpi)), 255)
    draw = ImageDraw.Draw(page)
    for index, row in enumerate(rows):
        for number, cell in enumerate(row):
            draw.text((round((MARGIN_IN + number * cell_in) * dpi),
                       round((MARGIN_IN + index * pitch) * dpi)), cell, font=font, fill=0)
    page.info["dpi"] = (dpi, dpi)
    return page


SEAL_RGB = (205, 35, 45)


def in_red(page: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """``page`` (grey) in colour, its print inside ``box`` red (a 红头 header, a red pen)."""
    coloured = page.convert("RGB")
    part = page.crop(box)
    coloured.paste(Image.merge("RGB", [
        part.point(lambda grey, paper=paper: 255 - (255 - grey) * (255 - paper) // 255)
        for paper in SEAL_RGB]), box[:2])
    return coloured


def with_seal(page: Image.Image, centre: tuple[int, int], radius: int,
              name: str = "安居物业管理有限公司") -> Image.Image:
    """``page`` stamped with a round red seal (公章: a ring, ``name`` around it, a star),
    its red over the print as ink over ink (multiplied: print under it stays dark)."""
    seal = Image.new("L", page.size, 0)
    draw = ImageDraw.Draw(seal)
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=255,
                 width=max(3, radius // 18))
    font = ImageFont.truetype(NOTO_SANS_CJK, round(radius * 0.22), index=_FACE["simplified"])
    for index, character in enumerate(name):
        angle = math.radians(-150 + 300 * index / (len(name) - 1)) - math.pi / 2
        glyph = Image.new("L", (round(radius * 0.3),) * 2, 0)
        ImageDraw.Draw(glyph).text((0, 0), character, font=font, fill=255)
        glyph = glyph.rotate(-math.degrees(angle) - 90, expand=True)
        seal.paste(255, (round(x + 0.75 * radius * math.cos(angle) - glyph.width / 2),
                         round(y + 0.75 * radius * math.sin(angle) - glyph.height / 2)), glyph)
    draw.polygon([(x + (radius / 4 if point % 2 == 0 else radius / 10) * math.cos(angle),
                   y + (radius / 4 if point % 2 == 0 else radius / 10) * math.sin(angle))
                  for point in range(10) for angle in [-math.pi / 2 + point * math.pi / 5]],
                 fill=255)
    red = Image.new("RGB", page.size, SEAL_RGB)
    return ImageChops.multiply(page.convert("RGB"),
                               Image.composite(red, Image.new("RGB", page.size, "white"), seal))


# Scanned paper: a slightly yellow sheet, and blue-black ink.
PAPER_RGB = (247, 242, 226)
INK_RGB = (28, 34, 70)


def scanned(page: Image.Image, rng: random.Random, *, colour: bool = False) -> Image.Image:
    """``page`` as a scanner returns it: turned by up to 1.5°, a little blurred, with sensor
    noise, and in colour (tinted paper, blue-black ink) when ``colour``."""
    dpi = _dpi_of(page)[0]
    page = page.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC,
                       expand=True, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7) * dpi / 300))
    page = ImageChops.add(page, sensor_noise(page.size, rng), scale=1.0, offset=-128)
    if colour:
        page = ImageOps.colorize(page, black=INK_RGB, white=PAPER_RGB)
    page.info["dpi"] = (dpi, dpi)
    return page


def sensor_noise(size: tuple[int, int], rng: random.Random, *, sigma: float | None = None
                 ) -> Image.Image:
    """Gaussian sensor noise around grey 128 (``sigma`` drawn from ``rng`` when not given),
    drawn from ``rng``. Not ``Image.effect_noise``: it draws from the C library's generator,
    which other libraries in the process (pdfium) also draw from, so the same seed would give
    other pages from one run to the next."""
    normal = statistics.NormalDist(128, sigma if sigma is not None else rng.uniform(10, 20))
    quantiles = [min(255, max(0, round(normal.inv_cdf((level + 0.5) / 256))))
                 for level in range(256)]
    uniform = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    return uniform.point(quantiles)


def write_png(path: Path, page: Image.Image) -> Path:
    page.save(path, format="PNG", dpi=_dpi_of(page))
    return path


def write_jpeg(path: Path, page: Image.Image, *, quality: int = 75) -> Path:
    page.save(path, format="JPEG", quality=quality, dpi=_dpi_of(page))
    return path


def write_heic(path: Path, page: Image.Image, *, stored_sideways: bool = False) -> Path:
    """A photo of ``page`` as an iPhone saves it: HEVC in a HEIF file. ``stored_sideways``:
    its pixels turned a quarter, as the camera took them, and the turn that stands them
    upright recorded beside them (the ``irot`` box; EXIF orientation 6)."""
    pixels, orientation = page.convert("RGB"), 1
    if stored_sideways:
        pixels, orientation = pixels.rotate(90, expand=True), 6
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    pillow_heif.from_pillow(pixels).save(path, quality=90, exif=exif.tobytes())
    return path


def write_pixel_bomb_heic(path: Path, *, width: int = 30_000, height: int = 30_000) -> Path:
    """A HEIC of a few hundred bytes whose header (its ``ispe`` box) declares ``width``×``height``
    pixels over a small picture: only a decoder that trusts the header finds out late."""
    data = bytearray(write_heic(path, Image.new("L", (64, 64), 255)).read_bytes())
    extent = data.index(b"ispe") + 8  # after the box type, its version and flags
    data[extent:extent + 8] = struct.pack(">II", width, height)
    path.write_bytes(bytes(data))
    return path


def write_tiff(path: Path, pages: Sequence[Image.Image]) -> Path:
    """A multi-page TIFF, LZW-compressed, as document scanners write."""
    first, *rest = pages
    first.save(
        path, format="TIFF", save_all=True, append_images=rest,
        compression="tiff_lzw", dpi=_dpi_of(first),
    )
    return path


def write_scanned_pdf(path: Path, pages: Sequence[Image.Image]) -> Path:
    """A PDF whose every page is one full-page image and nothing else, as scanners write."""
    first, *rest = pages
    first.save(
        path, format="PDF", save_all=True, append_images=rest, resolution=_dpi_of(first)[0]
    )
    return path


def _image_pdf(page: Image.Image, *, margin_pt: float = 0.0) -> tuple[FPDF, float, float]:
    """A one-page PDF showing ``page`` at its resolution inside a white ``margin_pt``, and
    the image's width and height in points."""
    dpi = _dpi_of(page)[0]
    width_pt, height_pt = page.width * 72 / dpi, page.height * 72 / dpi
    pdf = FPDF(unit="pt", format=(width_pt + 2 * margin_pt, height_pt + 2 * margin_pt))
    pdf.add_page()
    pdf.image(page, x=margin_pt, y=margin_pt, w=width_pt, h=height_pt)
    return pdf, width_pt, height_pt


def write_framed_scan_pdf(path: Path, page: Image.Image, *, margin_in: float = 1.0) -> Path:
    """A PDF page with ``page`` placed inside a white margin, so it is not a full-page scan."""
    pdf, _, _ = _image_pdf(page, margin_pt=margin_in * 72)
    pdf.output(str(path))
    return path


def write_redacted_scan_pdf(path: Path, page: Image.Image, *, line: int) -> Path:
    """A full-page scan with a black box drawn over line ``line``, as a redaction tool does."""
    pdf, width_pt, _ = _image_pdf(page)
    top_in, bottom_in = line_band_in(line)
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(0, (top_in - 0.05) * 72, width_pt, (bottom_in - top_in + 0.1) * 72, style="F")
    pdf.output(str(path))
    return path


def write_stamped_scan_pdf(path: Path, page: Image.Image, *, stamp: str) -> Path:
    """A full-page scan with a few words of real text on top, as a page-numbering tool adds."""
    pdf, width_pt, height_pt = _image_pdf(page)
    pdf.add_font("noto", fname=str(NOTO_SANS_CJK), collection_font_number=_FACE["simplified"])
    pdf.set_font("noto", size=8)
    pdf.text(width_pt - 72, height_pt - 12, stamp)
    pdf.output(str(path))
    return path


def write_digital_pdf(
    path: Path, pages: Sequence[Sequence[str]], *, script: Script = "simplified"
) -> Path:
    """A PDF with a real text layer (no images), one page per item of ``pages``."""
    pdf = FPDF(unit="pt", format=(PAGE_WIDTH_IN * 72, page_height_in(max(map(len, pages))) * 72))
    pdf.add_font("noto", fname=str(NOTO_SANS_CJK), collection_font_number=_FACE[script])
    pdf.set_font("noto", size=POINT_SIZE)
    for lines in pages:
        pdf.add_page()
        for index, line in enumerate(lines):
            top_in, _ = line_band_in(index)
            pdf.text(MARGIN_IN * 72, top_in * 72 + POINT_SIZE, line)
    pdf.output(str(path))
    return path


def write_turned_digital_pdf(path: Path, lines: Sequence[str], *, turn: int) -> Path:
    """A one-page PDF with a real text layer of ``lines``, stored turned ``turn``° (its
    ``/Rotate``) and drawn turned back, so that it shows upright as ``write_digital_pdf``'s
    page does: as scanners and office software store a landscape page. Each character is
    placed on its own, as Chinese office software and OCR text layers place them."""
    width, height = PAGE_WIDTH_IN * 72, page_height_in(len(lines)) * 72
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.add_font("noto", fname=str(NOTO_SANS_CJK), collection_font_number=_FACE["simplified"])
    pdf.set_font("noto", size=POINT_SIZE)
    pdf.add_page()
    for index, line in enumerate(lines):
        top_in, _ = line_band_in(index)
        for at, character in enumerate(line):
            pdf.text(MARGIN_IN * 72 + pdf.get_string_width(line[:at]),
                     top_in * 72 + POINT_SIZE, character)
    pdf.output(str(path))
    with pikepdf.open(path, allow_overwriting_input=True) as document:
        page = document.pages[0]
        # The upright page onto the page space the turn shows upright.
        drawn_upright = {90: (0, 1, -1, 0, height, 0), 180: (-1, 0, 0, -1, width, height),
                         270: (0, -1, 1, 0, 0, width)}[turn]
        matrix = " ".join(f"{value:.2f}" for value in drawn_upright)
        page.contents_add(pikepdf.Stream(document, f"q {matrix} cm\n".encode()),
                          prepend=True)
        page.contents_add(pikepdf.Stream(document, b"\nQ"))
        if turn != 180:
            page.MediaBox = pikepdf.Array([0, 0, height, width])
        page.Rotate = turn
        document.save(path)
    return path


def write_pixel_bomb_png(path: Path, *, width: int = 30_000, height: int = 30_000) -> Path:
    """A PNG of a few hundred bytes whose header declares ``width``×``height`` pixels.

    Only a few rows of data follow the header: a decoder that trusts the header allocates
    the whole image before finding out.
    """
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grayscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    data = zlib.compress(row * 8, 9)
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data)
    path.write_bytes(png + _chunk(b"IEND", b""))
    return path


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _dpi_of(page: Image.Image) -> tuple[int, int]:
    dpi = page.info.get("dpi", (DPI, DPI))
    return round(dpi[0]), round(dpi[1])


Box = tuple[int, int, int, int]
"""``(left, top, right, bottom)`` in pixels."""


def character_boxes(
    lines: Sequence[str],
    *,
    script: Script = "simplified",
    dpi: int = DPI,
    point_size: int = POINT_SIZE,
) -> list[tuple[str, Box]]:
    """Each visible character of a page ``render_page`` draws from the same arguments, with
    the box of its ink, in reading order (spaces left out)."""
    font = ImageFont.truetype(NOTO_SANS_CJK, round(point_size * dpi / 72), index=_FACE[script])
    boxes: list[tuple[str, Box]] = []
    for index, line in enumerate(lines):
        top_in, _ = line_band_in(index, point_size=point_size)
        left, top = round(MARGIN_IN * dpi), round(top_in * dpi)
        for position, character in enumerate(line):
            if character.isspace():
                continue
            x = round(left + font.getlength(line[:position]))
            ink = _ink_box(character, font)
            if ink is not None:
                boxes.append((character, (x + ink[0], top + ink[1], x + ink[2], top + ink[3])))
    return boxes


def _ink_box(character: str, font: ImageFont.FreeTypeFont) -> Box | None:
    """Where ``character`` drawn at (0, 0) puts ink (a font's own bbox is its em box for
    many CJK marks, far wider than the ink of ``，`` or ``：``)."""
    side = round(font.size * 2)
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).text((0, 0), character, font=font, fill=255)
    return mask.point(lambda value: 255 if value > 96 else 0).getbbox()


UKAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
"""AR PL UKai (Debian ``fonts-arphic-ukai``), a brush-written Kai face: faces 0 CN
(Simplified) and 2 TW (Traditional)."""
_UKAI_FACE: dict[Script, int] = {"simplified": 0, "traditional": 2}
INK_BLUE = (28, 46, 140)
RULE_BLUE = (170, 195, 225)


def render_handwritten_page(
    lines: Sequence[str], *, script: Script = "simplified", dpi: int = DPI, seed: int = 0,
) -> tuple[Image.Image, list[tuple[str, Box]]]:
    """A page written by hand, as well as a font can fake it: blue ink on ruled paper,
    every character in a Kai (brush) face with its own size, slant and baseline jitter, the
    whole line drifting a little. Returns the RGB page and each character's box."""
    import random

    rng = random.Random(seed)
    size = round(14 * dpi / 72)
    pitch = round(size * 1.9)
    width = round(PAGE_WIDTH_IN * dpi)
    height = round(2 * MARGIN_IN * dpi + len(lines) * pitch)
    page = Image.new("RGB", (width, height), (250, 248, 240))
    draw = ImageDraw.Draw(page)
    top_margin = round(MARGIN_IN * dpi)
    for index in range(len(lines) + 1):
        y = top_margin + index * pitch + round(size * 1.35)
        draw.line([(0, y), (width, y)], fill=RULE_BLUE, width=max(1, dpi // 150))
    boxes: list[tuple[str, Box]] = []
    for index, line in enumerate(lines):
        x = float(round(MARGIN_IN * dpi) + rng.uniform(-0.1, 0.1) * size)
        baseline = top_margin + index * pitch + rng.uniform(-0.05, 0.05) * size
        drift = rng.uniform(-0.015, 0.015)
        for character in line:
            if character.isspace():
                x += size * 0.4
                continue
            glyph_size = round(size * rng.uniform(0.82, 1.15))
            font = ImageFont.truetype(UKAI, glyph_size, index=_UKAI_FACE[script])
            glyph = _glyph(character, font, slant=rng.uniform(-0.22, 0.22),
                           turn=rng.uniform(-5, 5))
            y = baseline + (x - MARGIN_IN * dpi) * drift + rng.uniform(-0.1, 0.1) * size
            left, top = round(x), round(y + (size - glyph_size) * 0.8)
            page.paste(Image.new("RGB", glyph.size, INK_BLUE), (left, top), glyph)
            ink = glyph.getbbox()
            if ink is not None:
                boxes.append((character, (left + ink[0], top + ink[1], left + ink[2],
                                          top + ink[3])))
            x += font.getlength(character) * rng.uniform(1.0, 1.12)
    page.info["dpi"] = (dpi, dpi)
    return page, boxes


def _glyph(character: str, font: ImageFont.FreeTypeFont, *, slant: float,
           turn: float) -> Image.Image:
    """The character's ink as a mask, sheared by ``slant`` (its top leaning right when > 0)
    and turned ``turn`` degrees."""
    side = round(font.size * 1.4)
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).text((round(font.size * 0.2), 0), character, font=font, fill=255)
    return mask.transform(mask.size, Image.Transform.AFFINE,
                          (1, slant, -slant * side / 2, 0, 1, 0),
                          resample=Image.Resampling.BICUBIC).rotate(
        turn, resample=Image.Resampling.BICUBIC)
