"""How many rows one page of a list holds at the most: a route may ask for fewer."""

MAX_PAGE = 1000
"""Lists of plain rows (documents, households, loans, fixity runs, the journal): what a
route's ``limit`` allows (``services.common.web.PageLimit``)."""

MAX_SUMMARY_PAGE = 500
"""Lists whose rows each cost further reads (a handover's signatures, a register's or an
inventory's item counts, the document a hold or a correction names): handovers,
transfers, sweeps, destruction registers, holds, inventories, corrections."""

LIST_PAGE = 100
"""What a staff page lists at once of a list read newest first (handovers, transfers,
sweeps, registers, holds, inventories, discrepancies, condition checks)."""
