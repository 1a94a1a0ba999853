"""The registry's accounts as an admin manages them through the staff pages
(``/ui/admin/users``): the users, a new one, a password reset, a departure (B9) and a
return; and a person's own account (``/ui/account``): who they are, a new password of
their own. Every call carries the person's own token; the registry decides (only
``admin`` manages others)."""

from __future__ import annotations

from services.common.clients import ServiceClient, segment
from services.common.contracts.accounts import NewAccount, Person, TokenResponse, User


class AccountsReader(ServiceClient):
    async def user(self, token: str, username: str) -> User:
        """An account as the registry holds it now (one's own, for anyone)."""
        return await self.call("GET", f"/registry/users/{segment(username)}", User,
                               token=token)

    async def change_own_password(self, token: str, current: str, new: str, *,
                                  client_address: str | None) -> TokenResponse:
        """The caller's new password, proven with the ``current`` one: every earlier token
        of theirs (``token`` too) stops working and the answer is a new one. Refused as a
        sign-in is for a wrong ``current`` (401 ``invalid_credentials``, throttled 429
        ``login_rate_limited`` per account and per ``client_address``, the person's), 422
        for a new password guessed first (``password_too_common``,
        ``password_contains_username``)."""
        headers = {"X-Forwarded-For": client_address} if client_address else None
        return await self.call("POST", "/registry/users/me/password", TokenResponse,
                               token=token, headers=headers,
                               json={"current_password": current, "new_password": new})

    async def people(self, token: str) -> dict[str, str]:
        """The full names of everyone whose account has one, by username (anyone's
        token)."""
        people = await self.call("GET", "/registry/people", list[Person], token=token)
        return {person.username: person.full_name for person in people}

    async def users(self, token: str) -> list[User]:
        return await self.call("GET", "/registry/users", list[User], token=token)

    async def create_user(self, token: str, new: NewAccount) -> User:
        return await self.call("POST", "/registry/users", User, token=token, json=new)

    async def reset_password(self, token: str, username: str, new_password: str
                             ) -> User:
        """Every token the user held stops working."""
        return await self.call("POST", f"/registry/users/{segment(username)}/password",
                               User, token=token, json={"new_password": new_password})

    async def change_user(self, token: str, username: str, *, roles: list[str],
                          clearance: str, department: str | None, full_name: str | None
                          ) -> User:
        """New roles, clearance, department and full name (the same again changes
        nothing): a change of more than the name ends every token the user held. Refused
        ``own_account`` (one's own roles or clearance), ``above_own_clearance``,
        ``last_admin``, ``last_admin_at_clearance``, and, naming what would be left
        stuck, ``unsigned_handovers`` and ``last_approver``."""
        return await self.call("PATCH", f"/registry/users/{segment(username)}", User,
                               token=token, json={"roles": roles, "clearance": clearance,
                                                  "department": department,
                                                  "full_name": full_name})

    async def deactivate_user(self, token: str, username: str) -> User:
        """Departure (B9): ``Conflict`` ``open_loans`` with ``extra["loans"]`` (loan ids) and
        ``extra["open_loans"]`` (each an ``OpenLoan``: archive numbers, status, due date)
        while any loan of theirs is not returned; ``Forbidden`` ``own_account`` for the
        caller's own account, ``Conflict`` ``last_admin`` for the last active admin."""
        return await self.call("POST", f"/registry/users/{segment(username)}/deactivate",
                               User, token=token)

    async def activate_user(self, token: str, username: str) -> User:
        """Someone who left is taken back: the same password, no token from before."""
        return await self.call("POST", f"/registry/users/{segment(username)}/activate",
                               User, token=token)

