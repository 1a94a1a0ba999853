"""The registry's access filter in the index's terms (``services.search.access``)."""

from __future__ import annotations

from services.common.contracts.registry import AccessFilter as RegistryAccessFilter
from services.search.access import index_access
from services.search.index.models import AccessFilter


def test_clearance_and_grants_carry_over() -> None:
    decided = RegistryAccessFilter(unrestricted=False, clearance="confidential",
                                   visible_levels=["ordinary", "confidential"],
                                   readable_levels=["ordinary"], granted=["d1", "d2"])
    assert index_access(decided) == AccessFilter(clearance="confidential",
                                                 full_text_ids=frozenset({"d1", "d2"}))
