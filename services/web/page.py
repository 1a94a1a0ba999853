"""One request for a page: the request, the signed-in person (``Reader``) and the
renderer, so that a route renders its template with the base layout's values (who is
signed in, the parts of the archive they may open, where they are, the CSRF token) without
naming them each time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from services.common.auth import PrincipalVerifier, TokenCodec
from services.web.failures import outcome_values
from services.web.navigation import layout_values
from services.web.people import PeopleNames
from services.web.render import Pages
from services.web.session import Reader, reader_of

PageNumber = Annotated[int | None, QueryParameter(name="page")]
"""``?page=``: a document's page; the route's own ``page`` is the ``Page`` it renders."""


@dataclass(frozen=True)
class Page:
    """A page for the signed-in person (every page but sign-in)."""

    request: Request[Any, Any, Any]
    reader: Reader
    pages: Pages
    people: Mapping[str, str]
    """Full names by username: the templates' ``person`` filter names people by them."""

    def render(self, template: str, *, status_code: int = 200, **values: Any
               ) -> Response[str]:
        """``template`` with ``values``, what the last form did or why it was refused
        (unless ``values`` say) and the base layout's values."""
        return self.pages.render(self.request, template, status_code=status_code,
                                 **{"people": self.people, **outcome_values(self.request),
                                    **values},
                                 **layout_values(self.request, self.reader.principal))


async def provide_reader(request: Request[Any, Any, Any], codec: NamedDependency[TokenCodec],
                         verifier: NamedDependency[PrincipalVerifier]) -> Reader:
    return await reader_of(request, codec, verifier)


async def provide_page(request: Request[Any, Any, Any], reader: NamedDependency[Reader],
                       pages: NamedDependency[Pages],
                       people_names: NamedDependency[PeopleNames]) -> Page:
    return Page(request=request, reader=reader, pages=pages,
                people=await people_names.names(reader.token))
