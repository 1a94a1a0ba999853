"""My account (我的账户, ``/ui/account``), for everyone signed in: who they are, and a POST
form with its CSRF token to change their own password.

A change ends every earlier token of theirs, the session's too (ASVS 7.4.3: other
browsers and the command line sign in again); the registry answers a new token, which
replaces the session cookie in the same answer, so the person stays signed in here.
Refused, the page is shown again saying why and what to do, focused on the field to
correct; nothing typed into a password field is ever sent back.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency

from services.common.clients.reader import RegistryReader
from services.common.errors import ArchiveError, TooManyRequests, Unauthorized
from services.common.web import PAGES_PREFIX
from services.web.failures import refusal_code, see
from services.web.forms import FORM, PageForm
from services.web.own_account_page import own_account, own_password_problem, problem_field
from services.web.page import Page
from services.web.session import session_cookie

ACCOUNT_PATH = f"{PAGES_PREFIX}/account"


class PasswordChangeForm(PageForm):
    current_password: str = ""
    new_password: str = ""
    new_password_again: str = ""


class OwnAccountPages(Controller):
    path = "/account"

    async def _page(self, page: Page, registry: RegistryReader, *, status_code: int = 200,
                    problem: str = "", wait_s: int | None = None) -> Response[str]:
        # Read from the registry, not the token: a token that has ended (a password
        # changed elsewhere) goes to sign-in here as on every other page.
        user = await registry.user(page.reader.token, page.reader.principal.username)
        return page.render("account.html", status_code=status_code, view=own_account(user),
                           problem=problem, problem_field=problem_field(problem),
                           wait_s=wait_s)

    @get("/", operation_id="ownAccountPage")
    async def account(self, page: NamedDependency[Page],
                      registry: NamedDependency[RegistryReader]) -> Response[str]:
        return await self._page(page, registry)

    @post("/password", operation_id="changeOwnPasswordForm")
    async def change_password(self, page: NamedDependency[Page],
                              registry: NamedDependency[RegistryReader],
                              data: Annotated[PasswordChangeForm, FORM]) -> Response[Any]:
        problem = own_password_problem(data.current_password, data.new_password,
                                       data.new_password_again)
        if problem:
            return await self._page(page, registry, status_code=422, problem=problem)
        client = page.request.client
        try:
            issued = await registry.change_own_password(
                page.reader.token, data.current_password, data.new_password,
                client_address=client.host if client else None)
        except Unauthorized as exc:
            if exc.code != "invalid_credentials":
                raise  # the session itself has ended: sign-in, as on every page
            return await self._page(page, registry, status_code=exc.status,
                                    problem="wrong_password")
        except TooManyRequests as exc:
            return await self._page(page, registry, status_code=exc.status,
                                    problem=exc.code, wait_s=exc.retry_after_s)
        except ArchiveError as exc:
            return await self._page(page, registry, status_code=exc.status,
                                    problem=refusal_code(exc))
        response: Response[Any] = see(ACCOUNT_PATH, done="password")
        response.set_cookie(session_cookie(page.request, issued.access_token,
                                           max_age=issued.expires_in))
        return response
