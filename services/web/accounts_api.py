"""The accounts page's routes (``/ui/admin/users``), for ``admin`` only: anyone else gets
the same "not found" page as for anything they may not see. Every action is a POST form
with its CSRF token (a departure's behind a second button saying what it does); done, it
redirects to the list saying what was done; refused, the page is shown again saying why
and what to do (a departure refused lists the loans not returned, the handovers
waiting for a signature and the requests waiting for an approval)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from services.common.clients.reader import RegistryReader
from services.common.contracts.accounts import NewAccount, User
from services.common.errors import ArchiveError
from services.common.names import tidied_department, tidied_full_name, tidied_username
from services.common.web import PAGES_PREFIX
from services.web.accounts_page import (
    accounts_page,
    change_problem,
    left_waiting,
    level_name,
    may_administer,
    new_user_problem,
    password_problem,
    problem_field,
)
from services.web.failures import page_token, refusal_code, see
from services.web.forms import text, texts
from services.web.page import Page
from services.web.people import PeopleNames

ACCOUNTS_PATH = f"{PAGES_PREFIX}/admin/users"
NEW_USER_FIELDS = ("username", "clearance", "department", "full_name")


class UserAdminPages(Controller):
    path = "/admin/users"

    async def _page(self, page: Page, registry: RegistryReader, *, status_code: int = 200,
                    **values: Any) -> Response[str]:
        users = await registry.users(page.reader.token)
        shown: dict[str, Any] = {"about": "", "problem": "", "waiting": left_waiting({}),
                                 "needed": "", "values": {}, "roles_chosen": set(),
                                 "opened": ""} | values
        return page.render("admin_users.html", status_code=status_code,
                           view=accounts_page(users, clearance=page.reader.principal.clearance,
                                              reader=page.reader.principal.username),
                           problem_field=problem_field(shown["problem"], shown["about"]),
                           **shown)

    @get("/", operation_id="accountsPage")
    async def accounts(self, page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                       user: FromQuery[str] = "") -> Response[str]:
        page_token(page.reader, may_administer)
        return await self._page(page, registry, about=user[:64])

    @post("/", operation_id="addUserForm")
    async def add(self, page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                  people_names: NamedDependency[PeopleNames]) -> Response[Any]:
        token = page_token(page.reader, may_administer)
        form = await page.request.form()
        values = {name: text(form, name) for name in NEW_USER_FIELDS}
        values["department"] = tidied_department(
            values["department"], shown=page.pages.department_names(page.request))
        values["full_name"] = tidied_full_name(values["full_name"])
        values["username"] = tidied_username(values["username"])
        roles = texts(form, "roles")
        password = text(form, "password", trim=False)
        problem = new_user_problem(values["username"], roles, values["clearance"],
                                   values["department"], values["full_name"], password,
                                   text(form, "password_again", trim=False))
        if not problem:
            try:
                await registry.create_user(token, NewAccount(
                    username=values["username"], roles=roles, clearance=values["clearance"],
                    department=values["department"] or None, password=password,
                    full_name=values["full_name"] or None))
            except ArchiveError as exc:
                problem = refusal_code(exc)
            else:
                people_names.forget()
                return see(ACCOUNTS_PATH, done="created", user=values["username"])
        return await self._page(page, registry, status_code=422,
                                problem=problem, about="", values=values,
                                roles_chosen=set(roles))

    @post("/{username:str}/password", operation_id="resetPasswordForm")
    async def reset_password(self, username: FromPath[str], page: NamedDependency[Page],
                             registry: NamedDependency[RegistryReader]) -> Response[Any]:
        token = page_token(page.reader, may_administer)
        form = await page.request.form()
        password = text(form, "new_password", trim=False)
        problem = password_problem(password, text(form, "new_password_again", trim=False))
        needed = ""
        if not problem:
            try:
                await registry.reset_password(token, username, password)
            except ArchiveError as exc:
                problem = refusal_code(exc)
                needed = level_name(exc.extra.get("clearance_needed"))
            else:
                return see(ACCOUNTS_PATH, done="password", user=username)
        return await self._page(page, registry, status_code=422,
                                problem=problem, about=username, needed=needed)

    @post("/{username:str}/change", operation_id="changeUserForm")
    async def change(self, username: FromPath[str], page: NamedDependency[Page],
                     registry: NamedDependency[RegistryReader],
                     people_names: NamedDependency[PeopleNames]) -> Response[Any]:
        """New roles, clearance, department and full name for ``username`` (the form shows
        them all, as they are, and sends them all); saved, the list says whether their
        sign-ins ended (a new name alone ends none)."""
        token = page_token(page.reader, may_administer)
        form = await page.request.form()
        roles = texts(form, "roles")
        clearance = text(form, "clearance")
        department = tidied_department(text(form, "department"),
                                       shown=page.pages.department_names(page.request))
        full_name = tidied_full_name(text(form, "full_name"))
        problem = change_problem(roles, clearance, department, full_name)
        if problem:
            return await self._page(page, registry, status_code=422, problem=problem,
                                    about=username, opened="change")
        before = await registry.user(token, username)
        response = await self._changed(page, registry, username, registry.change_user(
            token, username, roles=roles, clearance=clearance,
            department=department or None, full_name=full_name or None),
            done=lambda after: "changed" if before.rights_differ(after) else "renamed",
            opened="change")
        people_names.forget()
        return response

    @post("/{username:str}/deactivate", operation_id="deactivateUserForm")
    async def deactivate(self, username: FromPath[str], page: NamedDependency[Page],
                         registry: NamedDependency[RegistryReader]) -> Response[Any]:
        token = page_token(page.reader, may_administer)
        return await self._changed(page, registry, username,
                                   registry.deactivate_user(token, username), done="deactivated")

    @post("/{username:str}/activate", operation_id="activateUserForm")
    async def activate(self, username: FromPath[str], page: NamedDependency[Page],
                       registry: NamedDependency[RegistryReader]) -> Response[Any]:
        token = page_token(page.reader, may_administer)
        return await self._changed(page, registry, username,
                                   registry.activate_user(token, username), done="activated")

    async def _changed(self, page: Page, registry: RegistryReader, username: str,
                       change: Awaitable[User], *, done: str | Callable[[User], str],
                       opened: str = "") -> Response[Any]:
        """Await ``change`` to ``username``'s account and go back to the list saying it was
        ``done`` (or what ``done`` says of the account changed); refused, the page again
        saying why (its form ``opened`` again)."""
        try:
            changed = await change
        except ArchiveError as exc:
            # B9, O1, B3: a departure's refusal names what waits for the person.
            return await self._page(page, registry, status_code=exc.status,
                                    problem=refusal_code(exc), about=username,
                                    waiting=left_waiting(exc.extra),
                                    needed=level_name(exc.extra.get("clearance_needed")),
                                    opened=opened)
        return see(ACCOUNTS_PATH, done=done if isinstance(done, str) else done(changed),
                   user=username)
