"""axe-core (vendored from the npm registry, test-only) run inside the page.

The script is evaluated through the browser's debugging protocol, which the page's
Content-Security-Policy does not govern; the page itself never loads it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
BLOCKING = ("serious", "critical")
ALL = ("minor", "moderate", *BLOCKING)


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, impacts: tuple[str, ...] = ALL) -> list[dict[str, Any]]:
    """axe's violations of ``impacts`` on the page as it stands (the best practices too:
    one ``h1``, headings in order, everything in a landmark)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    result = page.evaluate("async () => await window.axe.run(document, "
                           "{resultTypes: ['violations']})")
    return [{"id": violation["id"], "impact": violation["impact"],
             "nodes": [node["html"][:200] for node in violation["nodes"][:3]]}
            for violation in result["violations"] if violation["impact"] in impacts]


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations of impact serious or critical on the page as it stands."""
    return violations(page, BLOCKING)


def expect_no_serious_violations(page: Page) -> None:
    """The page as it stands has no serious or critical axe violation."""
    assert serious_violations(page) == [], page.url
