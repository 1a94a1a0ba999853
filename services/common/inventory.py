"""Who takes the periodic checks (O3): one list of roles, applied by the registry's routes
and by the staff pages to decide which pages, forms and navigation entries a person sees
(the registry decides every move again)."""

from __future__ import annotations

INVENTORY_ROLES = ("archivist", "compliance")
"""Who takes an inventory, marks its boxes, resolves discrepancies, records condition."""
INVENTORY_READERS = ("archivist", "compliance", "director", "admin")
"""Who reads inventories, discrepancies and condition checks."""
