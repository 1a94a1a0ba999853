"""What an S3 LIST says of an object without a HEAD (``S3ObjectStore.listing``): MinIO's
``metadata=true`` listing carries each object's metadata; SeaweedFS's carries none (the
contract suite runs that one against a real server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from minio.datatypes import Object

from services.common.objectstore import ObjectInfo
from services.common.objectstore.s3 import _listed_info, _marker

WRITTEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def listed(metadata: dict[str, str]) -> Object:
    return Object("archive", "originals/ab", last_modified=WRITTEN, etag="e1", size=4,
                  metadata=metadata)


def test_a_listing_with_minio_metadata_describes_the_object() -> None:
    item = listed({"X-Amz-Meta-Sha256": "ab" * 32, "content-type": "application/pdf",
                   "X-Amz-Meta-Retain-Until": "2030-01-01T00:00:00+00:00"})
    assert _listed_info(item) == ObjectInfo(
        size=4, content_type="application/pdf", sha256="ab" * 32,
        retain_until=datetime(2030, 1, 1, tzinfo=UTC))


def test_a_listing_without_metadata_says_nothing_so_the_object_gets_a_head() -> None:
    assert _listed_info(listed({})) is None


def test_the_marker_is_given_only_to_objects_written_before_the_settled_time() -> None:
    item = listed({})
    assert _marker(item, WRITTEN) is None
    assert _marker(item, WRITTEN + timedelta(seconds=1)) == f"e1.{WRITTEN.isoformat()}.4"
