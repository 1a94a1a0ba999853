"""The API reference (``/schema``) in real Chromium with no other host reachable, as in the
company network: Swagger UI, served by the archive itself, lists the operations, and
nothing on the page breaks its Content-Security-Policy. Its screenshot is saved."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import ConsoleMessage, Route, expect

from tests.browser.conftest import VIEWPORT
from tests.browser.office import Office, office_fixture

office = office_fixture("api-reference")

FIRST_DRAWING_MS = 60_000

NOTE_VIOLATIONS = """window.violations = [];
document.addEventListener("securitypolicyviolation",
    (event) => window.violations.push(`${event.violatedDirective} ${event.blockedURI}`));"""


def test_the_api_reference_lists_the_operations_with_no_other_host_reachable(
        office: Office, screenshots: Path) -> None:
    server = office.archive.server.url
    context = office.browser.new_context(base_url=server, viewport=VIEWPORT)
    office.contexts.append(context)
    page = context.new_page()
    elsewhere: list[str] = []
    errors: list[str] = []

    def refuse(route: Route) -> None:
        elsewhere.append(route.request.url)
        route.abort()

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.route(lambda url: not url.startswith(f"{server}/"), refuse)
    page.on("console", note)
    page.add_init_script(NOTE_VIOLATIONS)
    # Swagger UI draws only the operations in view; a link to one scrolls to it, open.
    page.goto("/schema#/accounts/issueToken")
    token = page.locator("#operations-accounts-issueToken")
    # Drawing some 450 operations took 16 s on a loaded 2-core machine, past the default.
    expect(token).to_contain_text("/registry/auth/token", timeout=FIRST_DRAWING_MS)
    expect(token.get_by_role("button", name="Try it out")).to_be_visible()
    expect(page.locator("#operations-tag-accounts")).to_be_visible()
    page.screenshot(path=screenshots / "api-reference.png", full_page=False)
    assert page.evaluate("window.violations") == []
    assert errors == []
    assert elsewhere == []
