"""What a staff page reads on every visit (a record and its history, whether the reader
may open it, a household's file, the loans, the top bar's counts, whether the token still
holds) does not queue behind a writer: on SQLite a write transaction (a filing, a loan's
move) holds the one write lock until its commit, and a read that began BEGIN IMMEDIATE
waited for it, up to the busy timeout behind a long one. Both engines."""

from __future__ import annotations

import asyncio

from services.registry.accounts.models import NewUser
from services.registry.lending.models import LoanQuery
from tests.contract.registry.conftest import ARCHIVIST, STAFF, Registry

WAITED_AT_MOST_S = 5.0
"""Far below SQLite's busy timeout (30 s), which a read queued behind the lock waits."""


async def test_the_pages_reads_answer_while_a_writer_holds_the_lock(registry: Registry
                                                                    ) -> None:
    filed = await registry.file(household="A-1201")
    services = registry.services
    await services.accounts.create_user(NewUser(username="li", roles=["staff"],
                                                password="月光下的三只猫 lily 2024"), by="root")
    token = (await services.accounts.issue_token("li", "月光下的三只猫 lily 2024")).access_token
    async with services.store.transaction():  # a filing, mid-commit
        read = await asyncio.wait_for(asyncio.gather(
            services.catalogue.read(STAFF, filed.document_id),
            services.catalogue.list_file(ARCHIVIST, household="A-1201", limit=10, offset=0),
            services.catalogue.history(STAFF, filed.document_id),
            services.catalogue.visible(STAFF, [filed.document_id]),
            services.lending.grants_for(STAFF),
            services.lending.loans(STAFF, LoanQuery()),
            services.lending.awaiting_count(STAFF),
            services.lending.unread(STAFF),
            services.lending.notifications(STAFF, unread=None, limit=10, offset=0),
            services.accounts.verify(services.accounts.codec.decode(token), token)),
            timeout=WAITED_AT_MOST_S)
    assert read[0].document_id == filed.document_id
    assert [record.document_id for record in read[1]] == [filed.document_id]
