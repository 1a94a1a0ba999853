"""How PP-OCR reads small print whatever resolution the file states.

    .venv/bin/python bench/page_resolution.py
    .venv/bin/python bench/page_resolution.py --points 8,9 --scripts simplified

The bench's letter (``tests/support/rendering``: eight lines of a repair request with a
telephone number, a room and a date) is rendered at each point size (``--points``) four
ways, as they reach ingest: scanned at 200 and at 300 dpi and saved stating it; scanned
at 150 dpi on a page of A4 and saved as PNG stating no resolution (as many scanning and
phone apps save); scanned at 150 dpi and saved stating 300 (resampled by a program that
kept the old figure). Then a new user's receipt, a strip 600 × 6 000 pixels of seventy
lines with amounts, stating none. Each is opened as ingest opens it
(``RasterDocument``: the resolution it takes) and read by PP-OCR in this process, one
thread. For each: the resolution taken, the character error rate (whitespace ignored,
width folded), the CPU seconds of the reading, and how many times the text detector
looked at the page (twice where the lines it found first were too thin).
"""

from __future__ import annotations

import argparse
import io
import os
import time
from collections.abc import Iterator, Sequence

from PIL import Image

from services.ingest.extraction.images import RasterDocument
from services.ingest.extraction.ppocr import PpOcrEngine, detection
from tests.support.cer import character_error_rate
from tests.support.rendering import LINES, Script, on_a4, render_page, render_receipt


def _opened(page: Image.Image, stated_dpi: int | None) -> Image.Image:
    """``page`` saved as PNG (stating ``stated_dpi``, or no resolution) and opened again."""
    data = io.BytesIO()
    page.save(data, format="PNG", **({"dpi": (stated_dpi, stated_dpi)} if stated_dpi else {}))
    data.seek(0)
    return Image.open(data)


def cases(points: Sequence[int], scripts: Sequence[Script]
          ) -> Iterator[tuple[str, Image.Image, str]]:
    """(what the file is, the file as opened, its text)."""
    for script in scripts:
        text = "\n".join(LINES[script])
        for point_size in points:
            name = f"{script} {point_size} pt"
            for dpi in (200, 300):
                page = render_page(LINES[script], script=script, dpi=dpi, point_size=point_size)
                yield f"{name}, {dpi} dpi stated", _opened(page, dpi), text
            small = render_page(LINES[script], script=script, dpi=150, point_size=point_size)
            yield f"{name}, 150 dpi on A4, none stated", _opened(on_a4(small, 150), None), text
            yield f"{name}, 150 dpi stated as 300", _opened(small, 300), text
    strip, lines = render_receipt()
    yield "receipt 600 × 6 000 px, none stated", _opened(strip, None), "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", default="7,8,9,10,12,16",
                        help="point sizes, comma-separated")
    parser.add_argument("--scripts", default="simplified,traditional")
    arguments = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    points = [int(point) for point in arguments.points.split(",")]
    scripts: list[Script] = arguments.scripts.split(",")

    looks: list[float] = []
    # Counted, not changed; a release before the second look has no _detect to count.
    measured = getattr(detection, "_detect", None)
    if measured is not None:
        def counted(*args: object) -> object:
            looks.append(1)
            return measured(*args)

        detection._detect = counted  # type: ignore[assignment]
    engine = PpOcrEngine()
    print("| page | dpi taken | CER | CPU s | detector looks |")
    print("| --- | ---: | ---: | ---: | ---: |")
    over, total_cpu, count = 0, 0.0, 0
    for name, image, text in cases(points, scripts):
        page = RasterDocument(image, max_image_pixels=10**9).page(1)
        looks.clear()
        started = time.process_time()
        reading = engine.read(page, timeout_s=600)
        cpu = time.process_time() - started
        cer = character_error_rate(text, reading.text)
        over += cer > 0.02
        total_cpu += cpu
        count += 1
        print(f"| {name} | {page.dpi} | {cer:.2%} | {cpu:.2f} | {len(looks) or '–'} |",
              flush=True)
    print(f"\n{count} pages, {over} over 2 % CER, {total_cpu:.1f} s CPU in all")


if __name__ == "__main__":
    main()
