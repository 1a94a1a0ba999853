"""The retention schedule (保管期限表, R1): category → retention class, years per class.

It stands apart from sweeps, holds and destruction because it sits below the catalogue:
filing, corrections and move-outs compute ``disposal_due`` from it, while the others act
on catalogue records once they are due (see ``services.registry``).

    tables.py      the schedule and the years per class
    models.py      the schedule as the API shows it
    repository.py  ``tx.schedule``, read under a lock by whoever computes a due date
    rules.py       retention arithmetic: classes, due dates, the default schedule
    service.py     ``ScheduleService``: read it, replace it (due dates recomputed)
    api.py         the routes
"""
