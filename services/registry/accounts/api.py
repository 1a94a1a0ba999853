"""Accounts routes: token, logout, whoami, users, their changes and passwords."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from services.common.auth import ACCOUNT_ADMINS, Principal
from services.common.contracts.accounts import Person, TokenResponse, User
from services.common.errors import Forbidden
from services.registry.accounts.models import (
    Identity,
    NewUser,
    PasswordChange,
    PasswordReset,
    TokenRequest,
    UserChange,
)
from services.registry.accounts.service import AccountsService
from services.registry.guards import allow


def client_address(request: Request[Any, Any, Any]) -> str | None:
    """Where the request came from (behind a proxy, as ``ARCHIVE_TRUSTED_PROXIES`` lets the
    server read it from ``X-Forwarded-For``): logins are throttled per address too."""
    return request.client.host if request.client is not None else None


class AuthController(Controller):
    path = "/auth"
    tags = ("accounts",)

    @post("/token", operation_id="issueToken", status_code=HTTP_200_OK, exclude_from_auth=True)
    async def issue_token(self, data: JSONBody[TokenRequest], request: Request[Any, Any, Any],
                          accounts: NamedDependency[AccountsService]) -> TokenResponse:
        """Exchange a username and password for a bearer token."""
        return await accounts.issue_token(data.username, data.password,
                                          address=client_address(request))

    @post("/logout", operation_id="endToken", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, principal: NamedDependency[Principal],
                     accounts: NamedDependency[AccountsService]) -> None:
        """Sign out: the token this is sent with stops working (401 ``token_ended``); the
        caller's other tokens do not."""
        await accounts.end_token(principal)

    @get("/whoami", operation_id="whoami")
    async def whoami(self, principal: NamedDependency[Principal]) -> Identity:
        """The caller as the token describes them; other services use it to verify tokens."""
        return Identity(username=principal.username, roles=principal.roles,
                        clearance=principal.clearance, department=principal.department)


class PeopleController(Controller):
    path = "/people"
    tags = ("accounts",)

    @get("/", operation_id="listPeople")
    async def people(self, accounts: NamedDependency[AccountsService]) -> list[Person]:
        """Everyone whose account has a full name (姓名), by username, for any signed-in
        caller: the pages name people by it, as the company's staff list does."""
        return await accounts.people()


class UsersController(Controller):
    path = "/users"
    tags = ("accounts",)

    @post("/", operation_id="createUser", guards=[allow(*ACCOUNT_ADMINS)])
    async def create_user(self, data: JSONBody[NewUser], principal: NamedDependency[Principal],
                          accounts: NamedDependency[AccountsService]) -> User:
        """A new account, cleared at most to the admin's own clearance (403
        ``above_own_clearance``)."""
        return await accounts.create_user(data, by=principal.username,
                                          clearance=principal.clearance)

    @get("/", operation_id="listUsers", guards=[allow(*ACCOUNT_ADMINS)])
    async def list_users(self, accounts: NamedDependency[AccountsService]) -> list[User]:
        return await accounts.list_users()

    @get("/{username:str}", operation_id="getUser")
    async def get_user(self, username: FromPath[str], principal: NamedDependency[Principal],
                       accounts: NamedDependency[AccountsService]) -> User:
        if principal.username != username and not principal.has_role("admin", "archivist"):
            raise Forbidden("you may only look at your own account", code="not_your_account")
        return await accounts.get_user(username)

    @patch("/{username:str}", operation_id="changeUser", guards=[allow(*ACCOUNT_ADMINS)])
    async def change_user(self, username: FromPath[str], data: JSONBody[UserChange],
                          principal: NamedDependency[Principal],
                          accounts: NamedDependency[AccountsService]) -> User:
        """New roles, clearance or department (what is not given stays); every token the
        user holds stops working. Refused for one's own roles or clearance, for a clearance
        above the admin's own, and for the last active admin's role."""
        return await accounts.change_user(username, data, by=principal.username,
                                          clearance=principal.clearance)

    @post("/me/password", operation_id="changeOwnPassword", status_code=HTTP_200_OK)
    async def change_own_password(self, data: JSONBody[PasswordChange],
                                  request: Request[Any, Any, Any],
                                  principal: NamedDependency[Principal],
                                  accounts: NamedDependency[AccountsService]) -> TokenResponse:
        """Change one's own password, giving the current one: every earlier token stops
        working; the answer is a new token."""
        return await accounts.change_own_password(
            principal.username, data.current_password, data.new_password,
            address=client_address(request))

    @post("/{username:str}/password", operation_id="resetPassword", status_code=HTTP_200_OK,
          guards=[allow(*ACCOUNT_ADMINS)])
    async def reset_password(self, username: FromPath[str], data: JSONBody[PasswordReset],
                             principal: NamedDependency[Principal],
                             accounts: NamedDependency[AccountsService]) -> User:
        """Reset someone's password: every token they hold stops working. Refused for an
        account cleared above the admin's own clearance."""
        return await accounts.reset_password(username, data.new_password,
                                             by=principal.username,
                                             clearance=principal.clearance)

    @post("/{username:str}/deactivate", operation_id="deactivateUser", status_code=HTTP_200_OK,
          guards=[allow(*ACCOUNT_ADMINS)])
    async def deactivate(self, username: FromPath[str], principal: NamedDependency[Principal],
                         accounts: NamedDependency[AccountsService]) -> User:
        """Departure (B9): refused with the list while any loan is not returned, for one's
        own account and for the last active admin."""
        return await accounts.deactivate(username, by=principal.username,
                                         clearance=principal.clearance)

    @post("/{username:str}/activate", operation_id="activateUser", status_code=HTTP_200_OK,
          guards=[allow(*ACCOUNT_ADMINS)])
    async def activate(self, username: FromPath[str], principal: NamedDependency[Principal],
                       accounts: NamedDependency[AccountsService]) -> User:
        """Take back someone who left: the same password, none of the tokens from before."""
        return await accounts.activate(username, by=principal.username)
