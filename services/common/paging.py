"""How many rows one page of a list holds at the most: a route may ask for fewer."""

MAX_PAGE = 1000
"""Lists of plain rows (documents, households, loans, fixity runs, the journal): what a
route's ``limit`` allows (``services.common.web.PageLimit``): the route is where the
cap is kept, the services take the limit they are given."""

MAX_SUMMARY_PAGE = 500
"""Lists whose rows each cost further reads (a handover's signatures, a register's or an
inventory's item counts, the document a hold or a correction names): handovers,
transfers, sweeps, destruction registers, holds, inventories, corrections
(``services.common.web.SummaryPageLimit``).

A route asked for more answers 400 (``invalid``): a client reading page by page would
take a page cut short without saying so for the last one."""

LIST_PAGE = 100
"""What a staff page lists at once of a list read newest first (handovers, transfers,
sweeps, registers, holds, inventories, discrepancies, condition checks)."""
