"""Accounts on both engines (issue 14, item 6): every change of an account is audited and
ends the user's earlier tokens; no change leaves the archive without an active admin, not
even two made at once; logins are throttled per account and per address, a refusal saying
when to try again; an unknown name costs a password check as a known one does; old
attempts are pruned."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from services.common.auth import TokenCodec
from services.common.contracts.accounts import User
from services.common.contracts.lending import OpenLoan
from services.common.errors import (
    Conflict,
    Forbidden,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from services.common.models import SecurityLevel
from services.registry.accounts.models import NewUser, UserChange
from services.registry.accounts.service import CONSOLE, AccountsService
from services.registry.journal.models import AuditEntry, AuditQuery
from services.registry.store import Tx
from tests.contract.registry.conftest import Registry
from tests.support.registry import INGEST, TEST_KEY

PASSWORD = "correct horse battery"


class CountingHasher(PasswordHasher):
    """argon2's hasher, counting the checks it makes."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8 * 1024, parallelism=1)
        self.checks = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.checks += 1
        return super().verify(hash, password)


def _accounts(registry: Registry, *, audited: bool = False, **limits: int) -> AccountsService:
    """``audited``: refusals are recorded in the registry's journal (logins too)."""
    accounts = AccountsService(
        registry.services.store, TokenCodec(TEST_KEY, ttl_s=60), registry.clock,
        attempts_per_minute=limits.get("per_account", 3),
        attempts_per_address_per_minute=limits.get("per_address", 5),
        journal=registry.services.journal if audited else None)
    accounts.hasher = CountingHasher()
    return accounts


async def _person(accounts: AccountsService, username: str = "li") -> None:
    await accounts.create_user(NewUser(username=username, roles=["staff"],
                                       password=PASSWORD), by="root")


async def test_every_change_of_an_account_is_audited_with_who_made_it(
        registry: Registry) -> None:
    accounts = _accounts(registry)
    await _person(accounts)
    await accounts.change_user("li", UserChange(clearance="confidential",
                                                department="engineering"),
                               by="root", clearance="secret")
    await accounts.reset_password("li", "a new password", by="root", clearance="secret")
    await accounts.change_own_password("li", "a new password", "another password",
                                       address="10.0.0.7")
    await accounts.deactivate("li", by="root")
    entries = await registry.services.journal.entries(INGEST, AuditQuery())
    assert [(e.action, e.username, e.detail["user"]) for e in entries] == [
        ("user_created", "root", "li"), ("user_changed", "root", "li"),
        ("password_reset", "root", "li"), ("password_changed", "li", "li"),
        ("user_deactivated", "root", "li")]
    assert entries[1].detail["changed"] == ["clearance", "department"]
    assert (entries[1].detail["previous_clearance"], entries[1].detail["clearance"]) == (
        "ordinary", "confidential")
    assert (await registry.services.journal.verify()).intact


@pytest.mark.parametrize("change", ["roles", "clearance", "department", "reset", "own"])
async def test_a_change_of_the_account_ends_every_earlier_token(
        registry: Registry, change: str) -> None:
    accounts = _accounts(registry)
    await _person(accounts)
    token = (await accounts.issue_token("li", PASSWORD)).access_token
    principal = accounts.codec.decode(token)
    await accounts.verify(principal, token)  # remembered as good
    if change == "reset":
        await accounts.reset_password("li", "a new password", by="root", clearance="secret")
    elif change == "own":
        await accounts.change_own_password("li", PASSWORD, "a new password", address=None)
    else:
        values = {"roles": ["manager"], "clearance": "secret", "department": "archive"}
        await accounts.change_user("li", UserChange(**{change: values[change]}),
                                   by="root", clearance="secret")
    with pytest.raises(Unauthorized) as refused:
        await accounts.verify(principal, token)
    assert refused.value.code == "token_revoked"


async def test_a_change_that_changes_nothing_keeps_the_tokens(registry: Registry) -> None:
    accounts = _accounts(registry)
    await _person(accounts)
    token = (await accounts.issue_token("li", PASSWORD)).access_token
    await accounts.change_user("li", UserChange(roles=["staff"]), by="root", clearance="secret")
    await accounts.verify(accounts.codec.decode(token), token)


async def test_failed_logins_are_throttled_per_account(registry: Registry) -> None:
    accounts = _accounts(registry, per_account=3)
    await _person(accounts)
    for _ in range(3):
        with pytest.raises(Unauthorized):
            await accounts.check_password("li", "wrong guess")
    with pytest.raises(TooManyRequests):
        await accounts.check_password("li", PASSWORD)
    registry.clock.advance(timedelta(minutes=1, seconds=1))
    assert (await accounts.check_password("li", PASSWORD)).username == "li"


async def test_a_throttled_login_says_when_the_window_frees(registry: Registry) -> None:
    accounts = _accounts(registry, per_account=3)
    await _person(accounts)
    for _ in range(3):
        with pytest.raises(Unauthorized):
            await accounts.check_password("li", "wrong guess")
        registry.clock.advance(timedelta(seconds=10))
    with pytest.raises(TooManyRequests) as refused:
        await accounts.check_password("li", PASSWORD)
    # Failed at 0, 10 and 20 s and refused (a failure too) at 30 s: the one at 10 s counts
    # until 70 s inclusive, so fewer than three are left from 71 s.
    assert refused.value.retry_after_s == 41
    registry.clock.advance(timedelta(seconds=41))
    assert (await accounts.check_password("li", PASSWORD)).username == "li"


async def test_failed_logins_are_throttled_per_client_address(registry: Registry) -> None:
    accounts = _accounts(registry, per_account=3, per_address=5)
    await _person(accounts)
    for n in range(5):
        with pytest.raises(Unauthorized):
            await accounts.check_password(f"user{n}", "guess", address="10.0.0.9")
    with pytest.raises(TooManyRequests):
        await accounts.check_password("li", PASSWORD, address="10.0.0.9")
    assert (await accounts.check_password("li", PASSWORD, address="10.0.0.10")).username == "li"


async def test_an_unknown_or_disabled_name_costs_one_password_check(registry: Registry) -> None:
    accounts = _accounts(registry)
    await _person(accounts)
    await _person(accounts, "wu")
    await accounts.deactivate("wu", by="root")
    for username in ("li", "nobody", "wu"):
        checks = accounts.hasher.checks  # type: ignore[attr-defined]
        with pytest.raises(Unauthorized):
            await accounts.check_password(username, "wrong guess")
        assert accounts.hasher.checks == checks + 1  # type: ignore[attr-defined]


async def test_login_attempts_older_than_a_day_are_pruned(registry: Registry) -> None:
    accounts = _accounts(registry)
    await _person(accounts)
    with pytest.raises(Unauthorized):
        await accounts.check_password("li", "wrong guess")
    registry.clock.advance(timedelta(days=1, minutes=11))
    await accounts.check_password("li", PASSWORD)
    [(attempts,)] = await registry.sql("SELECT count(*) FROM login_attempts")
    assert attempts == 1


async def test_a_password_keeps_the_hash_settings_it_was_set_under(registry: Registry) -> None:
    """``ARCHIVE_PASSWORD_HASH_MEMORY_KIB`` applies to passwords set after it changes; one set
    before still signs in (a stored hash carries its own parameters)."""
    def accounts(memory_kib: int) -> AccountsService:
        return AccountsService(registry.services.store, TokenCodec(TEST_KEY, ttl_s=60),
                               registry.clock, attempts_per_minute=3,
                               password_hash_memory_kib=memory_kib)

    async def stored_hash() -> str:
        async with registry.services.store.transaction() as tx:
            account = await tx.accounts.get("li")
        assert account is not None
        assert account.password_hash is not None
        return account.password_hash

    await _person(accounts(32 * 1024))
    assert "$m=32768,t=2," in await stored_hash()
    later = accounts(1024)
    assert (await later.issue_token("li", PASSWORD)).access_token
    await later.reset_password("li", "a new password", by="root", clearance="secret")
    assert "$m=1024,t=2," in await stored_hash()
    assert (await later.issue_token("li", "a new password")).access_token
    with pytest.raises(Unauthorized):
        await later.issue_token("li", PASSWORD)


async def test_every_new_password_is_judged_and_a_refused_one_changes_nothing(
        registry: Registry) -> None:
    """ASVS 6.2.4, 6.2.11: made, reset or changed by its user, a common password or one
    holding the username is refused, and the account keeps its password and tokens."""
    accounts = _accounts(registry)
    with pytest.raises(ValidationFailed) as made:
        await accounts.create_user(NewUser(username="chen", roles=["staff"],
                                           password="Woaini1314"), by="root")
    assert made.value.code == "password_too_common"
    assert [user.username for user in await accounts.list_users()] == []
    await _person(accounts)
    token = await accounts.issue_token("li", PASSWORD)
    with pytest.raises(ValidationFailed) as reset:
        await accounts.reset_password("li", "qq123456", by="root", clearance="secret")
    with pytest.raises(ValidationFailed) as own:
        await accounts.change_own_password("li", PASSWORD, "Archive2024", address=None)
    await _person(accounts, "zhou")
    with pytest.raises(ValidationFailed) as named:
        await accounts.reset_password("zhou", "Zhou on the 5th floor",
                                      by="root", clearance="secret")
    assert [reset.value.code, own.value.code, named.value.code] == [
        "password_too_common", "password_too_common", "password_contains_username"]
    await accounts.verify(accounts.codec.decode(token.access_token), token.access_token)
    assert (await accounts.issue_token("li", PASSWORD)).access_token
    entries = await registry.services.journal.entries(INGEST, AuditQuery())
    assert [entry.action for entry in entries if entry.action.startswith("password")] == []


async def test_a_password_set_before_the_rules_still_signs_in(registry: Registry) -> None:
    """Only new passwords are judged: an account whose password is now refused keeps it."""
    accounts = _accounts(registry)
    old = User(username="li", roles=["staff"], clearance="ordinary", department=None,
               active=True, created_at=registry.clock.now())
    async with registry.services.store.transaction() as tx:
        await tx.accounts.add(old, accounts.hasher.hash("password1"))
    assert (await accounts.issue_token("li", "password1")).access_token


async def test_a_password_typed_full_width_or_half_width_signs_in_alike(
        registry: Registry) -> None:
    """NIST 800-63B: hashed NFKC-folded, so a Chinese input method's full width is no other
    password; a hash made before of full-width characters still verifies against them."""
    accounts = _accounts(registry)
    await accounts.create_user(NewUser(username="li", roles=["staff"],
                                       password="月光下的三只猫 ｌｉｌｙ ２０２４"), by="root")
    for typed in ("月光下的三只猫 ｌｉｌｙ ２０２４", "月光下的三只猫 lily 2024"):
        assert (await accounts.issue_token("li", typed)).access_token
    before = User(username="chen", roles=["staff"], clearance="ordinary", department=None,
                  active=True, created_at=registry.clock.now())
    full_width = "ｌｉｌｙ ｐｌａｎｔｅｄ ３ ｐｌｕｍｓ"
    async with registry.services.store.transaction() as tx:
        await tx.accounts.add(before, accounts.hasher.hash(full_width))
    assert (await accounts.issue_token("chen", full_width)).access_token
    with pytest.raises(Unauthorized):
        await accounts.issue_token("chen", "lily planted 3 plums!")


async def _admins(accounts: AccountsService, *usernames: str) -> None:
    for username in usernames:
        await accounts.create_user(NewUser(username=username, roles=["admin"],
                                           password=PASSWORD))


async def test_no_change_leaves_the_archive_without_an_active_admin(registry: Registry) -> None:
    accounts = _accounts(registry)
    await _admins(accounts, "root")
    with pytest.raises(Conflict) as demoted:
        await accounts.change_user("root", UserChange(roles=["staff"]),
                                   by=CONSOLE, clearance="secret")
    with pytest.raises(Conflict) as departed:
        await accounts.deactivate("root", by=CONSOLE)
    assert demoted.value.code == departed.value.code == "last_admin"
    root = await accounts.get_user("root")
    assert (root.roles, root.active) == (["admin"], True)
    await _admins(accounts, "root2")
    await accounts.change_user("root", UserChange(roles=["admin", "staff"]),
                               by="root2", clearance="secret")
    await accounts.deactivate("root", by="root2")
    assert not (await accounts.get_user("root")).active


async def test_no_change_leaves_no_admin_cleared_as_high_as_the_highest_one(
        registry: Registry) -> None:
    accounts = _accounts(registry)
    await _admins(accounts, "plain")
    await accounts.create_user(NewUser(username="top", roles=["admin"], clearance="secret",
                                       password=PASSWORD))
    with pytest.raises(Conflict) as lowered:
        await accounts.change_user("top", UserChange(clearance="ordinary"),
                                   by="plain", clearance="ordinary")
    with pytest.raises(Conflict) as demoted:
        await accounts.change_user("top", UserChange(roles=["staff"]),
                                   by="plain", clearance="ordinary")
    with pytest.raises(Conflict) as departed:
        await accounts.deactivate("top", by="plain", clearance="ordinary")
    assert {refusal.value.code for refusal in (lowered, demoted, departed)} == {
        "last_admin_at_clearance"}
    assert lowered.value.extra == {"clearance_needed": "secret"}
    assert "make another admin cleared to secret first" in lowered.value.detail
    top = await accounts.get_user("top")
    assert (top.roles, top.clearance, top.active) == (["admin"], "secret", True)
    await accounts.create_user(NewUser(username="top2", roles=["admin"], clearance="secret",
                                       password=PASSWORD))
    await accounts.deactivate("top", by="plain", clearance="ordinary")
    assert not (await accounts.get_user("top")).active


async def test_an_admin_removed_while_another_leaves_is_refused_not_both(
        registry: Registry) -> None:
    """Two admins removing each other at once: the second change is checked once the
    first is written, so one admin is left."""
    accounts = _accounts(registry)
    await _admins(accounts, "root", "root2")
    leaving = asyncio.Event()

    async def slow_departure(tx: Tx, username: str, *, by: str, clearance: SecurityLevel
                             ) -> list[OpenLoan]:
        leaving.set()
        await asyncio.sleep(0.5)  # the other change arrives while this one is open
        return []

    accounts.departure = slow_departure
    departure = asyncio.create_task(accounts.deactivate("root2", by="root"))
    await leaving.wait()
    with pytest.raises(Conflict) as refused:
        await accounts.change_user("root", UserChange(roles=["staff"]),
                                   by="root2", clearance="secret")
    await departure
    assert refused.value.code == "last_admin"
    root, root2 = await accounts.get_user("root"), await accounts.get_user("root2")
    assert (root.roles, root.active, root2.active) == (["admin"], True, False)


async def test_each_refused_change_of_an_account_is_listed_under_its_success_naming_the_account(
        registry: Registry) -> None:
    """O4: a refusal is recorded under the action its success is, with the account it was
    about (``user``), so ``--action password_reset`` shows an attempt on a secret account
    beside the resets made."""
    accounts = _accounts(registry, audited=True)
    await _admins(accounts, "root", "root2")
    await accounts.create_user(NewUser(username="qian.comp", roles=["staff"],
                                       clearance="confidential", password=PASSWORD))
    refusals = {
        "user_created": lambda: accounts.create_user(NewUser(
            username="zhao", roles=["staff"], clearance="confidential", password=PASSWORD),
            by="root", clearance="ordinary"),
        "password_reset": lambda: accounts.reset_password(
            "qian.comp", "a takeover of the account", by="root", clearance="ordinary"),
        "user_changed": lambda: accounts.change_user(
            "root", UserChange(clearance="confidential"), by="root", clearance="secret"),
        "user_deactivated": lambda: accounts.deactivate("root", by="root"),
    }
    for refusal in refusals.values():
        with pytest.raises(Forbidden):
            await refusal()
    await accounts.deactivate("root2", by="root")
    with pytest.raises(Conflict):  # root is the last active admin now
        await accounts.change_user("root", UserChange(roles=["staff"]), by=CONSOLE,
                                   clearance="secret")
    await accounts.reset_password("qian.comp", "a new password", by=CONSOLE,
                                  clearance="secret")
    await accounts.change_user("qian.comp", UserChange(department="engineering"), by="root",
                               clearance="secret")
    listed = {action: [(e.username, e.outcome, e.code, e.detail["user"])
                       for e in await registry.services.journal.entries(
                           INGEST, AuditQuery(action=action))]
              for action in refusals}
    assert listed == {
        "user_created": [
            (CONSOLE, "allowed", None, "root"), (CONSOLE, "allowed", None, "root2"),
            (CONSOLE, "allowed", None, "qian.comp"),
            ("root", "refused", "above_own_clearance", "zhao")],
        "password_reset": [("root", "refused", "above_own_clearance", "qian.comp"),
                           (CONSOLE, "allowed", None, "qian.comp")],
        "user_changed": [("root", "refused", "own_account", "root"),
                         (CONSOLE, "refused", "last_admin", "root"),
                         ("root", "allowed", None, "qian.comp")],
        "user_deactivated": [("root", "refused", "own_account", "root"),
                             ("root", "allowed", None, "root2")],
    }


async def test_account_refusals_recorded_under_the_services_verbs_are_found_by_todays_names(
        registry: Registry) -> None:
    async with registry.services.store.transaction() as tx:
        for old in ("create_user", "reset_password"):
            await tx.journal.audit(AuditEntry(action=old, username="root", outcome="refused",
                                              code="above_own_clearance"),
                                   at=registry.clock.now())
    for current, old in (("user_created", "create_user"), ("password_reset", "reset_password")):
        for asked in (current, old):
            assert [e.action for e in await registry.services.journal.entries(
                INGEST, AuditQuery(action=asked))] == [current]
