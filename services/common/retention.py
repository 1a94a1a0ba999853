"""Who does what in retention and destruction (R2–R7): one list of roles, applied by the
registry's routes and by the staff pages to decide which pages, forms and navigation
entries a person sees (the registry decides every move again)."""

from __future__ import annotations

RETENTION_READERS = ("compliance", "archivist", "manager", "director", "admin")
"""Who reads sweeps, destruction registers and holds."""
SCHEDULE_EDITORS = ("compliance", "admin")
"""Who replaces the retention schedule (R1)."""
SWEEP_ROLES = ("compliance", "archivist")
"""The compliance officer runs sweeps; archivists prepare them."""
APPRAISER_ROLES = ("manager", "compliance")
"""Who may appraise: department heads (manager) and the compliance officer."""
APPROVER_ROLE = "director"
"""R2: the director approves a sweep's list."""
DESTRUCTION_ROLE = "compliance"
"""Who draws up a destruction register and executes it."""
WITNESS_ROLES = ("compliance", "archivist", "manager", "center_head", "director")
"""Employees who may witness (监销, R6); a service or a plain staff account may not."""
REGISTER_READERS = tuple(dict.fromkeys(RETENTION_READERS + WITNESS_ROLES))
"""Who reads one destruction register (its items, digest, signatures; PDF and CSV): the
retention readers, and every witness — R6: a witness checks the items they sign. A
witness who is not a retention reader (``center_head``) reads nothing else of
retention: neither the list of registers nor sweeps, holds or the schedule."""
HOLD_ROLE = "compliance"
"""Who places and releases legal holds (R7)."""
