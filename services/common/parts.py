"""The parts a process can host, by name: a module that imports nothing of the servers',
so that the command line offers them (``archive serve --service``) without loading any."""

from __future__ import annotations

from typing import Literal

ServiceName = Literal["registry", "ingest", "search"]
SERVICE_NAMES: tuple[ServiceName, ...] = ("registry", "ingest", "search")
"""The services that own data (each its own tables and migrations)."""
PartName = Literal["registry", "ingest", "search", "web"]
PART_NAMES: tuple[PartName, ...] = (*SERVICE_NAMES, "web")
"""What a process can host: the services, and the staff pages that sit on them."""
