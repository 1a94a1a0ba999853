"""A staff page on a phone: 375 × 800, and what it takes to read there (nothing scrolls
sideways; every table's cells carry their column's header, shown before them where the
table is stacked into cards; the tables keep their ARIA roles)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

PHONE = {"width": 375, "height": 800}
TOUCH_PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844},
                               "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
"""A phone as a browser context: 390 × 844 at scale 3, a finger for a pointer (the
page's ``@media (pointer: coarse)``)."""
FINGER_PX = 44
"""The least a target a finger aims at measures each way (WCAG 2.5.5, 2.75rem)."""

SIZES = """(targets) => targets.map(target => {
  const box = target.getBoundingClientRect();
  return {html: target.outerHTML.slice(0, 80), width: box.width, height: box.height};
})"""

# Each cell's label is its column's header, and where the table is stacked into cards it
# is what the page shows before the cell's content. (The statistics' two columns of
# figures stay a table: they fit.)
UNLABELLED_CELLS = """() => {
  const problems = [];
  for (const table of document.querySelectorAll("main table")) {
    const headers = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
    const stacked = getComputedStyle(table).display === "block";
    for (const cell of table.querySelectorAll("tbody td, tfoot td")) {
      if (cell.colSpan > 1) continue;
      const label = cell.dataset.label;
      const shown = getComputedStyle(cell, "::before").content;
      if (!label || !headers.includes(label)
          || (stacked && !shown.startsWith(JSON.stringify(label)))) {
        problems.push(`${label} / ${shown}: ${cell.textContent.trim().slice(0, 40)}`);
      }
    }
  }
  return problems;
}"""
BEYOND_THE_EDGE = """() => [...document.querySelectorAll("body *")]
  .filter(element => element.getBoundingClientRect().right > window.innerWidth)
  .slice(-5).map(element => element.outerHTML.slice(0, 120))"""
TABLE_ROLES = """() => [...document.querySelectorAll("main table")].every(table =>
  table.getAttribute("role") === "table"
  && [...table.querySelectorAll("tr")].every(row => row.getAttribute("role") === "row")
  && [...table.querySelectorAll("td")].every(cell => cell.getAttribute("role") === "cell"))"""


FITS = "document.documentElement.scrollWidth <= window.innerWidth"
"""The page as it stands is no wider than the window: nothing scrolls sideways."""


def expect_no_sideways_scroll(page: Page) -> None:
    """The page as it stands, with what htmx loads after it, is no wider than the window."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate(FITS), (page.url, page.evaluate(BEYOND_THE_EDGE))


def expect_fits_a_phone(page: Page) -> None:
    """The page as it stands reads at a phone's width without scrolling sideways, its
    tables stacked into labelled cards with their roles kept."""
    expect_no_sideways_scroll(page)
    assert page.locator("main tbody tr").count() > 0, page.url
    assert page.evaluate(UNLABELLED_CELLS) == [], page.url
    assert page.evaluate(TABLE_ROLES), page.url


def too_small_for_a_finger(page: Page, selector: str, *, least_px: float = FINGER_PX) -> list[Any]:
    """The targets matching ``selector`` (at least one) narrower or lower than
    ``least_px``, each as its markup's start and its size."""
    sizes = page.locator(selector).evaluate_all(SIZES)
    assert sizes, selector
    return [size for size in sizes
            if size["width"] < least_px - 0.5 or size["height"] < least_px - 0.5]
