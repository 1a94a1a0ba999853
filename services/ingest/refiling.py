"""An upload of bytes already uploaded (重复上传): a duplicate only if it says what they
are filed as.

The same bytes are one document (D6), so uploading them again never changes it. The
upload is answered as a duplicate when every field it gives is what the document's
current record says (its corrections included) or, before its job has filed it, what the
first upload said. Otherwise it is refused (409 ``filed_differently``, naming the
fields), so that a household or date put right in a manifest, or a security level
raised, is never dropped in silence. Which fields, and how, is the one rule the
registry's own filing route applies too (``services.common.filing.filed_otherwise``): a
field the upload leaves out (``UploadMetadata``: a title taken from the file name, a
manifest's empty column) is not compared. Nor is it when the job files bytes already filed
(directly in the registry, say): the defaults it takes for what the upload left out
travel apart from what the upload said (``NewDocument.defaults``).
"""

from __future__ import annotations

from services.common.contracts.registry import DocumentRecord
from services.common.errors import Conflict

CORRECTIONS_ROUTE = "POST /registry/documents/{document_id}/corrections"


def filed_differently(fields: list[str], *, job_id: str,
                      record: DocumentRecord | None) -> Conflict:
    """The refusal of an upload that says ``fields`` otherwise than ``record`` (or, not
    yet filed, than the job's first upload): what differs and what to do."""
    named = ", ".join(fields)
    if record is None:
        where = (f"these bytes were uploaded already (job {job_id}, not yet filed) with a "
                 f"different {named}; uploading them again changes nothing: once the job "
                 "has filed them, correct the record")
    else:
        where = (f"these bytes are already filed as {record.archive_no} (document "
                 f"{record.document_id}) with a different {named}; uploading them again "
                 "changes nothing: correct the filed record ("
                 + CORRECTIONS_ROUTE.format(document_id=record.document_id) + ")")
    moved = ("; a correction of the household moves the document to that household's "
             "file once a Department Head approves it, with the next archive number there "
             "(D11)") if "household" in fields else ""
    return Conflict(
        where + moved
        + "; if this is truly another document, it needs its own scan (the same bytes are "
          "one document)",
        code="filed_differently",
        extra={"fields": fields, "job_id": job_id,
               "document_id": record.document_id if record is not None else None})
