"""Accounts routes: token, users, whoami."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from services.common.auth import Principal, principal_of, require_roles
from services.common.errors import Forbidden
from services.registry.accounts.models import NewUser, TokenRequest, TokenResponse, User
from services.registry.accounts.service import AccountsService


class AuthController(Controller):
    path = "/auth"
    tags = ("accounts",)

    @post("/token", operation_id="issueToken", status_code=HTTP_200_OK, exclude_from_auth=True)
    async def issue_token(self, data: JSONBody[TokenRequest],
                          accounts: NamedDependency[AccountsService]) -> TokenResponse:
        """Exchange a username and password for a bearer token."""
        return await accounts.issue_token(data.username, data.password)

    @get("/whoami", operation_id="whoami")
    async def whoami(self, request: Request[Any, Any, Any]) -> Principal:
        """The caller as the token describes them; other services use it to verify tokens."""
        return principal_of(request)


class UsersController(Controller):
    path = "/users"
    tags = ("accounts",)

    @post("/", operation_id="createUser", guards=[require_roles("admin")])
    async def create_user(self, data: JSONBody[NewUser],
                          accounts: NamedDependency[AccountsService]) -> User:
        return await accounts.create_user(data)

    @get("/", operation_id="listUsers", guards=[require_roles("admin")])
    async def list_users(self, accounts: NamedDependency[AccountsService]) -> list[User]:
        return await accounts.list_users()

    @get("/{username:str}", operation_id="getUser")
    async def get_user(self, username: FromPath[str], request: Request[Any, Any, Any],
                       accounts: NamedDependency[AccountsService]) -> User:
        caller = principal_of(request)
        if caller.username != username and not caller.has_role("admin", "archivist"):
            raise Forbidden("you may only look at your own account", code="not_your_account")
        return await accounts.get_user(username)

    @post("/{username:str}/deactivate", operation_id="deactivateUser", status_code=HTTP_200_OK,
          guards=[require_roles("admin")])
    async def deactivate(self, username: FromPath[str],
                         accounts: NamedDependency[AccountsService]) -> User:
        """Departure (B9): refused with the list while any loan is not returned."""
        return await accounts.deactivate(username)
