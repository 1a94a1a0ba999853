"""The registry's journal: the change feed (architecture principle 3) and the audit log (O4).

Both are appended inside the caller's transaction, through one head row
(``journal_head``) that every appender updates. That row lock is what makes ``seq``
gap-free and in commit order on PostgreSQL (an identity column is neither: a later
transaction can commit first, and a reader that saw it would skip the earlier one).
Append after the change's own writes, last in the transaction: the head row is then the
last lock any transaction takes, so transactions never wait on each other in a cycle.
"""
