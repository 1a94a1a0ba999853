"""Circulation (the archive desk, B3–B6): issue (出借), acknowledgement, renewal (续借),
approved copies, return (注销), and escalation of loans held too long (问责, B4). It owns
no tables: a loan is ``lending``'s, reached as ``tx.loans``.

    rules.py       the desk's refusals (who keeps it: ``services.common.approvals.DESK``),
                   who renews, who approves copies, who is told
    service.py     ``CirculationService``
    api.py         the routes
"""
