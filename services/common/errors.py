"""The one error tree of the archive; every class knows its HTTP status and stable ``code``.

    ArchiveError                    base; never raised itself
    ├── ConfigError                 a bad ``ARCHIVE_*`` value; start-up stops with one line
    ├── BadRequest (400)            malformed input the decoder could not catch
    │   └── ValidationFailed (422)  input decoded but breaks a domain rule (unknown category…)
    ├── Unauthorized (401)          missing, expired, forged token or a disabled user
    ├── Forbidden (403)             authenticated but not allowed (role, clearance, view-only)
    ├── NotFound (404)              no such object, or one the caller may not know exists
    ├── Conflict (409)              state forbids it; ``code`` says which rule
    ├── PayloadTooLarge (413)       upload over ``ARCHIVE_MAX_UPLOAD_MB``
    ├── UnsupportedMediaType (415)  content is not PDF, TIFF, PNG, JPEG or HEIC
    ├── TooManyRequests (429)       login rate limit; ``retry_after_s`` is its Retry-After
    ├── DependencyUnavailable (503) a store, index or peer service cannot be reached
    │   └── PeerFailed (503)        a peer service was reached but failed (its 500): not done
    └── PermanentJobError           an ingest job input that will never succeed (no HTTP status)

Adapters translate their client library's errors into these at their edge
(``raise DependencyUnavailable(...) from exc``); the web layer maps them to problem
details (RFC 9457) in one place, ``services.common.web``.
"""

from __future__ import annotations

from typing import Any, ClassVar

NAMED_AT_MOST = 10
"""Archive numbers (or documents) an explained error names before "and N more"."""


class ArchiveError(Exception):
    """Base of every error the archive raises on purpose."""

    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "internal_error"

    def __init__(
        self, detail: str, *, code: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.extra = extra or {}

    @property
    def explained(self) -> str:
        """The detail and its code, as a terminal, a job's status or a log line says it,
        then what it names: its ``archive_numbers`` (档号) or else its ``documents``, the
        first ``NAMED_AT_MOST`` and how many more, so that the reader knows which to leave
        out."""
        named = self.extra.get("archive_numbers") or self.extra.get("documents")
        if not isinstance(named, list) or not named:
            return f"{self.detail} ({self.code})"
        listed = ", ".join(str(name) for name in named[:NAMED_AT_MOST])
        more = len(named) - NAMED_AT_MOST
        return f"{self.detail} ({self.code}): {listed}" + (f" and {more} more" if more > 0 else "")


class ConfigError(ArchiveError):
    default_code = "bad_configuration"


class BadRequest(ArchiveError):
    status = 400
    default_code = "bad_request"


class ValidationFailed(BadRequest):
    status = 422
    default_code = "validation_failed"


class Unauthorized(ArchiveError):
    status = 401
    default_code = "unauthorized"


class Forbidden(ArchiveError):
    status = 403
    default_code = "forbidden"


class NotFound(ArchiveError):
    status = 404
    default_code = "not_found"


class Conflict(ArchiveError):
    status = 409
    default_code = "conflict"


class PayloadTooLarge(ArchiveError):
    status = 413
    default_code = "too_large"


class UnsupportedMediaType(ArchiveError):
    status = 415
    default_code = "unsupported_media_type"


class TooManyRequests(ArchiveError):
    status = 429
    default_code = "too_many_requests"

    def __init__(self, detail: str, *, code: str | None = None,
                 extra: dict[str, Any] | None = None, retry_after_s: int | None = None) -> None:
        """``retry_after_s``: when to ask again, the answer's ``Retry-After`` header."""
        super().__init__(detail, code=code, extra=extra)
        self.retry_after_s = retry_after_s


class DependencyUnavailable(ArchiveError):
    status = 503
    default_code = "dependency_unavailable"


class PeerFailed(DependencyUnavailable):
    """A peer service answered, with a failure of its own (a 500, or a status it gives no
    code for): what was asked was not done. Retrying may help like any dependency's
    failure, but a page says it went wrong there rather than that it could not be
    reached."""

    default_code = "peer_failed"


class PermanentJobError(ArchiveError):
    """An ingest job that can never succeed (corrupt file, pixel bomb); the job fails with it."""

    status = 422
    default_code = "unprocessable_document"
