"""The search index: one protocol (``SearchIndex``), two implementations.

``TantivyIndex`` (``tantivy_index``) is the embedded default, a directory on local disk;
``ElasticsearchIndex`` (``elasticsearch_index``) is the scale-out one. The app factory
picks one from configuration (``ARCHIVE_ELASTICSEARCH_URL`` set or not); nothing else
imports an implementation.
"""

from services.search.index.models import (
    AccessFilter,
    Facets,
    IndexedDocument,
    SearchHit,
    SearchResult,
)
from services.search.index.protocol import Rebuild, SearchIndex

__all__ = [
    "AccessFilter",
    "Facets",
    "IndexedDocument",
    "Rebuild",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
]
