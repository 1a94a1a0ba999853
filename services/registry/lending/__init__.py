"""Lending (借阅, B1–B3, B7–B9): borrow requests and their approvals, the loan register,
and digital loans as view-only access (B2, B8). What happens at the archive desk once a
loan is approved is ``circulation``'s.

    tables.py      loans, their documents, approvals, paper files out, escalations,
                   incidents, copies, notifications (migration ``registry_0003``)
    models.py      loans as the API shows them; a loan as stored (``LoanRow``)
    repository.py  ``tx.loans``
    rules.py       the state machine, the approval chain, the periods (B4), who reads;
                   who may give an approval step (B3) and the lending roles are
                   ``services.common.approvals``, shared with the staff pages' inbox
    steps.py       what every move shares: the locked loan, its audit entries and feed
                   event, the loan as the register shows it
    service.py     ``LendingService``: request, approve, reject, read the register,
                   grants (the registry's ``GrantSource``)
    api.py         the routes
"""
