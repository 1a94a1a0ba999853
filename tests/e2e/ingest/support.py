"""What the ingest end-to-end tests share: uploads, waiting for jobs, rendered documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from PIL import ImageDraw

from tests.support.rendering import (
    DPI,
    LINES,
    Script,
    line_band_in,
    render_page,
    write_digital_pdf,
    write_png,
)
from tests.support.waiting import eventually

JOB_TIMEOUT_S = 90.0
MODEL = {"simplified": "chi_sim", "traditional": "chi_tra"}


def metadata(**overrides: Any) -> dict[str, Any]:
    """A repair request for household A-1201, with ``overrides``."""
    return {"household": "A-1201", "category": "repair", "title": "卫生间漏水维修申请",
            "filed_at": "2024-05-18", **overrides}


def upload(client: httpx.Client, path: Path, meta: dict[str, Any] | None = None, *,
           filename: str | None = None) -> httpx.Response:
    return client.post("/ingest/documents", data={"metadata": json.dumps(meta or metadata())},
                       files={"file": (filename or path.name, path.read_bytes(),
                                       "application/octet-stream")})


def wait_for_job(client: httpx.Client, job_id: str, *, timeout_s: float = JOB_TIMEOUT_S
                 ) -> dict[str, Any]:
    """The job once it is ``done`` or ``failed``."""
    return eventually(lambda: _finished(client.get(f"/ingest/jobs/{job_id}").json()),
                      timeout_s=timeout_s, interval_s=0.05,
                      what=f"job {job_id} did not finish")


def _finished(job: dict[str, Any]) -> dict[str, Any] | None:
    return job if job["status"] in ("done", "failed") else None


def finished_fixity_run(client: httpx.Client, run_id: str, *, timeout_s: float
                        ) -> dict[str, Any]:
    """The fixity run once it is no longer ``running``."""
    def finished() -> dict[str, Any] | None:
        run: dict[str, Any] = client.get(f"/ingest/fixity/{run_id}").json()
        return None if run["status"] == "running" else run

    return eventually(finished, timeout_s=timeout_s, what=f"fixity run {run_id} did not finish")


def ingest(client: httpx.Client, path: Path, meta: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    """Upload ``path`` and wait for its job."""
    response = upload(client, path, meta)
    assert response.status_code in (200, 202), response.text
    return wait_for_job(client, response.json()["job_id"])


def scanned_png(directory: Path, script: Script, *, lines: int = 3) -> Path:
    """A one-page scan of the first ``lines`` lines of the repair request in ``script``."""
    return write_png(directory / f"scan-{script}-{lines}.png",
                     render_page(LINES[script][:lines], script=script))


def damaged_line_png(directory: Path) -> Path:
    """Five lines of the repair request, the third with the lower part of its characters
    rubbed out (a torn or water-damaged line): PP-OCR reads it garbled at 54 among four
    clean lines, the page at 91. (Rubbed out lower, PP-OCR drops the line; higher, it
    reads it at 78, and Tesseract drops it: a line no engine read sends no page to review.)"""
    page = render_page(LINES["simplified"][:5])
    top_in, bottom_in = line_band_in(2)
    rubbed_from = round((top_in + 0.45 * (bottom_in - top_in)) * DPI)
    ImageDraw.Draw(page).rectangle((0, rubbed_from, page.width, round(bottom_in * DPI) + 10),
                                   fill=255)
    return write_png(directory / "damaged-line.png", page)


def digital_pdf(directory: Path, *, pages: int = 2) -> Path:
    """A PDF with a real text layer: two lines of the request per page."""
    lines = LINES["simplified"]
    return write_digital_pdf(directory / f"digital-{pages}.pdf",
                             [lines[2 * (n % 4): 2 * (n % 4) + 2] for n in range(pages)])
