"""An archive office for the workflow pages' browser tests: a real ``archive serve`` at
a fixed time the test moves (the injected clock the retention tests use, never a
sleep), the retention tests' people (staff, manager, director, archivists, compliance),
and each person signed in through the sign-in form in a browser context of their own.

Work that runs an event loop (creating users, storing originals) runs in a thread of
its own: Playwright's sync API keeps an event loop running in the test's thread.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from services.common.clock import FixedClock
from services.common.db import create_engine
from services.registry.bootstrap import RegistryServices
from tests.browser.conftest import Sessions
from tests.e2e.retention.support import START, Archive
from tests.fixtures.app import PASSWORD, Person, launch_archive_server

T = TypeVar("T")


@dataclass
class Office:
    archive: Archive
    browser: Browser
    thread: ThreadPoolExecutor
    sessions: Sessions
    contexts: list[BrowserContext] = field(default_factory=list)

    @property
    def clock(self) -> FixedClock:
        return self.archive.clock

    def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``work`` in the office's own thread (it may run an event loop)."""
        return self.thread.submit(work, *args, **kwargs).result()

    def add_user(self, username: str, *roles: str, **fields: Any) -> str:
        """A person of the office's (``ArchiveServer.add_user``); their bearer token."""
        return self.run(self.archive.server.add_user, username, *roles, **fields)

    def file(self, **fields: Any) -> dict[str, Any]:
        """A document filed in the archive (``Archive.file``); its catalogue record."""
        return self.run(self.archive.file, **fields)

    def escalate(self) -> list[str]:
        """Run the registry's escalation check (B4) at the office's clock now, as a second
        registry process over the same database would (the server runs it every five
        minutes); the ids of the loans it escalated."""

        async def check() -> list[str]:
            settings = self.archive.server.settings
            engine = create_engine(settings.database_url_for("registry"))
            try:
                registry = RegistryServices.from_settings(settings, engine, self.clock)
                return await registry.circulation.escalate_due()
            finally:
                await engine.dispose()

        return self.run(asyncio.run, check())

    def open_as(self, username: str) -> Page:
        """A browser context of ``username``'s own, signed in (``Sessions``); on the search
        page. Closed when the test ends."""
        page = self.sessions.open(username)
        self.contexts.append(page.context)
        return page

    def close_pages(self) -> None:
        """Close the browser contexts opened so far (a test's, when it ends)."""
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@contextmanager
def office_at(browser: Browser, root: Path, **settings: Any) -> Iterator[Office]:
    with ThreadPoolExecutor(max_workers=1) as thread:
        clock = FixedClock(START)
        server = thread.submit(launch_archive_server, root, clock=clock, **settings).result()
        try:
            archive = thread.submit(Archive.open, server, clock).result()
            office = Office(archive=archive, browser=browser, thread=thread,
                            sessions=Sessions(browser, server.url, PASSWORD))
            yield office
            office.close_pages()
        finally:
            server.server.stop()


def office_fixture(name: str, people: Sequence[Person] = (), **settings: Any) -> Any:
    """A module's ``office`` fixture: an office of the module's own (its files under a
    folder ``name``, the server started with ``settings``) with ``people`` added."""

    @pytest.fixture(scope="module")
    def office(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
        with office_at(browser, tmp_path_factory.mktemp(name), **settings) as office:
            for person in people:
                office.add_user(person.username, person.role, clearance=person.clearance,
                                department=person.department)
            yield office

    return office


def documents_fixture(**papers: dict[str, Any]) -> Any:
    """A module's ``documents`` fixture: each of ``papers`` (the fields ``Office.file``
    takes) filed in the module's office once; their catalogue records by name."""

    @pytest.fixture(scope="module")
    def documents(office: Office) -> dict[str, Any]:
        return {name: office.file(**fields) for name, fields in papers.items()}

    return documents


def handed_over_moved_out_and_counted(archivist: httpx.Client, handed: dict[str, Any],
                                      moved_out: str) -> str:
    """What the staff tables show of an archivist's work, in words people typed: ``handed``
    (of household A-1301) handed over by 第一客户服务中心, household ``moved_out``
    transferred out to 新物业公司, and an inventory of building A begun with its first box
    missing (柜内未见); the inventory's id."""
    for path, body in (
            ("/registry/handovers",
             {"service_centre": "第一客户服务中心", "handed_over_by": "li",
              "received_by": "sun", "households": ["A-1301"],
              "documents": [handed["document_id"]]}),
            ("/registry/transfers",
             {"recipient": "新物业公司", "reason": "业主委员会更换物业",
              "household": moved_out})):
        response = archivist.post(path, json=body)
        assert response.status_code == 201, response.text
    started = archivist.post("/registry/inventories", json={"building": "A"})
    assert started.status_code == 201, started.text
    inventory = str(started.json()["inventory_id"])
    marked = archivist.post(f"/registry/inventories/{inventory}/items/1",
                            json={"state": "missing", "note": "柜内未见"})
    assert marked.status_code == 200, marked.text
    return inventory


def nav_link(page: Page, name: str | re.Pattern[str]) -> Locator:
    """The main navigation's link ``name``."""
    return page.get_by_role("navigation", name="主导航").get_by_role("link", name=name)


def expect_not_found(page: Page, path: str) -> None:
    """``path`` answers 404 with the not-found page (what someone may not read gets, so
    that it does not say whether the thing is there)."""
    response = page.goto(path)
    assert response is not None, path
    assert response.status == 404, path
    expect(page.get_by_role("heading", level=1, name="没有找到")).to_be_visible()


def sign_after_a_wrong_password(page: Page, button: str, *, unsigned: str) -> None:
    """Sign with the button ``button`` (a handover's side, a destruction's witness):
    first with a wrong password, refused with nothing recorded (the page still says
    ``unsigned``), then with the signer's own."""
    password = page.get_by_label("您的登录密码（签字确认）")
    password.fill("not-my-password")
    page.get_by_role("button", name=button).click()
    # Said at the form the redirect scrolls to, the password field focused and pointing at it.
    refusal = page.locator("#sign").get_by_role("alert")
    expect(refusal).to_contain_text("密码不正确，签字没有记录")
    expect(refusal).to_be_in_viewport()
    # Several people's pages are open at once: the window may not have focus, the page does.
    assert page.evaluate("document.activeElement.name") == "password"
    expect(password).to_have_accessible_description(re.compile("密码不正确"))
    expect(page.get_by_text(unsigned)).to_be_visible()
    password.fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status")).to_contain_text("您的签字已记录")


def download(page: Page, link: str, target: Path) -> Path:
    """Click the link ``link``, save what it downloads into ``target``."""
    with page.expect_download() as downloaded:
        page.get_by_role("link", name=link).click()
    path = target / downloaded.value.suggested_filename
    downloaded.value.save_as(path)
    return path


def pdf_text(path: Path) -> str:
    """The text of the PDF at ``path``, laid out as printed (``pdftotext -layout``)."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
