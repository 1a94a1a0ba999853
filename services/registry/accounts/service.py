"""Accounts: create and change users, check passwords (argon2), issue tokens, throttle logins.

- Every change of an account (created, roles, clearance or department changed,
  deactivated, reactivated, password changed or reset) is in the audit log with who made
  it (O4).
- Nobody changes their own roles or clearance, nor deactivates themselves (``own_account``:
  another admin does it; an admin has no implicit right to read confidential files, so
  raising one's own clearance is not theirs to do), and no change leaves the archive
  without an active admin (``last_admin``); both refusals are audited, as a departure
  refused for a loan out (``open_loans``) is: under the action the success is recorded as,
  naming the account.
- Nor does an admin reach above their own clearance through another account
  (``above_own_clearance``, audited): they create no account cleared above themselves,
  raise nobody's clearance above their own, and reset no password of an account cleared
  above them (they would sign in as it). An admin cleared to that level does it, or the
  operator with ``archive user add`` on the database itself (``CONSOLE``, not limited:
  it makes the first admin). Roles are not limited: every right a role gives stops at its
  holder's clearance (``common.clearance``), so an approver made at ``ordinary`` decides
  nothing confidential.
- Every new password, made, reset or changed, is judged by ``rules.check_new_password``
  (not a common one, nor the archive's word, nor containing the username, judged as
  typed); passwords set before still sign in. A password is hashed and checked
  NFKC-folded (``rules.as_typed``), so full-width and half-width typing sign in alike; a
  hash made before of unfolded characters still verifies against them.
- A reactivated account keeps its password, but every token issued before stays revoked.
- A password change or reset, and a change of roles, clearance or department, moves the
  user's token version on: every token issued before stops working at once here (the
  account check forgets what it remembered), in other processes within ``VERIFIED_FOR_S``.
- Signing out (退出) ends the one token it is sent with, not the user's others: it is
  recorded (and audited) until the token would have run out, refused (``token_ended``)
  from then on in this process, in other processes within ``VERIFIED_FOR_S``.
- Logins are throttled per account and per client address: each attempt is counted and
  written, as failed, in one serialised step before anything is checked, so guesses sent
  at once count as if sent in turn and no burst gets past the limit; the right password
  then marks its attempt succeeded. A refusal says when the window frees (Retry-After).
- Password hashing runs in a thread, never on the event loop, and an unknown or disabled
  name costs one hash check as a known one does (the answer's time tells nothing).
- Attempts older than ``ATTEMPTS_KEPT`` are pruned; every login, succeeded or refused,
  is in the audit log.
"""

from __future__ import annotations

import asyncio
import functools
import math
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.common.auth import ACCOUNT_ADMINS, Principal, RecentlyVerified, TokenCodec
from services.common.clock import Clock
from services.common.config import PASSWORD_HASH_MEMORY_KIB
from services.common.contracts.accounts import Person, TokenResponse, User
from services.common.contracts.lending import OpenLoan, WaitingRequest
from services.common.contracts.operations import WaitingHandover
from services.common.errors import (
    ArchiveError,
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from services.common.models import SecurityLevel, security_rank
from services.registry.accounts.models import RESERVED_USERNAMES, NewUser, UserChange
from services.registry.accounts.repository import Account
from services.registry.accounts.rules import as_typed, check_new_password
from services.registry.journal.models import AuditEntry, DetailValue
from services.registry.journal.service import JournalService
from services.registry.store import RegistryStore, Tx

Waiting = TypeVar("Waiting", WaitingHandover, WaitingRequest, covariant=True)


class Departure(Protocol):
    """B9, run in the deactivation's transaction ``tx``: the loans ``username`` has not
    returned, their documents named as far as ``clearance`` reaches (the departure is
    refused while any, and the transaction undone); and whatever else ends with the
    employee (their requests not yet out are closed, by ``by``)."""

    async def __call__(self, tx: Tx, username: str, *, by: str, clearance: SecurityLevel
                      ) -> list[OpenLoan]: ...


class LeftWaiting(Protocol[Waiting]):
    """What would wait for ever if the active account ``before`` became ``after`` (None:
    it leaves), read in the change's transaction ``tx``: the change is refused while any
    (the handovers only they can sign, O1; the requests only they could approve, B3)."""

    async def __call__(self, tx: Tx, before: User, after: User | None
                       ) -> Sequence[Waiting]: ...


RATE_WINDOW = timedelta(minutes=1)
ATTEMPTS_KEPT = timedelta(days=1)
PRUNE_EVERY = timedelta(minutes=10)
CONSOLE = "console"
"""Who made a change through ``archive user add`` on the database itself."""
AUDITED_REFUSALS = frozenset({"own_account", "last_admin", "last_admin_at_clearance",
                              "above_own_clearance", "open_loans", "unsigned_handovers",
                              "last_approver"})


@functools.cache
def password_hasher(memory_kib: int) -> PasswordHasher:
    """argon2id with ``memory_kib`` (``ARCHIVE_PASSWORD_HASH_MEMORY_KIB``) and two passes.
    A stored hash carries its own parameters, so a change applies to passwords set after."""
    return PasswordHasher(time_cost=2, memory_cost=memory_kib, parallelism=1)


@functools.cache
def decoy_hash(memory_kib: int) -> str:
    """Checked for an unknown or disabled name, so it costs what a known one does; made
    once per process (it costs a login's time, and tests start many services in one)."""
    return password_hasher(memory_kib).hash(secrets.token_urlsafe(16))


async def no_loans(tx: Tx, username: str, *, by: str, clearance: SecurityLevel
                   ) -> list[OpenLoan]:
    return []


async def nothing_waits(tx: Tx, before: User, after: User | None) -> list[Any]:
    return []


class AccountsService:
    def __init__(
        self, store: RegistryStore, codec: TokenCodec, clock: Clock, *,
        attempts_per_minute: int, attempts_per_address_per_minute: int | None = None,
        departure: Departure = no_loans, journal: JournalService | None = None,
        handovers_waiting: LeftWaiting[WaitingHandover] = nothing_waits,
        requests_waiting: LeftWaiting[WaitingRequest] = nothing_waits,
        password_hash_memory_kib: int = PASSWORD_HASH_MEMORY_KIB,
    ) -> None:
        """``journal`` records logins, refused or not (O4); ``None`` records none (tools).
        ``handovers_waiting`` and ``requests_waiting``: what would be left waiting for
        ever by a departure or a change (``LeftWaiting``)."""
        self.store = store
        self.codec = codec
        self.clock = clock
        self.attempts_per_minute = attempts_per_minute
        self.attempts_per_address_per_minute = \
            attempts_per_address_per_minute or 3 * attempts_per_minute
        self.departure = departure
        self.handovers_waiting = handovers_waiting
        self.requests_waiting = requests_waiting
        self.journal = journal
        self.hasher = password_hasher(password_hash_memory_kib)
        self._decoy_hash = decoy_hash(password_hash_memory_kib)
        # Accounts found active, by username and token version; a change here forgets one
        # at once, another registry process (scale-out) within ``VERIFIED_FOR_S``.
        self._active = RecentlyVerified()
        # Tokens (``jti``) found not ended by signing out; a sign-out here forgets its own.
        self._live = RecentlyVerified()
        self._changes = 0
        self._pruned_at: datetime | None = None

    async def create_user(self, new: NewUser, *, by: str = CONSOLE,
                          clearance: SecurityLevel = "secret") -> User:
        """``clearance``: the creating admin's, the most the new account may be cleared
        to; the console's default is not limited."""
        async with self._refusals_audited(by, "user_created", new.username):
            _refuse_above(new.clearance, clearance, "create an account cleared to")
        if new.username in RESERVED_USERNAMES:
            raise ValidationFailed(f"{new.username!r} is reserved; choose another name",
                                   code="reserved_username")
        if new.password:
            check_new_password(new.password, username=new.username)
        user = User(
            username=new.username, roles=sorted(set(new.roles)), clearance=new.clearance,
            department=new.department, active=True, created_at=self.clock.now(),
            full_name=new.full_name,
        )
        password_hash = await self._hash(new.password) if new.password else None
        async with self.store.transaction() as tx:
            await tx.accounts.add(user, password_hash)
            await tx.journal.audit(_entry(
                "user_created", by, user.username, roles=user.roles,
                clearance=user.clearance, department=user.department, full_name=user.full_name,
                password_set=password_hash is not None), at=user.created_at)
        return user

    async def people(self) -> list[Person]:
        """Everyone whose account has a full name, those who left too (papers and
        histories name them), by username."""
        async with self.store.snapshot() as tx:
            names = await tx.accounts.full_names()
        return [Person(username=username, full_name=name) for username, name in names.items()]

    async def get_user(self, username: str) -> User:
        return (await self._account(username)).user

    async def list_users(self) -> list[User]:
        async with self.store.snapshot() as tx:
            return await tx.accounts.every()

    async def change_user(self, username: str, change: UserChange, *, by: str,
                          clearance: SecurityLevel) -> User:
        """New roles, clearance, department or full name: audited, and the user's tokens end
        unless only the full name changed; ``clearance``: the changing admin's, the most they
        may raise anyone to."""
        before = (await self._account(username)).user
        values = {name: value for name, value in msgspec.structs.asdict(change).items()
                  if value is not msgspec.UNSET}
        if "roles" in values:
            values["roles"] = sorted(set(values["roles"]))
        changed = sorted(name for name, value in values.items()
                         if getattr(before, name) != value)
        if not changed:
            return before
        detail: dict[str, Any] = {"changed": changed}
        for name in changed:
            detail[name], detail[f"previous_{name}"] = values[name], getattr(before, name)
        async with self._refusals_audited(by, "user_changed", username):
            if by == username and {"roles", "clearance"} & set(changed):
                raise Forbidden("nobody changes their own roles or clearance; another admin "
                                "does it", code="own_account")
            if "clearance" in changed:
                _refuse_above(values["clearance"], clearance, "raise an account's clearance to")

            after = msgspec.structs.replace(before, **values)

            async def leave_nothing_stuck(tx: Tx) -> None:
                await _keep_admins(tx, before, after)
                await self._refuse_left_waiting(tx, before, after)

            await self._changing(username, values,
                                 _entry("user_changed", by, username, **detail),
                                 new_tokens=before.rights_differ(after),
                                 within=leave_nothing_stuck)
        return await self.get_user(username)

    async def reset_password(self, username: str, new_password: str, *, by: str,
                             clearance: SecurityLevel) -> User:
        """An admin sets someone's password: audited, and the user's tokens end;
        ``clearance``: the admin's, the most the account may be cleared to (with its new
        password they could sign in as it)."""
        target = (await self._account(username)).user
        async with self._refusals_audited(by, "password_reset", username):
            _refuse_above(target.clearance, clearance, "reset the password of an account "
                          "cleared to")
        check_new_password(new_password, username=username)
        await self._changing(username, {"password_hash": await self._hash(new_password)},
                             _entry("password_reset", by, username))
        return await self.get_user(username)

    async def change_own_password(self, username: str, current: str, new: str, *,
                                  address: str | None) -> TokenResponse:
        """A user's own change, proven with the current password (throttled as a login
        is); every earlier token ends, and the answer is a token that works."""
        check_new_password(new, username=username)
        await self.check_password(username, current, address=address)
        await self._changing(username, {"password_hash": await self._hash(new)},
                             _entry("password_changed", username, username))
        return await self.issue_token(username, new, address=address)

    async def deactivate(self, username: str, *, by: str = CONSOLE,
                         clearance: SecurityLevel = "secret") -> User:
        """Departure (B9), with what ends with it (``Departure``) in one transaction;
        ``clearance``: the asker's, as far as a refusal names the loans' documents."""
        before = (await self._account(username)).user

        async def clear(tx: Tx) -> None:
            await _keep_admins(tx, before, None)
            loans = await self.departure(tx, username, by=by, clearance=clearance)
            await self._refuse_left_waiting(tx, before, None, loans=loans)

        async with self._refusals_audited(by, "user_deactivated", username):
            if by == username:
                raise Forbidden("nobody deactivates their own account; another admin does it",
                                code="own_account")
            await self._changing(username,
                                 {"active": False, "deactivated_at": self.clock.now()},
                                 _entry("user_deactivated", by, username), new_tokens=False,
                                 within=clear)
        return await self.get_user(username)

    async def activate(self, username: str, *, by: str = CONSOLE) -> User:
        """Take back someone who left: they sign in again with the password they had (an
        admin may reset it); every token issued before stays revoked, and nothing ended by
        the departure (their requests closed) comes back. An active account is left as
        it is."""
        before = (await self._account(username)).user
        if before.active:
            return before
        await self._changing(username, {"active": True, "deactivated_at": None},
                             _entry("user_reactivated", by, username))
        return await self.get_user(username)

    async def check_password(self, username: str, password: str, *,
                             address: str | None = None) -> User:
        """The user, if the password is right; refused (429) past the limit of failed
        attempts a minute on the account or from ``address``."""
        now = self.clock.now()
        await self._prune(now)
        async with self.store.transaction() as tx:
            attempt = await tx.accounts.record_attempt(username, address, now,
                                                       since=now - RATE_WINDOW)
        if attempt.failed_before >= self.attempts_per_minute:
            raise TooManyRequests(
                f"too many failed logins for {username!r}; wait a minute and try again",
                code="login_rate_limited", retry_after_s=await self._frees_in(
                    now, self.attempts_per_minute, username=username))
        if attempt.failed_from_address_before >= self.attempts_per_address_per_minute:
            raise TooManyRequests("too many failed logins from this address; wait a minute "
                                  "and try again", code="login_rate_limited",
                                  retry_after_s=await self._frees_in(
                                      now, self.attempts_per_address_per_minute,
                                      address=address))
        found = await self._found(username)
        usable = found is not None and found.user.active and found.password_hash is not None
        stored = found.password_hash if usable and found is not None else None
        right = await asyncio.to_thread(self._verify, stored or self._decoy_hash, password)
        if not (usable and right) or found is None:
            raise Unauthorized("wrong username or password", code="invalid_credentials")
        async with self.store.transaction() as tx:
            await tx.accounts.succeeded(attempt.attempt_id)
        return found.user

    async def issue_token(self, username: str, password: str, *,
                          address: str | None = None) -> TokenResponse:
        """A token for the right password; every login, and every refused one, is in the
        audit log (refusals within the journal's cap a minute, the rest counted)."""
        try:
            await self.check_password(username, password, address=address)
        except (Unauthorized, TooManyRequests) as exc:
            if self.journal is not None:
                await self.journal.refused(Principal(username=username, roles=()), "login",
                                           exc, code=await self._login_refusal(exc, username))
            raise
        account = await self._account(username)
        if self.journal is not None:
            await self.journal.record(AuditEntry(action="login", username=username,
                                                 detail={"address": address}))
        token = self.codec.issue(account.user.principal(token_version=account.token_version))
        return TokenResponse(access_token=token, token_type="bearer",  # noqa: S106 - a scheme
                             expires_in=self.codec.ttl_s)

    async def end_token(self, principal: Principal) -> None:
        """Sign out (退出): the caller's token stops working (``token_ended``), their other
        tokens do not. Audited; ending it twice is no change."""
        if principal.token_id is None or principal.expires_at is None:
            return  # a token without an id is not one we issued to a user
        now = self.clock.now()
        # Forgotten before and after the write, as a change of the account is.
        self._forget_token(principal.token_id)
        async with self.store.transaction() as tx:
            await tx.accounts.end_token(
                principal.token_id, principal.username, at=now,
                expires_at=datetime.fromtimestamp(principal.expires_at, UTC))
            await tx.journal.audit(AuditEntry(action="logout", username=principal.username),
                                   at=now)
        self._forget_token(principal.token_id)

    async def verify(self, principal: Principal, token: str) -> None:
        """A token outlives nothing: a deactivated or deleted user's token stops working,
        so does one issued before the account's last change (token version), and one
        ended by signing out.

        Runs on every request, so an active account and a token not ended are remembered
        for ``VERIFIED_FOR_S`` (a database read per request was ~10% of the server's CPU
        while ingesting)."""
        remembered = f"{principal.username}:{principal.token_version}"
        token_id = principal.token_id
        if remembered in self._active and (token_id is None or token_id in self._live):
            return
        checked_at = time.monotonic()
        changes = self._changes
        async with self.store.snapshot() as tx:
            found = await tx.accounts.get(principal.username)
            ended = token_id is not None and await tx.accounts.token_ended(token_id)
        if found is None or not found.user.active:
            raise Unauthorized("this account is disabled", code="account_disabled")
        if found.token_version != principal.token_version:
            raise Unauthorized("this token was issued before a change to the account (its "
                               "password, roles, clearance or department, or its "
                               "reactivation); log in again", code="token_revoked")
        if ended:
            raise Unauthorized("this token was ended by signing out; log in again",
                               code="token_ended")
        if changes == self._changes:  # no change began while this read ran
            self._active.add(remembered, checked_at=checked_at)
            if token_id is not None:
                self._live.add(token_id, checked_at=checked_at)

    async def _frees_in(self, now: datetime, limit: int, *, username: str | None = None,
                        address: str | None = None) -> int:
        """Whole seconds until fewer than ``limit`` failed attempts on the account (or from
        the address) are left in the window, if no other is made: a refused attempt counts
        as failed, so one sent sooner puts the time off."""
        async with self.store.snapshot() as tx:
            counted = await tx.accounts.failed_at(limit, since=now - RATE_WINDOW,
                                                  username=username, address=address)
        if counted is None:
            return math.ceil(RATE_WINDOW.total_seconds())
        # An attempt made exactly a window ago still counts: one second past it.
        return max(1, math.floor((counted + RATE_WINDOW - now).total_seconds()) + 1)

    async def _refuse_left_waiting(self, tx: Tx, before: User, after: User | None, *,
                                   loans: list[OpenLoan] | None = None) -> None:
        """Refused (409) while ``before`` becoming ``after`` (None: leaving) would leave
        work waiting for ever, all of it listed with what to do: the loans not returned
        (B9: every borrowed file comes back before the employee leaves, ``open_loans``),
        the handovers only they can sign (O1, ``unsigned_handovers``: they sign, or an
        archivist cancels it), the requests only they could approve (B3,
        ``last_approver``: another person is given the step's role first)."""
        loans = loans or []
        handovers = await self.handovers_waiting(tx, before, after)
        requests = await self.requests_waiting(tx, before, after)
        if not (loans or handovers or requests):
            return
        who = before.username
        what = [f"{who} still has {len(loans)} loan(s) not returned (B9): an archivist "
                "takes them back (借阅 → 归还)"] if loans else []
        if handovers:
            what.append(f"{len(handovers)} handover(s) wait for {who}'s signature (O1): "
                        f"{who} signs, or an archivist cancels the handover and draws up a "
                        "new one")
        if requests:
            what.append(f"{len(requests)} loan request(s) could be approved by nobody but "
                        f"{who} (B3): {who} decides them, or an admin first gives the step's "
                        "role (a department's requests: another head of it) to someone "
                        "cleared for them")
        code = "open_loans" if loans else "unsigned_handovers" if handovers \
            else "last_approver"
        raise Conflict("; ".join(what) + (" — then the departure" if after is None
                                          else " — then the change"),
                       code=code, extra={
                           "loans": [loan.loan_id for loan in loans],
                           "open_loans": msgspec.to_builtins(loans),
                           "handovers": msgspec.to_builtins(handovers),
                           "requests": msgspec.to_builtins(requests)})

    @asynccontextmanager
    async def _refusals_audited(self, by: str, action: str, username: str
                                ) -> AsyncIterator[None]:
        """Refusals that keep the archive's own safeguards (``AUDITED_REFUSALS``) are
        audited, after the refused change's transaction has ended: under ``action``, the
        name its success is recorded as, naming the account as it does (``user``)."""
        try:
            yield
        except (Conflict, Forbidden) as exc:
            if exc.code in AUDITED_REFUSALS and self.journal is not None:
                await self.journal.refused(Principal(username=by, roles=()), action, exc,
                                           detail={"user": username})
            raise

    async def _changing(self, username: str, values: dict[str, Any], entry: AuditEntry, *,
                        new_tokens: bool = True,
                        within: Callable[[Tx], Awaitable[None]] | None = None) -> None:
        """``within``: what else the change does, first, in its transaction."""
        # Forgotten before and after the write: a check that read the account in between
        # remembers nothing.
        version = (await self._account(username)).token_version
        self._forget(username, version)
        async with self.store.transaction() as tx:
            if within is not None:
                await within(tx)
            await tx.accounts.change(username, values, new_token_version=new_tokens)
            await tx.journal.audit(entry, at=self.clock.now())
        self._forget(username, version)

    def _forget(self, username: str, version: int) -> None:
        self._changes += 1
        self._active.discard(f"{username}:{version}")

    def _forget_token(self, token_id: str) -> None:
        self._changes += 1
        self._live.discard(token_id)

    async def _login_refusal(self, exc: ArchiveError, username: str) -> str:
        """The audit's reason for a refused login: ``account_deactivated`` for any login
        to a deactivated (离职) account, so an admin sees that someone who left tried; the
        person is told only ``invalid_credentials``, as for a wrong password, which does
        not say that the account exists (the account is read for every refusal alike)."""
        if exc.code == "invalid_credentials":
            found = await self._found(username)
            if found is not None and not found.user.active:
                return "account_deactivated"
        return exc.code

    async def _found(self, username: str) -> Account | None:
        async with self.store.snapshot() as tx:
            return await tx.accounts.get(username)

    async def _account(self, username: str) -> Account:
        found = await self._found(username)
        if found is None:
            raise NotFound(f"no user {username!r}", code="unknown_user")
        return found

    async def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        async with self.store.transaction() as tx:
            await tx.accounts.prune_attempts(now - ATTEMPTS_KEPT)

    async def _hash(self, password: str) -> str:
        return await asyncio.to_thread(self.hasher.hash, as_typed(password))

    def _verify(self, password_hash: str, password: str) -> bool:
        """Hashed ``as_typed`` since then, so typed full width or half width it signs in;
        a hash made before of other characters is checked against them as typed."""
        typed = as_typed(password)
        return self._matches(password_hash, typed) or (
            typed != password and self._matches(password_hash, password))

    def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _refuse_above(level: SecurityLevel, own: SecurityLevel, doing: str) -> None:
    """An admin cleared to ``own`` does not reach ``level`` through another account."""
    if security_rank(level) > security_rank(own):
        raise Forbidden(
            f"you may not {doing} {level}, above your own clearance ({own}): an admin cleared "
            f"to {level} does it (if there is none, the operator on the server makes one: "
            f"`archive user add NAME --role admin --clearance {level}`)",
            code="above_own_clearance", extra={"clearance_needed": level})


def _administers(roles: list[str]) -> bool:
    return any(role in ACCOUNT_ADMINS for role in roles)


async def _keep_admins(tx: Tx, before: User, after: User | None) -> None:
    """``before`` becoming ``after`` (None: leaving) in ``tx`` leaves an active admin
    (``last_admin``), and one cleared as high as the highest admin now
    (``last_admin_at_clearance``): else nobody could manage the accounts (cleared to it:
    an admin reaches no account cleared above their own)."""
    names = await tx.accounts.active_holding(ACCOUNT_ADMINS)  # holds the table
    if before.username not in names:
        return
    admins = [user for user in await tx.accounts.active_people() if user.username in names]
    left = [user for user in admins if user.username != before.username]
    if after is not None and after.active and _administers(after.roles):
        left.append(after)
    if not left:
        raise Conflict(f"{before.username} is the last active admin; make another user "
                       "admin first", code="last_admin")
    highest = max((user.clearance for user in admins), key=security_rank)
    if all(security_rank(user.clearance) < security_rank(highest) for user in left):
        raise Conflict(
            f"{before.username} is the last active admin cleared to {highest}; nobody could "
            f"then manage the accounts cleared to it: make another admin cleared to {highest} "
            "first", code="last_admin_at_clearance", extra={"clearance_needed": highest})


def _entry(action: str, by: str, username: str, **detail: DetailValue) -> AuditEntry:
    return AuditEntry(action=action, username=by, detail={"user": username, **detail})
