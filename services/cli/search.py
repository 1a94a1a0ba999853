"""``archive search``: search from the terminal, as a table or (``--json``) as JSON.

The table shows each hit's archive number, filing date, household, category, title and
its first snippet with the matched words highlighted; text from the archive is shown as
text, never interpreted as terminal markup. Hits that hold most of the query's words but
not all (``match: partial``, always after the others) are said to be so. A page after the
last is refused (exit 1) naming the last page, not shown as an empty table: a script
paging on sees where to stop, and a person sees the mistake.
"""

from __future__ import annotations

import html
import math
import re
from datetime import datetime

import click
from rich.table import Table
from rich.text import Text

from services.cli.client import Api, api_options, echo_json, json_option
from services.cli.named import BUILDING, CATEGORY, DAY, HOUSEHOLD
from services.cli.terminal import category_name, counted, tables
from services.common.contracts.search import SearchRequest, SearchResult
from services.common.text import QUOTE_MARKS

_MARKED = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


@click.command()
@click.argument("query")
@click.option("--household", type=HOUSEHOLD,
              help="Only this household's documents (unit code, e.g. A-1201).")
@click.option("--building", type=BUILDING,
              help="Only the documents of this building's households (A, B1, 3; A栋 too).")
@click.option("--category", type=CATEGORY, help="Only this category (D5).")
@click.option("--from", "filed_from", type=DAY,
              help="Filed on or after this date (YYYY-MM-DD).")
@click.option("--to", "filed_to", type=DAY,
              help="Filed on or before this date (YYYY-MM-DD).")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--size", type=click.IntRange(1, 100), default=20, show_default=True,
              help="Hits per page.")
@json_option("Print the answer as JSON.")
@api_options
def search(api: Api, query: str, household: str | None, building: str | None,
           category: str | None,
           filed_from: datetime | None, filed_to: datetime | None, page: int, size: int,
           as_json: bool) -> None:
    """Search the archive: words and "quoted phrases"; Simplified and Traditional
    characters find each other. Documents holding every word come first; when few do,
    documents holding most of them follow, marked as such."""
    request = SearchRequest(q=query, household=household, building=building, category=category,
                            filed_from=filed_from.date() if filed_from else None,
                            filed_to=filed_to.date() if filed_to else None, page=page,
                            size=size)
    result = api.run(api.search.search(api.token, request))
    if as_json:
        echo_json(result)
        return
    print_results(result, page=page, size=size, quoted=bool(QUOTE_MARKS.search(query)))


NO_FULL_MATCH = "No document holds all your words; these hold most of them."
PARTIAL_PAGE = "These documents hold most of your words, not all."
PARTIAL_BELOW = "Below the line: documents that hold most of your words, not all."


def print_results(result: SearchResult, *, page: int, size: int, quoted: bool = False
                  ) -> None:
    """The hits as a table; nothing found says what to try (``quoted``: the query has
    quotes, whose phrase is found only exactly)."""
    console = tables()
    total = result.total
    if not total:
        unquote = ("Quoted words are found only exactly as typed; try them without the "
                   "quotes. ") if quoted else ""
        console.print(Text(f"No documents match; try fewer words, or fewer filters. {unquote}"
                           "Confidential and secret documents, and those with owners' "
                           "personal information, are found by title and archive number "
                           "only; their text is searched under an approved loan."))
        return
    hits = result.hits
    pages = math.ceil(total / size)
    if not hits:  # documents match, but the page asked for is after the last of them
        raise click.ClickException(
            f"there is no page {page}: {counted(total, 'document')} fill "
            f"{counted(pages, 'page')} of {size}; the last is --page {pages}")
    partial = [hit.match == "partial" for hit in hits]
    if partial and partial[0]:
        console.print(Text(NO_FULL_MATCH if page == 1 else PARTIAL_PAGE))
    table = Table(title=f"archive search: {counted(total, 'document')}")
    for column in ("archive no", "filed", "household", "category", "title", "snippet"):
        table.add_column(column, overflow="fold")
    for index, hit in enumerate(hits):
        if index and partial[index] and not partial[index - 1]:
            table.add_section()
        table.add_row(Text(hit.archive_no), Text(hit.filed_at.isoformat()),
                      Text(hit.household or "—"),
                      Text(category_name(hit.category)),
                      Text(hit.title), snippet(hit.highlights[0]) if hit.highlights else Text(""))
    console.print(table)
    if partial and not partial[0] and partial[-1]:
        console.print(Text(PARTIAL_BELOW))
    if pages > 1:
        console.print(Text(f"page {page} of {pages}; see more with --page {min(page + 1, pages)}"))


def snippet(marked: str) -> Text:
    """A highlight (escaped HTML with ``<mark>``) as terminal text, matches emphasised."""
    text = Text()
    position = 0
    for match in _MARKED.finditer(marked):
        text.append(html.unescape(marked[position:match.start()]))
        text.append(html.unescape(match.group(1)), style="bold reverse")
        position = match.end()
    text.append(html.unescape(marked[position:]))
    return text
