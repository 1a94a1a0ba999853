"""Accounts and tokens (用户, domain.md, People): users with roles, clearance and
department; passwords, tokens and throttled logins.

    tables.py      users and login attempts
    models.py      users, passwords, tokens as the API shows them
    repository.py  ``tx.accounts``
    rules.py       what a new password may not be (common, the archive's word, the name)
    common_passwords.txt  the common passwords refused (zxcvbn's list and Chinese ones)
    service.py     ``AccountsService``: create and change users, check passwords, issue
                   and verify tokens
    api.py         the routes
"""
