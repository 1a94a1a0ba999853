"""Accounts: create users, check passwords (argon2), issue tokens, rate-limit logins."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.common.auth import Principal, RecentlyVerified, TokenCodec
from services.common.clock import Clock
from services.common.errors import Conflict, NotFound, TooManyRequests, Unauthorized
from services.registry.accounts.models import NewUser, TokenResponse, User
from services.registry.accounts.repository import AccountsRepository

OpenLoans = Callable[[str], Awaitable[list[str]]]
"""Ids of a user's loans that are not returned; departure is refused while any (B9)."""

RATE_WINDOW = timedelta(minutes=1)


async def no_open_loans(_: str) -> list[str]:
    return []


class AccountsService:
    def __init__(
        self, repository: AccountsRepository, codec: TokenCodec, clock: Clock, *,
        attempts_per_minute: int, open_loans: OpenLoans = no_open_loans,
    ) -> None:
        self.repository = repository
        self.codec = codec
        self.clock = clock
        self.attempts_per_minute = attempts_per_minute
        self.open_loans = open_loans
        # Cheaper than the library default so a login stays ~50 ms on two cores.
        self.hasher = PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1)
        # Deactivation here forgets an account at once; another registry process (scale-out)
        # within ``VERIFIED_FOR_S``.
        self._active = RecentlyVerified()
        self._deactivations = 0

    async def create_user(self, new: NewUser) -> User:
        user = User(
            username=new.username, roles=sorted(set(new.roles)), clearance=new.clearance,
            department=new.department, active=True, created_at=self.clock.now(),
        )
        password_hash = self.hasher.hash(new.password) if new.password else None
        await self.repository.add(user, password_hash)
        return user

    async def get_user(self, username: str) -> User:
        found = await self.repository.get(username)
        if found is None:
            raise NotFound(f"no user {username!r}", code="unknown_user")
        return found[0]

    async def list_users(self) -> list[User]:
        return await self.repository.list()

    async def check_password(self, username: str, password: str) -> User:
        """The user, if the password is right; failures count toward the rate limit."""
        now = self.clock.now()
        if await self.repository.failures_since(username, now - RATE_WINDOW) >= \
                self.attempts_per_minute:
            raise TooManyRequests(
                f"too many failed logins for {username!r}; wait a minute and try again",
                code="login_rate_limited",
            )
        found = await self.repository.get(username)
        if found is None or found[1] is None or not found[0].active or \
                not self._verify(found[1], password):
            await self.repository.record_attempt(username, now, succeeded=False)
            raise Unauthorized("wrong username or password", code="invalid_credentials")
        await self.repository.record_attempt(username, now, succeeded=True)
        return found[0]

    async def issue_token(self, username: str, password: str) -> TokenResponse:
        user = await self.check_password(username, password)
        token = self.codec.issue(principal_for(user))
        return TokenResponse(access_token=token, token_type="bearer",  # noqa: S106 - a scheme
                             expires_in=self.codec.ttl_s)

    async def verify(self, principal: Principal, token: str) -> None:
        """A token outlives nothing: a deactivated or deleted user's token stops working.

        Runs on every request, so an active account is remembered for ``VERIFIED_FOR_S``
        (a database read per request was ~10% of the server's CPU while ingesting)."""
        if principal.username in self._active:
            return
        checked_at = time.monotonic()
        deactivations = self._deactivations
        found = await self.repository.get(principal.username)
        if found is None or not found[0].active:
            raise Unauthorized("this account is disabled", code="account_disabled")
        if deactivations == self._deactivations:  # none began while this read ran
            self._active.add(principal.username, checked_at=checked_at)

    async def deactivate(self, username: str) -> User:
        user = await self.get_user(username)
        loans = await self.open_loans(username)
        if loans:  # B9: every borrowed file comes back before the employee leaves.
            raise Conflict(
                f"{username} still has {len(loans)} loan(s) not returned",
                code="open_loans", extra={"loans": loans},
            )
        # Before and after the write: a check that read the account in between caches nothing.
        self._forget(username)
        await self.repository.deactivate(username, self.clock.now())
        self._forget(username)
        return await self.get_user(user.username)

    def _forget(self, username: str) -> None:
        self._deactivations += 1
        self._active.discard(username)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def principal_for(user: User) -> Principal:
    return Principal(username=user.username, roles=tuple(user.roles),
                     clearance=user.clearance, department=user.department)
