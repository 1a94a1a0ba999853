"""A staff page on a phone: 375 × 800, and what it takes to read there (nothing scrolls
sideways; every table's cells carry their column's header, shown before them where the
table is stacked into cards; the tables keep their ARIA roles)."""

from __future__ import annotations

from playwright.sync_api import Page

PHONE = {"width": 375, "height": 800}

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


def expect_no_sideways_scroll(page: Page) -> None:
    """The page as it stands, with what htmx loads after it, is no wider than the window."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        page.url, page.evaluate(BEYOND_THE_EDGE))


def expect_fits_a_phone(page: Page) -> None:
    """The page as it stands reads at a phone's width without scrolling sideways, its
    tables stacked into labelled cards with their roles kept."""
    expect_no_sideways_scroll(page)
    assert page.locator("main tbody tr").count() > 0, page.url
    assert page.evaluate(UNLABELLED_CELLS) == [], page.url
    assert page.evaluate(TABLE_ROLES), page.url
