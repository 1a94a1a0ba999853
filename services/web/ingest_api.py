"""The digitising page's routes. The upload goes through the pages' server: the browser
posts one form (the files, the manifest, the defaults, its CSRF token) with the session
cookie, and this server sends each file to ``POST /ingest/documents`` with the person's
own token, so the token never reaches page script (it stays in the HttpOnly cookie) and
the form is protected like every other. Each file joins the batch; the page then polls
the batch's fragment until every file is done or failed."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from services.common.clients.ingest import IngestClient
from services.common.clients.reader import RegistryReader
from services.common.contracts.ingest import MAX_REFUSED_VALUE, Batch, RefusedFile
from services.common.errors import ArchiveError, NotFound
from services.common.manifest import (
    LOCATION_PATTERN,
    ManifestRefused,
    ManifestRow,
    ManifestUnreadable,
    RowProblem,
    is_manifest,
    left_out,
    manifest_rows,
)
from services.web.failures import none_if, page_token, see
from services.web.forms import text
from services.web.ingest_page import (
    CATEGORY_CHOICES,
    DEFAULT_FIELDS,
    SECURITY_CHOICES,
    Asked,
    asked_of,
    batch_view,
    defaults_of,
    is_unit_code,
    may_file,
    plan,
)
from services.web.links import INGEST_PATH
from services.web.page import Page

MAX_BATCH_BYTES = 8 * 1024**3
"""One form's files together; each file is held to ingest's own limit as it is sent."""
MAX_MANIFEST_BYTES = 5 * 1024**2


class IngestPages(Controller):
    path = "/ingest"

    @get("/", operation_id="ingestPage")
    async def ingest_page(self, page: NamedDependency[Page], ingest: NamedDependency[IngestClient],
                          registry: NamedDependency[RegistryReader],
                          today: NamedDependency[date], batch: FromQuery[str] = "",
                          household: FromQuery[str] = "", category: FromQuery[str] = ""
                          ) -> Response[str]:
        """The upload form, filled with the household and category the address names
        (``Asked``), the batch asked for (else the latest) with its files' progress, and
        the person's recent batches."""
        token = page_token(page.reader, may_file)
        recent = await ingest.recent_batches(token)
        shown = await ingest.batch(token, batch) if batch else (recent[0] if recent else None)
        asked = asked_of(household, category)
        if asked.household and not asked.problem:
            # None: no household the reader may know of has the code (D1)
            asked = replace(asked, file=await none_if(registry.household(token, asked.household),
                                                      NotFound))
        values = dict.fromkeys(DEFAULT_FIELDS, "") | {
            "filed_at": today.isoformat(), "household": asked.household,
            "category": asked.category}
        return self._render(page, today, recent=recent, shown=shown, values=values,
                            asked=asked, problem=asked.problem,
                            status_code=422 if asked.problem else 200)

    @get("/batches/{batch_id:str}", operation_id="ingestBatchFragment")
    async def batch_fragment(self, batch_id: FromPath[str], page: NamedDependency[Page],
                             ingest: NamedDependency[IngestClient]) -> Response[str]:
        """One batch's files and sums (htmx polls it while files are waiting)."""
        page_token(page.reader, may_file)
        return page.render("_batch.html",
                           view=batch_view(await ingest.batch(page.reader.token, batch_id)))

    @post("/", operation_id="uploadBatchForm", request_max_body_size=MAX_BATCH_BYTES)
    async def upload(self, page: NamedDependency[Page], ingest: NamedDependency[IngestClient],
                     today: NamedDependency[date]) -> Response[Any]:
        """Send the chosen files into a new batch, then show it."""
        page_token(page.reader, may_file)
        form = await page.request.form()
        sent = [value for value in form.getall("files", []) if isinstance(value, UploadFile)
                and value.filename]
        files = [file for file in sent if not left_out(file.filename)]
        rows, problem, folder_manifests = await _manifest_of(form.get("manifest"), sent,
                                                             today=today)
        if not problem and not files and not rows:
            problem = "no_files"
        values = {name: text(form, name) for name in DEFAULT_FIELDS}
        try:
            defaults = defaults_of(values, today=today)
        except RowProblem as refused:
            problem = problem or refused.code
        if not is_unit_code(values["household"]):
            problem = problem or "invalid_household"
        if problem:
            recent = await ingest.recent_batches(page.reader.token)
            return self._render(page, today, recent=recent, shown=None, values=values,
                                problem=problem, manifests=folder_manifests,
                                status_code=422)
        batch = await ingest.create_batch(page.reader.token)
        for planned in plan([file.filename for file in files], rows, defaults):
            if planned.upload is None:
                await ingest.add_refused_file(page.reader.token, batch.batch_id, RefusedFile(
                    filename=planned.filename[-255:], error_code=planned.error_code,
                    error=planned.error[:2000], line=planned.line,
                    value=planned.value[:MAX_REFUSED_VALUE]))
                continue
            chosen = files[planned.upload]
            try:
                await ingest.upload(page.reader.token, batch_id=batch.batch_id,
                                    filename=planned.filename,
                                    content=io.BytesIO(await chosen.read()),
                                    metadata=planned.metadata)
            except ArchiveError as exc:
                # Ingest recorded the refusal in the batch, with its reason; a service
                # away stops the batch here (what was sent stays in it).
                if exc.status >= 500:
                    raise
            finally:
                await chosen.close()
        return see(INGEST_PATH, batch=batch.batch_id)

    def _render(self, page: Page, today: date, *,
                recent: list[Batch], shown: Batch | None, problem: str = "",
                manifests: list[str] | None = None, values: dict[str, str] | None = None,
                asked: Asked | None = None, status_code: int = 200) -> Response[str]:
        """The page; ``values``: the defaults as typed, shown again with a refusal;
        ``manifests``: the chosen folder's, when it holds several."""
        # The batch shown is followed live above; the list holds the others.
        others = [batch for batch in recent if shown is None or batch.batch_id != shown.batch_id]
        return page.render(
            "ingest.html", status_code=status_code,
            shown=batch_view(shown) if shown else None,
            recent=[batch_view(batch) for batch in others], problem=problem,
            manifests=manifests or [], asked=asked or Asked(),
            categories=CATEGORY_CHOICES, levels=SECURITY_CHOICES,
            values=values or dict.fromkeys(DEFAULT_FIELDS, "") | {"filed_at": today.isoformat()},
            location_pattern=LOCATION_PATTERN)


async def _manifest_of(manifest: object, sent: list[UploadFile], *, today: date
                       ) -> tuple[list[ManifestRow] | None, str, list[str]]:
    """The rows of the manifest chosen, else of the one the chosen folder holds (清单.csv
    beside its scans); or why none can be read (``several_manifests`` in the folder: and
    their names, for the person to choose one)."""
    if not (isinstance(manifest, UploadFile) and manifest.filename):
        found = [file for file in sent if is_manifest(file.filename)]
        if len(found) > 1:
            return None, "several_manifests", [file.filename for file in found]
        manifest = found[0] if found else None
    if manifest is None:
        return None, "", []
    rows, problem = await _manifest_rows(manifest, today=today)
    return rows, problem, []


async def _manifest_rows(manifest: UploadFile, *, today: date
                         ) -> tuple[list[ManifestRow] | None, str]:
    """The manifest's rows (a row filed after ``today`` is a bad one), or why it cannot
    be read at all."""
    data = await manifest.read(MAX_MANIFEST_BYTES + 1)
    await manifest.close()
    if len(data) > MAX_MANIFEST_BYTES:
        return None, "manifest_too_large"
    try:
        return manifest_rows(data, today=today), ""
    except ManifestUnreadable:
        return None, "manifest_not_text"
    except ManifestRefused:
        return None, "manifest_header"
