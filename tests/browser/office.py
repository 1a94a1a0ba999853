"""An archive office for the workflow pages' browser tests: a real ``archive serve`` at
a fixed time the test moves (the injected clock the retention tests use, never a
sleep), the retention tests' people (staff, manager, director, archivists, compliance),
and each person signed in through the sign-in form in a browser context of their own.

Work that runs an event loop (creating users, storing originals) runs in a thread of
its own: Playwright's sync API keeps an event loop running in the test's thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import Browser, BrowserContext, Page

from services.common.clock import FixedClock
from tests.browser.conftest import VIEWPORT
from tests.e2e.retention.support import START, Archive
from tests.fixtures.app import PASSWORD, launch_archive_server

T = TypeVar("T")


@dataclass
class Office:
    archive: Archive
    browser: Browser
    thread: ThreadPoolExecutor
    contexts: list[BrowserContext] = field(default_factory=list)

    @property
    def clock(self) -> FixedClock:
        return self.archive.clock

    def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``work`` in the office's own thread (it may run an event loop)."""
        return self.thread.submit(work, *args, **kwargs).result()

    def open_as(self, username: str) -> Page:
        """A browser context of ``username``'s own, signed in; on the search page."""
        context = self.browser.new_context(base_url=self.archive.server.url,
                                           viewport=VIEWPORT, locale="zh-CN")
        self.contexts.append(context)
        page = context.new_page()
        page.goto("/ui/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/ui/search")
        return page


@contextmanager
def office_at(browser: Browser, root: Path, **settings: Any) -> Iterator[Office]:
    with ThreadPoolExecutor(max_workers=1) as thread:
        clock = FixedClock(START)
        server = thread.submit(launch_archive_server, root, clock=clock, **settings).result()
        try:
            archive = thread.submit(Archive.open, server, clock).result()
            office = Office(archive=archive, browser=browser, thread=thread)
            yield office
            for context in office.contexts:
                context.close()
        finally:
            server.server.stop()


def download(page: Page, link: str, target: Path) -> Path:
    """What the link named ``link`` downloads, saved under ``target``."""
    with page.expect_download() as started:
        page.get_by_role("link", name=link).click()
    path = target / started.value.suggested_filename
    started.value.save_as(path)
    return path
