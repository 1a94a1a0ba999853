"""Real Chromium (Debian's ``chromium``) driven by Playwright for Python, against a real
``archive serve`` on loopback.

Playwright is pinned to the release whose browser protocol matches Debian's Chromium
(pyproject.toml) and launched with ``executable_path``: ``playwright install`` downloads a
browser and is never used. Each launch gets a fresh, temporary profile. Without the
browser each test fails with the reason and what to run: they never skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.cabinet import Cabinet, copied_cabinet

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}

# Playwright's 5 s default is short for two cores running three test workers, each with its
# server, OCR and a browser: a page that answers in 6 s there is slow, not wrong.
expect.set_options(timeout=15_000)


def require_browser(chromium: Path) -> None:
    """Fails with the reason when ``chromium`` is missing: the browser tests never skip."""
    if not chromium.exists():
        pytest.fail(f"{chromium} is missing: run 'make setup' (installs Debian's chromium)")


# Module-scoped, not session-scoped: while Playwright's sync API runs, this thread has an
# event loop running, which the suite's other tests (asyncio.run, pytest-asyncio) cannot
# share; it is closed when the module's tests are done.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_browser(CHROMIUM)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def cabinet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cabinet]:
    # In a thread of its own: Playwright's sync API keeps an event loop running in this
    # one, and filling the cabinet creates users with asyncio.run. The run's workers share
    # the directory above their own (xdist gives each a directory below it).
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "cabinet"
    with ThreadPoolExecutor(max_workers=1) as thread:
        opened = copied_cabinet(shared, tmp_path_factory.mktemp("browser-archive") / "data")
        cabinet = thread.submit(opened.__enter__).result()
        try:
            yield cabinet
        finally:
            thread.submit(opened.__exit__, None, None, None).result()


SignIn = Callable[..., Page]


class Sessions:
    """Signed-in browser contexts on one server. A person's first context signs in
    through the sign-in form; later ones start from that session's cookie (a page load
    instead of three: the form, its post and the search page) and sign in through the
    form again when the server no longer takes it (signed out, expired at a moved clock,
    password changed, account deactivated)."""

    def __init__(self, browser: Browser, url: str, password: str) -> None:
        self.browser = browser
        self.url = url
        self.password = password
        self._cookies: dict[tuple[str, str], Any] = {}

    def open(self, username: str, *, locale: str = "zh-CN") -> Page:
        """A new browser context of ``username``'s own, signed in; on the search page."""
        kept = self._cookies.get((username, locale))
        context = self.browser.new_context(base_url=self.url, viewport=VIEWPORT, locale=locale,
                                           storage_state=kept)
        page = context.new_page()
        page.goto("/ui/search" if kept else "/ui/login")
        if urlsplit(page.url).path == "/ui/search":
            return page
        chinese = locale.startswith("zh")
        page.get_by_label("用户名" if chinese else "Username").fill(username)
        page.get_by_label("密码" if chinese else "Password").fill(self.password)
        page.get_by_role("button", name="登录" if chinese else "Sign in").click()
        page.wait_for_url("**/ui/search")
        self._cookies[(username, locale)] = context.storage_state()
        return page


@pytest.fixture(scope="module")
def sessions(browser: Browser, cabinet: Cabinet) -> Sessions:
    return Sessions(browser, cabinet.url, cabinet.password)


@pytest.fixture
def sign_in(sessions: Sessions) -> Iterator[SignIn]:
    """A new browser context (its own cookies) signed in as ``username`` (``Sessions``);
    the page is on the search page. Closed when the test ends."""
    contexts: list[BrowserContext] = []

    def open_as(username: str, *, locale: str = "zh-CN") -> Page:
        page = sessions.open(username, locale=locale)
        contexts.append(page.context)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _close_the_offices_pages(request: pytest.FixtureRequest) -> Iterator[None]:
    """The pages a test opened in its module's office are closed when it ends: an open
    page costs the browser CPU as long as it stays open (a caret blinking, timers)."""
    office = request.getfixturevalue("office") if "office" in request.fixturenames else None
    yield
    if office is not None:
        office.close_pages()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``ARCHIVE_SCREENSHOTS`` (``docs/screenshots`` to refresh the
    README's), else a temporary directory."""
    chosen = os.environ.get("ARCHIVE_SCREENSHOTS")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("screenshots")
