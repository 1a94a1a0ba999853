"""The API reference (``/schema``) in real Chromium with no other host reachable, as in the
company network: a landing lists the API's parts, each opening a Swagger UI, served by
the archive itself, of that part's operations only; an operation's address from when the
reference was one page opens it in its part; nothing on the pages breaks their
Content-Security-Policy. Their screenshots are saved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, Route, expect

from tests.browser.conftest import VIEWPORT
from tests.browser.office import Office, office_fixture

office = office_fixture("api-reference")

NOTE_VIOLATIONS = """window.violations = [];
document.addEventListener("securitypolicyviolation",
    (event) => window.violations.push(`${event.violatedDirective} ${event.blockedURI}`));"""


@dataclass
class Watched:
    """A page that may reach the archive only, and what it tried beyond that."""

    page: Page
    elsewhere: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.page.evaluate("window.violations") == []
        assert self.errors == []
        assert self.elsewhere == []


@pytest.fixture
def reference(office: Office) -> Iterator[Watched]:
    server = office.archive.server.url
    context = office.browser.new_context(base_url=server, viewport=VIEWPORT)
    office.contexts.append(context)
    watched = Watched(context.new_page())

    def refuse(route: Route) -> None:
        watched.elsewhere.append(route.request.url)
        route.abort()

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(message.text)

    watched.page.route(lambda url: not url.startswith(f"{server}/"), refuse)
    watched.page.on("console", note)
    watched.page.add_init_script(NOTE_VIOLATIONS)
    yield watched
    context.close()


def test_the_landing_lists_the_parts_and_opens_one_parts_operations(
        reference: Watched, screenshots: Path) -> None:
    page = reference.page
    page.goto("/schema")
    parts = page.get_by_role("table")
    for part in ("accounts", "ingest", "search", "catalogue", "lending", "retention"):
        expect(parts.get_by_role("link", name=part, exact=True)).to_be_visible()
    page.screenshot(path=screenshots / "api-reference.png", full_page=False)
    reference.assert_clean()

    parts.get_by_role("link", name="accounts", exact=True).click()
    expect(page).to_have_url(re.compile(r"/schema/tags/accounts$"))
    token = page.locator("#operations-accounts-issueToken")
    expect(token).to_contain_text("/registry/auth/token")
    expect(page.locator("#operations-tag-accounts")).to_be_visible()
    # Only this part's operations: no other tag is drawn.
    expect(page.locator("[id^=operations-tag-]")).to_have_count(1)
    expect(page.get_by_role("link", name="All parts of the API")).to_be_visible()
    page.screenshot(path=screenshots / "api-reference-accounts.png", full_page=False)
    reference.assert_clean()


def test_an_operations_address_on_the_one_page_reference_opens_it_in_its_part(
        reference: Watched) -> None:
    page = reference.page
    page.goto("/schema#/accounts/issueToken")
    expect(page).to_have_url(re.compile(r"/schema/tags/accounts#/accounts/issueToken$"))
    token = page.locator("#operations-accounts-issueToken")
    expect(token).to_contain_text("/registry/auth/token")
    expect(token.get_by_role("button", name="Try it out")).to_be_visible()
    reference.assert_clean()
